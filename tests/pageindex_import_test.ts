import assert from "node:assert/strict";
import { join } from "node:path";
import {
  FAKE_DOC_ANNUAL,
  FAKE_DOC_LARGE,
  FAKE_DOC_PROCESSING,
  FAKE_DOC_UNKNOWN,
  FAKE_PAGEINDEX_KEY,
  startFakePageIndex,
} from "./_fake_pageindex.ts";
import {
  read,
  registryDocuments,
  runQuire,
  runQuireJson,
  stagingLeft,
  tempDir,
} from "./_helpers.ts";
import type { AddResult } from "../commit/mod.ts";

Deno.test("add --from-pageindex-cloud imports the text and section tree, and skips a re-import", async () => {
  await using fake = startFakePageIndex();
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  const env = { PAGEINDEX_BASE_URL: fake.baseUrl, PAGEINDEX_API_KEY: FAKE_PAGEINDEX_KEY };
  const first = await runQuireJson<AddResult>(
    ["--kb", kb, "add", "--from-pageindex-cloud", FAKE_DOC_ANNUAL],
    { env },
  );
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(first.json.added.map((d) => [d.name, d.source]), [
    ["annual-report-2023", `pageindex-cloud:${FAKE_DOC_ANNUAL}`],
  ]);
  const source = await read(join(kb, "wiki", "sources", "annual-report-2023.md"));
  assert.match(source, /<!-- page 1 -->/);
  const summary = await read(join(kb, "wiki", "summaries", "annual-report-2023.md"));
  assert.match(summary, /type: "pageindex"/);
  assert.match(summary, /- Overview \(pages 1–\d\): The report opens with the chair's letter/);
  assert.match(summary, /Letter from the chair \(page 1\): The chair calls the year steady\./);
  const raw = JSON.parse(await read(join(kb, "raw", "annual-report-2023.json")));
  assert.equal(raw.doc_id, FAKE_DOC_ANNUAL);

  const again = await runQuireJson<AddResult>(
    ["--kb", kb, "add", "--from-pageindex-cloud", FAKE_DOC_ANNUAL],
    { env },
  );
  assert.equal(again.code, 0);
  assert.deepEqual(again.json.skipped.map((s) => [s.reason, s.existing]), [
    ["duplicate", "annual-report-2023"],
  ]);
  // Every request carried the key in the `api_key` header, never in the URL.
  assert.ok(
    fake.requests.every((r) => r.apiKey === FAKE_PAGEINDEX_KEY && !r.search.includes("pi-fake")),
  );
});

Deno.test("add --from-pageindex-cloud fails clearly for an unknown id, a bad key and a document not ready", async () => {
  await using fake = startFakePageIndex();
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  const env = { PAGEINDEX_BASE_URL: fake.baseUrl, PAGEINDEX_API_KEY: FAKE_PAGEINDEX_KEY };

  const unknown = await runQuireJson<AddResult>([
    "--kb",
    kb,
    "add",
    "--from-pageindex-cloud",
    FAKE_DOC_UNKNOWN,
  ], { env });
  assert.equal(unknown.code, 1);
  assert.equal(unknown.json.failed[0].code, "REMOTE");
  assert.match(unknown.json.failed[0].error, new RegExp(FAKE_DOC_UNKNOWN));

  const notReady = await runQuireJson<AddResult>([
    "--kb",
    kb,
    "add",
    "--from-pageindex-cloud",
    FAKE_DOC_PROCESSING,
  ], { env });
  assert.equal(notReady.code, 1);
  assert.equal(notReady.json.failed[0].code, "NOT_READY");
  assert.match(notReady.json.failed[0].error, /still processing/);

  const badKey = await runQuireJson<AddResult>([
    "--kb",
    kb,
    "add",
    "--from-pageindex-cloud",
    FAKE_DOC_ANNUAL,
  ], {
    env: { ...env, PAGEINDEX_API_KEY: "pi-wrong-key" },
  });
  assert.equal(badKey.code, 1);
  assert.match(badKey.json.failed[0].error, /PAGEINDEX_API_KEY/);
  assert.doesNotMatch(badKey.stderr + JSON.stringify(badKey.json), /pi-wrong-key/);

  const noKey = await runQuireJson<AddResult>([
    "--kb",
    kb,
    "add",
    "--from-pageindex-cloud",
    FAKE_DOC_ANNUAL,
  ], {
    env: { PAGEINDEX_BASE_URL: fake.baseUrl, PAGEINDEX_API_KEY: "" },
  });
  assert.equal(noKey.code, 1);
  assert.match(noKey.json.failed[0].error, /PAGEINDEX_API_KEY/);

  assert.deepEqual(registryDocuments(kb), []);
  assert.deepEqual(await stagingLeft(kb), []);
});

Deno.test("an import killed before its commit marker leaves nothing behind", async () => {
  await using fake = startFakePageIndex();
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  const env = { PAGEINDEX_BASE_URL: fake.baseUrl, PAGEINDEX_API_KEY: FAKE_PAGEINDEX_KEY };
  const crashed = await runQuire(["--kb", kb, "add", "--from-pageindex-cloud", FAKE_DOC_ANNUAL], {
    env: { ...env, QUIRE_CRASH_AT: "publish-partial:1" },
  });
  assert.equal(crashed.signal, "SIGKILL");
  assert.equal((await runQuire(["--kb", kb, "recover"])).code, 0);
  assert.deepEqual(registryDocuments(kb), []);
  assert.deepEqual([...Deno.readDirSync(join(kb, "raw"))], []);
  assert.deepEqual([...Deno.readDirSync(join(kb, "wiki", "summaries"))], []);
  assert.deepEqual(await stagingLeft(kb), []);
});

Deno.test("add --from-pageindex-cloud fails with TOO_LARGE when the answer is over limits.maxFetchBytes", async () => {
  await using fake = startFakePageIndex();
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  const configPath = join(kb, ".quire", "config.json");
  const config = JSON.parse(await read(configPath));
  config.limits.maxFetchBytes = 50_000;
  await Deno.writeTextFile(configPath, JSON.stringify(config));
  const env = { PAGEINDEX_BASE_URL: fake.baseUrl, PAGEINDEX_API_KEY: FAKE_PAGEINDEX_KEY };
  const result = await runQuireJson<AddResult>(
    ["--kb", kb, "add", "--from-pageindex-cloud", FAKE_DOC_LARGE],
    { env },
  );
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.json.failed[0].code, "TOO_LARGE");
  assert.match(
    result.json.failed[0].error,
    /over the limit of 50000 bytes \(limits\.maxFetchBytes\)/,
  );
  assert.deepEqual(registryDocuments(kb), []);
  assert.deepEqual(await stagingLeft(kb), []);
});
