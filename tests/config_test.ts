import assert from "node:assert/strict";
import { join } from "node:path";
import {
  defaultConfig,
  LLM_DEFAULTS,
  llmConfig,
  parseConfig,
  prepareSettings,
} from "../core/config.ts";
import type { QuireError } from "../core/errors.ts";
import { runQuire, tempDir, writeFiles } from "./_helpers.ts";

Deno.test("parseConfig() fills defaults and refuses unknown keys and wrong types", () => {
  const config = parseConfig('{"concepts": {"minDocuments": 3}}', "c.json");
  assert.equal(config.concepts.minDocuments, 3);
  assert.equal(config.concepts.perDocument, 8);
  assert.equal(config.llm, null);
  assert.throws(() => parseConfig('{"concept": {}}', "c.json"), (e: QuireError) => {
    assert.equal(e.code, "CONFIG");
    assert.match(e.message, /Cannot read config 'c\.json': unknown key 'concept'/);
    return true;
  });
  assert.throws(
    () => parseConfig('{"limits": {"tableMaxRows": "many"}}', "c.json"),
    /'limits\.tableMaxRows' must be a number/,
  );
  assert.throws(() => parseConfig("{not json", "c.json"), /Cannot read config 'c\.json'/);
  assert.throws(
    () => parseConfig('{"llm": {"baseUrl": "ftp://x"}}', "c.json"),
    /needs an http\(s\) 'baseUrl' and a 'model'/,
  );
});

Deno.test("parseConfig() fills the llm budgets and refuses a context without room for a document", () => {
  const llm = parseConfig('{"llm": {"baseUrl": "http://h/v1", "model": "m"}}', "c.json").llm;
  assert.deepEqual(llm, { baseUrl: "http://h/v1", model: "m", ...LLM_DEFAULTS });
  assert.equal(llm?.maxTokens, 2048);
  assert.equal(llm?.contextTokens, 8192);
  assert.throws(
    () =>
      parseConfig(
        '{"llm": {"baseUrl": "http://h/v1", "model": "m", "maxTokens": 4096, "contextTokens": 4096}}',
        "c.json",
      ),
    /'llm\.contextTokens' \(4096\) must leave room for the document: at least 'llm\.maxTokens' \+ 1024 \(5120\)/,
  );
  assert.throws(
    () =>
      parseConfig('{"llm": {"baseUrl": "http://h/v1", "model": "m", "maxTokens": 1.5}}', "c.json"),
    /'llm\.maxTokens' must be a whole number from 64 to 10000000, not 1\.5/,
  );
  assert.equal(parseConfig("{}", "c.json").cache.maxBytes, 1024 ** 3);
});

Deno.test("prepareSettings() reads API keys from the named variables only", () => {
  const config = defaultConfig();
  config.llm = llmConfig({ baseUrl: "http://127.0.0.1:1/v1", model: "m", apiKeyEnv: "MY_KEY" });
  const env: Record<string, string> = {
    MY_KEY: "k1",
    PAGEINDEX_API_KEY: "k2",
    PAGEINDEX_BASE_URL: "http://127.0.0.1:2",
  };
  const settings = prepareSettings(config, { env: (name) => env[name] });
  assert.equal(settings.llm?.apiKey, "k1");
  assert.equal(settings.llm?.apiKeyState, "set");
  const padded = prepareSettings(config, {
    env: (name) => (name === "MY_KEY" ? " k1 \r" : undefined),
  });
  assert.equal(padded.llm?.apiKey, "k1");
  assert.deepEqual(padded.llm?.secrets, [" k1 \r", "k1"]);
  assert.equal(prepareSettings(config, { env: () => undefined }).llm?.apiKeyState, "unset");
  assert.equal(prepareSettings(config, { env: () => " " }).llm?.apiKeyState, "empty");
  assert.equal(settings.pageindex.apiKey, "k2");
  assert.equal(settings.pageindex.baseUrl, "http://127.0.0.1:2");
});

Deno.test("a bad config is a usage error (exit 2) naming the file and the key", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  await writeFiles(kb, { ".quire/config.json": '{"langauge": "en"}' });
  const result = await runQuire(["--kb", kb, "add", join(kb, "nothing.md")]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /Cannot read config '.*config\.json': unknown key 'langauge'/);
  assert.match(result.stderr, /hint: Remove 'langauge' or check its spelling/);
});

Deno.test("parseConfig() refuses numbers out of range, non-integers and non-finite values", () => {
  const cases: [string, RegExp][] = [
    [
      '{"limits": {"tableMaxRows": -1}}',
      /'limits\.tableMaxRows' must be a whole number from 1 to \d+, not -1/,
    ],
    ['{"limits": {"tableMaxRows": 2.5}}', /'limits\.tableMaxRows' must be a whole number/],
    [
      '{"limits": {"prepareTimeoutSeconds": 0}}',
      /'limits\.prepareTimeoutSeconds' must be a number above 0 up to 2147483, not 0/,
    ],
    [
      '{"limits": {"fetchTimeoutSeconds": 1e9}}',
      /'limits\.fetchTimeoutSeconds' must be a number above 0/,
    ],
    [
      '{"limits": {"maxFetchBytes": 1e400}}',
      /'limits\.maxFetchBytes' must be a whole number from 1 to \d+, not Infinity/,
    ],
    [
      '{"limits": {"sectionTreeMinPages": 0}}',
      /'limits\.sectionTreeMinPages' must be a whole number/,
    ],
    [
      '{"concepts": {"perDocument": -3}}',
      /'concepts\.perDocument' must be a whole number from 0 to 1000, not -3/,
    ],
    ['{"concepts": {"minDocuments": 0.5}}', /'concepts\.minDocuments' must be a whole number/],
    [
      '{"llm": {"baseUrl": "http://x/v1", "model": "m", "retries": -1}}',
      /'llm\.retries' must be a whole number from 0 to 100, not -1/,
    ],
    [
      '{"llm": {"baseUrl": "http://x/v1", "model": "m", "timeoutSeconds": 0}}',
      /'llm\.timeoutSeconds' must be a number above 0/,
    ],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseConfig(text, "c.json"), (e: QuireError) => {
      assert.equal(e.code, "CONFIG", text);
      assert.match(e.message, /^Cannot read config 'c\.json': /);
      assert.match(e.message, message);
      assert.match(e.hint ?? "", /Fix '.*' in 'c\.json'/);
      return true;
    }, text);
  }
  const config = parseConfig(
    '{"concepts": {"perDocument": 0}, "limits": {"fetchTimeoutSeconds": 0.5}}',
    "c.json",
  );
  assert.equal(config.concepts.perDocument, 0);
  assert.equal(config.limits.fetchTimeoutSeconds, 0.5);
});

Deno.test("parseConfig() refuses __proto__, constructor, null sections and mistyped values", () => {
  const cases: [string, RegExp][] = [
    ['{"__proto__": {"limits": {"tableMaxRows": 1}}}', /unknown key '__proto__'/],
    ['{"limits": {"__proto__": {"x": 1}}}', /unknown key 'limits\.__proto__'/],
    ['{"constructor": 1}', /unknown key 'constructor'/],
    ['{"concepts": {"toString": 1}}', /unknown key 'concepts\.toString'/],
    ['{"limits": null}', /'limits' must be an object/],
    ['{"language": null}', /'language' must be a string/],
    ['{"inbox": 5}', /'inbox' must be a string or null/],
    ['{"ignore": ["*.tmp", 3]}', /'ignore' must be an array of strings/],
    ['{"ignore": "*.tmp"}', /'ignore' must be an array of strings/],
    ['{"llm": 3}', /'llm' must be an object or null/],
    ['{"pageindex": {"baseUrl": "file:///etc"}}', /'pageindex\.baseUrl' must be an http\(s\) URL/],
    ["[]", /'\(top level\)' must be an object/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseConfig(text, "c.json"), (e: QuireError) => {
      assert.equal(e.code, "CONFIG", text);
      assert.match(e.message, message);
      return true;
    }, text);
  }
  const config = parseConfig('{"inbox": "inbox"}', "c.json");
  assert.equal(config.inbox, "inbox");
  assert.equal(Object.getPrototypeOf(config), Object.prototype);
});

Deno.test("a config value out of range is a usage error (exit 2) before anything changes", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  await writeFiles(dir.path, { "a.md": "# A\n\nSome text.\n" });
  await writeFiles(kb, { ".quire/config.json": '{"limits": {"maxFetchBytes": 1e400}}' });
  const result = await runQuire(["--kb", kb, "add", join(dir.path, "a.md")]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /'limits\.maxFetchBytes' must be a whole number .* not Infinity/);
  assert.doesNotMatch(result.stderr, /bug in Quire/);
  assert.deepEqual([...Deno.readDirSync(join(kb, "raw"))], []);
});

Deno.test("parseConfig() range-checks the input-size limits", () => {
  const limits = parseConfig("{}", "c.json").limits;
  assert.equal(limits.maxInputBytes, 512 * 1024 * 1024);
  assert.equal(limits.maxTextBytes, 4 * 1024 * 1024);
  assert.equal(limits.maxInflatedBytes, 8 * 1024 * 1024);
  assert.equal(limits.maxCompressionRatio, 100);
  assert.equal(
    parseConfig('{"limits": {"maxInputBytes": 1048576}}', "c.json").limits.maxInputBytes,
    1048576,
  );
  for (
    const [key, value] of [
      ["maxInputBytes", 0],
      ["maxInputBytes", 1.5],
      ["maxTextBytes", 10],
      ["maxInflatedBytes", -1],
      ["maxCompressionRatio", 1],
      ["maxCompressionRatio", "1e400"],
    ] as const
  ) {
    assert.throws(
      () => parseConfig(JSON.stringify({ limits: { [key]: value } }), "c.json"),
      (e: QuireError) => {
        assert.equal(e.code, "CONFIG");
        assert.match(
          e.message,
          new RegExp(`'limits\\.${key}' must be (a whole number from|a number)`),
        );
        return true;
      },
      `${key}: ${value}`,
    );
  }
});
