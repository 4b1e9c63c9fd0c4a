/**
 * The LLM ingest through the CLI against the local fake (tests/_fake_llm.ts):
 * the prepared-results cache (no call paid twice, exactly the affected
 * entries invalidated), `add --dry-run`, usage accounting, a model slower
 * than `--timeout`, and streaming. The same behaviours against a server
 * that is not ours are in mock_llm_test.ts.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeLlm } from "./_fake_llm.ts";
import { read, runQuire, runQuireJson, tempDir, writeFiles } from "./_helpers.ts";

type Stats = {
  stats: { llm: Record<string, number | string | null> };
  fallbacks: { source: string; name: string; cause: string }[];
  failed: { source: string; code: string; error: string }[];
  added: unknown[];
  updated: unknown[];
};

async function kbWithLlm(dir: string, baseUrl: string, llm: Record<string, unknown> = {}) {
  const kb = join(dir, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  const configPath = join(kb, ".quire", "config.json");
  const config = JSON.parse(await Deno.readTextFile(configPath));
  config.llm = {
    baseUrl,
    model: "fake-model",
    apiKeyEnv: "",
    timeoutSeconds: 10,
    retries: 1,
    ...llm,
  };
  await Deno.writeTextFile(configPath, JSON.stringify(config, null, 2));
  return { kb, configPath };
}

const DOCS = {
  "in/tides.md": "# Tide tables\n\nTide tables predict high water for each harbour.\n",
  "in/cranes.md": "# Harbour cranes\n\nGantry cranes unload containers from vessels.\n",
  "in/pilots.md": "# Pilots\n\nHarbour pilots board incoming vessels at the fairway buoy.\n",
};

Deno.test("add pays each model answer once: re-add after remove and recompile hit the cache, a new model misses", async () => {
  await using llm = startFakeLlm();
  await using dir = await tempDir();
  const { kb, configPath } = await kbWithLlm(dir.path, llm.baseUrl);
  await writeFiles(dir.path, DOCS);
  const inDir = join(dir.path, "in");

  const dry = await runQuireJson<{ model: Record<string, number> }>([
    "--kb",
    kb,
    "add",
    "--dry-run",
    inDir,
  ]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(dry.json.model.wouldSend, 3);
  assert.equal(dry.json.model.cached, 0);
  assert.ok(dry.json.model.estimatedInputTokens > 300, JSON.stringify(dry.json.model));
  assert.equal(llm.requests.length, 0, "a dry run calls nothing");

  const first = await runQuireJson<Stats>(["--kb", kb, "add", inDir]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(llm.requests.length, 3);
  assert.equal(first.json.stats.llm.calls, 3);
  assert.equal(first.json.stats.llm.cacheHits, 0);
  assert.ok(Number(first.json.stats.llm.promptTokens) > 0);
  assert.ok(Number(first.json.stats.llm.completionTokens) > 0);
  assert.match(
    first.stderr,
    /Model: 3 calls \(0 retries\), \d+ prompt \+ \d+ completion tokens, 0 cache hits/,
  );
  for (const request of llm.requests) assert.equal(request.body.max_tokens, 2048);

  assert.equal((await runQuire(["--kb", kb, "remove", "tides", "cranes", "pilots"])).code, 0);
  const dryAgain = await runQuireJson<{ model: Record<string, number> }>([
    "--kb",
    kb,
    "add",
    "--dry-run",
    inDir,
  ]);
  assert.deepEqual([dryAgain.json.model.wouldSend, dryAgain.json.model.cached], [0, 3]);
  const again = await runQuireJson<Stats>(["--kb", kb, "add", inDir]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.json.added.length, 3);
  assert.equal(again.json.stats.llm.calls, 0);
  assert.equal(again.json.stats.llm.cacheHits, 3);
  const recompiled = await runQuireJson<Stats>(["--kb", kb, "recompile"]);
  assert.equal(recompiled.json.updated.length, 3);
  assert.equal(recompiled.json.stats.llm.calls, 0);
  assert.equal(llm.requests.length, 3, "no call paid twice");
  assert.match(await read(join(kb, "wiki", "summaries", "tides.md")), /compiler: "llm"/);

  // A new model invalidates exactly its own entries: one call per document, then none.
  const config = JSON.parse(await Deno.readTextFile(configPath));
  config.llm.model = "another-model";
  await Deno.writeTextFile(configPath, JSON.stringify(config));
  await runQuire(["--kb", kb, "recompile", "tides"]);
  assert.equal(llm.requests.length, 4);
  assert.equal(llm.requests[3].body.model, "another-model");
  await runQuire(["--kb", kb, "recompile", "tides"]);
  assert.equal(llm.requests.length, 4);

  const status = await runQuireJson<
    { llm: Record<string, number>; cache: { entries: number; bytes: number } }
  >(
    ["--kb", kb, "status"],
  );
  assert.equal(status.json.llm.calls, 4);
  assert.equal(status.json.llm.cacheHits, 7);
  assert.equal(status.json.cache.entries, 4);
  assert.ok(status.json.cache.bytes > 0);
  const human = await runQuire(["--kb", kb, "status"]);
  assert.match(human.stdout, /Model use \(all batches\): 4 calls .* 7 cache hits/);
  assert.match(
    human.stdout,
    /Prepared cache: 4 entries, .* in \.quire\/cache\/ \(safe to delete\)/,
  );

  // Deleting the cache loses nothing but the saved calls; a damaged entry is rebuilt.
  await Deno.remove(join(kb, ".quire", "cache"), { recursive: true });
  assert.equal((await runQuire(["--kb", kb, "lint"])).code, 0);
  await runQuire(["--kb", kb, "recompile", "cranes"]);
  assert.equal(llm.requests.length, 5);
});

Deno.test("add falls back when the model is slower than --timeout, and says so", async () => {
  await using llm = startFakeLlm({ delayMs: 20_000 });
  await using dir = await tempDir();
  const { kb } = await kbWithLlm(dir.path, llm.baseUrl, { timeoutSeconds: 60 });
  await writeFiles(dir.path, { "a.md": DOCS["in/tides.md"] });
  const result = await runQuireJson<Stats>([
    "--kb",
    kb,
    "add",
    "--timeout",
    "2",
    "--fallback",
    "offline",
    join(dir.path, "a.md"),
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.json.fallbacks.length, 1);
  assert.match(
    result.json.fallbacks[0].cause,
    /the model gave no answer before the prepare timeout/,
  );
  assert.match(
    result.stderr,
    /warning: a compiled offline: Cannot compile '.*a\.md': the model gave no answer/,
  );
  const failing = await runQuireJson<Stats>([
    "--kb",
    kb,
    "add",
    "--timeout",
    "2",
    join(dir.path, "a.md"),
  ]);
  assert.equal(failing.code, 0, "a duplicate now");
  await writeFiles(dir.path, { "b.md": DOCS["in/cranes.md"] });
  const failed = await runQuireJson<Stats>([
    "--kb",
    kb,
    "add",
    "--timeout",
    "2",
    join(dir.path, "b.md"),
  ]);
  assert.equal(failed.code, 1);
  assert.equal(failed.json.failed[0].code, "LLM");
  assert.match(failed.json.failed[0].error, /before the prepare timeout/);
});

Deno.test("add with llm.stream reads streamed answers", async () => {
  await using llm = startFakeLlm();
  await using dir = await tempDir();
  const { kb } = await kbWithLlm(dir.path, llm.baseUrl, { stream: true });
  await writeFiles(dir.path, { "a.md": DOCS["in/pilots.md"] });
  const result = await runQuireJson<Stats>(["--kb", kb, "add", join(dir.path, "a.md")]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(llm.requests[0].body.stream, true);
  assert.ok(Number(result.json.stats.llm.completionTokens) > 0, "usage from the last event");
  assert.match(await read(join(kb, "wiki", "summaries", "a.md")), /compiler: "llm"/);
});
