import assert from "node:assert/strict";
import { join } from "node:path";
import { defaultConfig, parseConfig, prepareSettings } from "../core/config.ts";
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

Deno.test("prepareSettings() reads API keys from the named variables only", () => {
  const config = defaultConfig();
  config.llm = {
    baseUrl: "http://127.0.0.1:1/v1",
    model: "m",
    apiKeyEnv: "MY_KEY",
    timeoutSeconds: 5,
    retries: 1,
  };
  const env: Record<string, string> = {
    MY_KEY: "k1",
    PAGEINDEX_API_KEY: "k2",
    PAGEINDEX_BASE_URL: "http://127.0.0.1:2",
  };
  const settings = prepareSettings(config, { env: (name) => env[name] });
  assert.equal(settings.llm?.apiKey, "k1");
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
