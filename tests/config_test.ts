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
    /'llm\.maxTokens' must be a whole number above 0/,
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
