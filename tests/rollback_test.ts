import assert from "node:assert/strict";
import { join } from "node:path";
import {
  journalRows,
  registryDocuments,
  runQuire,
  runQuireJson,
  stagingLeft,
  tempDir,
  treeState,
  writeFiles,
} from "./_helpers.ts";

async function fiveDocuments(dir: string): Promise<string[]> {
  const files: Record<string, string> = {};
  for (let i = 1; i <= 5; i++) {
    files[`in/d${i}.md`] = `# Doc ${i}\n\nDocument ${i} talks about shared topics.\n`;
  }
  await writeFiles(dir, files);
  return Object.keys(files).map((f) => join(dir, f));
}

for (
  const [point, step] of [
    ["publish-partial", "publish"],
    ["document-recorded", "registry change in the commit marker"],
  ]
) {
  Deno.test(`a document whose ${step} fails is rolled back alone and the rest of its group commits`, async () => {
    await using dir = await tempDir();
    const inputs = await fiveDocuments(dir.path);
    const kb = join(dir.path, "kb");
    assert.equal((await runQuire(["init", kb])).code, 0);
    // One group of all five documents; the second one fails.
    const { code, json } = await runQuireJson<
      { added: { name: string }[]; failed: { source: string; error: string }[] }
    >(
      ["--kb", kb, "add", ...inputs],
      { env: { QUIRE_GROUP: "5", QUIRE_FAIL_AT: `${point}:2` } },
    );
    assert.equal(code, 1);
    assert.deepEqual(json.added.map((d) => d.name), ["d1", "d3", "d4", "d5"]);
    assert.equal(json.failed.length, 1);
    assert.equal(json.failed[0].source, inputs[1]);
    assert.match(json.failed[0].error, new RegExp(`injected fault at '${point}'`));
    assert.equal(journalRows(kb), 0);

    // Exactly as if d2 had never been given.
    const reference = join(dir.path, "ref");
    await runQuire(["init", reference]);
    await runQuire(["--kb", reference, "add", inputs[0], inputs[2], inputs[3], inputs[4]]);
    assert.deepEqual(await treeState(kb), await treeState(reference));
    assert.deepEqual(await stagingLeft(kb), []);
  });
}

Deno.test("a failure of a whole group (after its publish) rolls every document of it back", async () => {
  await using dir = await tempDir();
  const inputs = await fiveDocuments(dir.path);
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  const before = await treeState(kb);
  const { code, json } = await runQuireJson<
    { added: { name: string }[]; failed: { source: string; error: string }[] }
  >(
    ["--kb", kb, "add", ...inputs],
    { env: { QUIRE_GROUP: "5", QUIRE_FAIL_AT: "published:1" } },
  );
  assert.equal(code, 1);
  assert.deepEqual(json.added, []);
  assert.deepEqual(json.failed.map((f) => f.source), inputs);
  assert.deepEqual(registryDocuments(kb), []);
  assert.deepEqual(await treeState(kb), before);
  assert.equal(journalRows(kb), 0);
  assert.deepEqual(await stagingLeft(kb), []);
});

Deno.test("a failed rollback stops the batch with exit 4 and keeps the journal for recovery", async () => {
  await using dir = await tempDir();
  const inputs = await fiveDocuments(dir.path);
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  // Groups of one document, so that `published:2` is the second document.
  const result = await runQuire(["--kb", kb, "add", ...inputs], {
    env: { QUIRE_GROUP: "1", QUIRE_FAIL_AT: "published:2,rollback-partial:1" },
  });
  assert.equal(result.code, 4, result.stderr);
  assert.match(result.stderr, /Stopped: Cannot roll back 'd2'/);
  assert.match(result.stderr, /quire recover/);
  // No later document was committed, and the journal is kept.
  assert.deepEqual(registryDocuments(kb).map((d) => d.name), ["d1"]);
  assert.equal(journalRows(kb), 1);
  const status = await runQuireJson<{ recoveryPending: boolean; pendingJournals: number }>([
    "--kb",
    kb,
    "status",
  ]);
  assert.equal(status.json.recoveryPending, true);
  assert.equal(status.json.pendingJournals, 1);
  const list = await runQuire(["--kb", kb, "list"]);
  assert.match(list.stderr, /note: an interrupted change is pending recovery/);

  const recover = await runQuire(["--kb", kb, "recover"]);
  assert.equal(recover.code, 0);
  assert.match(recover.stderr, /rolled back d2/);
  const reference = join(dir.path, "ref");
  await runQuire(["init", reference]);
  await runQuire(["--kb", reference, "add", inputs[0]]);
  assert.deepEqual(await treeState(kb), await treeState(reference));
  assert.equal(journalRows(kb), 0);
  assert.deepEqual(await stagingLeft(kb), []);
});

Deno.test("a rollback that fails during recovery exits 4 and a later recovery finishes it", async () => {
  await using dir = await tempDir();
  const inputs = await fiveDocuments(dir.path);
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  await runQuire(["--kb", kb, "add", ...inputs], {
    env: { QUIRE_GROUP: "1", QUIRE_CRASH_AT: "published:3" },
  });
  const failing = await runQuire(["--kb", kb, "recover"], {
    env: { QUIRE_FAIL_AT: "rollback-partial:1" },
  });
  assert.equal(failing.code, 4);
  assert.match(failing.stderr, /Cannot roll back the interrupted add of 'd3'/);
  assert.equal((await runQuire(["--kb", kb, "recover"])).code, 0);
  assert.deepEqual(registryDocuments(kb).map((d) => d.name), ["d1", "d2"]);
  assert.deepEqual(await stagingLeft(kb), []);
});

Deno.test("sync and remove report a failed rollback like add: rollbackFailed, exit 4, the journal kept", async () => {
  await using dir = await tempDir();
  const inputs = await fiveDocuments(dir.path);
  const folder = join(dir.path, "in");
  for (const command of ["sync", "remove"] as const) {
    const kb = join(dir.path, `kb-${command}`);
    assert.equal((await runQuire(["--kb", kb, "add", folder])).code, 0);
    await Deno.remove(inputs[1]);
    await Deno.remove(inputs[3]);
    const args = command === "sync" ? ["sync", folder] : ["remove", "d2", "d4"];
    const { code, json, stderr } = await runQuireJson<
      { removed: { name: string }[]; rollbackFailed: string | null }
    >(["--kb", kb, ...args], { env: { QUIRE_FAIL_AT: "published:1,rollback-partial:1" } });
    assert.equal(code, 4, `${command}: ${stderr}`);
    assert.match(json.rollbackFailed ?? "", /Cannot roll back 'd2'/);
    assert.match(stderr, /Stopped: Cannot roll back 'd2'/);
    assert.deepEqual(json.removed, [], `${command} stops at the failed rollback`);
    assert.equal(journalRows(kb), 1);
    assert.equal((await runQuire(["--kb", kb, "recover"])).code, 0);
    assert.deepEqual(registryDocuments(kb).map((d) => d.name), ["d1", "d2", "d3", "d4", "d5"]);
    await fiveDocuments(dir.path);
  }
});
