/**
 * Group commit decides each document as if documents were committed one by
 * one: a copy of a document in the same group is a duplicate of it, two
 * documents whose names collide get distinct names, and a re-added source
 * is an update, whatever the grouping. `QUIRE_GROUP` fixes the group size.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import type { AddResult } from "../commit/mod.ts";
import { registryDocuments, runQuireJson, tempDir, treeState, writeFiles } from "./_helpers.ts";

Deno.test("runBatch() decides a group's duplicates and names as if its documents came one by one", async () => {
  await using dir = await tempDir();
  await writeFiles(dir.path, {
    "in/a/notes.md": "# Notes\n\nThe harbour opens at dawn.\n",
    "in/b/notes.md": "# Notes\n\nThe harbour closes at dusk.\n",
    "in/c/copy.md": "# Notes\n\nThe harbour opens at dawn.\n",
    "in/d/notes.md": "# Notes\n\nPilots board at the outer buoy.\n",
  });
  const folder = join(dir.path, "in");
  const results: AddResult[] = [];
  for (const group of ["1", "8"]) {
    const kb = join(dir.path, `kb-${group}`);
    const { code, json } = await runQuireJson<AddResult>(["--kb", kb, "add", folder], {
      env: { QUIRE_GROUP: group },
    });
    assert.equal(code, 0);
    results.push(json);
  }
  const [one, eight] = results;
  assert.deepEqual(eight.added.map((d) => d.name), ["notes", "notes-2", "notes-3"]);
  assert.deepEqual(eight.skipped.map((s) => [s.source, s.existing]), [
    [join(folder, "c", "copy.md"), "notes"],
  ]);
  assert.deepEqual(eight.added, one.added);
  assert.deepEqual(eight.skipped, one.skipped);
  assert.deepEqual(
    await treeState(join(dir.path, "kb-8")),
    await treeState(join(dir.path, "kb-1")),
  );
  assert.deepEqual(
    registryDocuments(join(dir.path, "kb-8")),
    registryDocuments(join(dir.path, "kb-1")),
  );
});
