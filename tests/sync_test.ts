import assert from "node:assert/strict";
import { join } from "node:path";
import {
  registryDocuments,
  runQuire,
  runQuireJson,
  stagingLeft,
  tempDir,
  treeState,
  writeFiles,
} from "./_helpers.ts";
import type { SyncPlan, SyncResult } from "../commit/mod.ts";

Deno.test("sync adds new files, updates changed ones and removes vanished ones under DIR only", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  await writeFiles(dir.path, {
    "docs/a.md": "# A\n\nFirst version of A.\n",
    "docs/b.md": "# B\n\nB stays as it is.\n",
    "docs/sub/c.txt": "C will vanish.\n",
    "docs2/d.md": "# D\n\nD lives in a sibling folder whose name starts like docs.\n",
  });
  assert.equal((await runQuire(["init", kb])).code, 0);
  assert.equal((await runQuire(["--kb", kb, "add", join(dir.path, "docs2")])).code, 0);
  const first = await runQuireJson<SyncResult>(["--kb", kb, "sync", join(dir.path, "docs")]);
  assert.equal(first.code, 0);
  assert.deepEqual(first.json.added.map((d) => d.name), ["a", "b", "c"]);

  await Deno.writeTextFile(join(dir.path, "docs/a.md"), "# A\n\nSecond version of A.\n");
  await Deno.remove(join(dir.path, "docs/sub/c.txt"));
  await writeFiles(dir.path, { "docs/e.md": "# E\n\nA new file.\n" });

  const plan = await runQuireJson<SyncPlan>(
    ["--kb", kb, "sync", "--dry-run", join(dir.path, "docs")],
  );
  assert.deepEqual(plan.json.add, [join(dir.path, "docs/e.md")]);
  assert.deepEqual(plan.json.update.map((u) => u.name), ["a"]);
  assert.deepEqual(plan.json.remove.map((r) => r.name), ["c"]);
  assert.equal(plan.json.unchanged.length, 1);
  assert.deepEqual(
    registryDocuments(kb).map((d) => d.name),
    ["a", "b", "c", "d"],
    "dry run changed nothing",
  );

  const second = await runQuireJson<SyncResult>(["--kb", kb, "sync", join(dir.path, "docs")]);
  assert.equal(second.code, 0);
  assert.deepEqual(second.json.added.map((d) => d.name), ["e"]);
  assert.deepEqual(second.json.updated.map((d) => d.name), ["a"]);
  assert.deepEqual(second.json.removed.map((d) => d.name), ["c"]);
  assert.equal(second.json.skipped.length, 1);
  // d came from another folder: sync of docs/ never removes it.
  assert.deepEqual(registryDocuments(kb).map((d) => d.name), ["a", "b", "d", "e"]);
  assert.match(await Deno.readTextFile(join(kb, "raw", "a.md")), /Second version/);
});

Deno.test("sync of a renamed file removes the old document and adds the new one", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  await writeFiles(dir.path, { "docs/old-name.md": "# Same\n\nSame content, new name.\n" });
  await runQuire(["--kb", kb, "sync", join(dir.path, "docs")]);
  await Deno.rename(join(dir.path, "docs/old-name.md"), join(dir.path, "docs/new-name.md"));
  const { json } = await runQuireJson<SyncResult>(["--kb", kb, "sync", join(dir.path, "docs")]);
  assert.deepEqual(json.removed.map((d) => d.name), ["old-name"]);
  assert.deepEqual(json.added.map((d) => d.name), ["new-name"]);
});

Deno.test("sync of a missing folder is an error and removes nothing", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  await writeFiles(dir.path, { "docs/a.md": "# A\n\nText.\n" });
  await runQuire(["--kb", kb, "sync", join(dir.path, "docs")]);
  const missing = await runQuire(["--kb", kb, "sync", join(dir.path, "nope")]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Cannot sync '.*nope': no such folder/);
  assert.equal(registryDocuments(kb).length, 1);
});

Deno.test("sync killed half-way recovers, and the next sync finishes the mirror", async () => {
  await using dir = await tempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < 6; i++) files[`docs/f${i}.md`] = `# F${i}\n\nFile ${i} of the mirror.\n`;
  await writeFiles(dir.path, files);
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  // Groups of one document, so that the crash is in f3's own group.
  const crashed = await runQuire(["--kb", kb, "sync", join(dir.path, "docs")], {
    env: { QUIRE_GROUP: "1", QUIRE_CRASH_AT: "publish-partial:4" },
  });
  assert.equal(crashed.signal, "SIGKILL");
  assert.equal((await runQuire(["--kb", kb, "recover"])).code, 0);
  assert.deepEqual(registryDocuments(kb).map((d) => d.name), ["f0", "f1", "f2"]);
  assert.deepEqual(await stagingLeft(kb), []);
  const finish = await runQuireJson<SyncResult>(["--kb", kb, "sync", join(dir.path, "docs")]);
  assert.deepEqual(finish.json.added.map((d) => d.name), ["f3", "f4", "f5"]);

  const reference = join(dir.path, "ref");
  await runQuire(["init", reference]);
  await runQuire(["--kb", reference, "sync", join(dir.path, "docs")]);
  assert.deepEqual(await treeState(kb), await treeState(reference));
});
