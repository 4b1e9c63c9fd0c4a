import assert from "node:assert/strict";
import { join } from "node:path";
import { kbLayout } from "../core/layout.ts";
import { openChangeSession } from "../commit/change_session.ts";
import type { QuireError } from "../core/errors.ts";
import { runQuire, tempDir, treeState } from "./_helpers.ts";

Deno.test("Coordinator.apply() refuses to run once the exclusive lock is released", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  const before = await treeState(kb);
  const session = await openChangeSession(kbLayout(kb));
  await session.lock.release();
  try {
    await assert.rejects(
      () =>
        session.coordinator.apply({
          kind: "save",
          target: "x",
          staging: null,
          changes: [{ path: "wiki/x.md", staged: null }],
          record: { op: "none" },
          log: { op: "test", name: "", detail: "" },
          rebuild: [],
        }),
      (error: QuireError) => {
        assert.equal(error.code, "NOT_LOCKED");
        assert.match(error.message, /the exclusive lock is not held/);
        return true;
      },
    );
  } finally {
    await session[Symbol.asyncDispose]();
  }
  assert.deepEqual(await treeState(kb), before);
});

Deno.test("Coordinator.apply() rolls back a mutation whose staged file is missing and stays usable", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  const before = await treeState(kb);
  await using session = await openChangeSession(kbLayout(kb));
  await assert.rejects(() =>
    session.coordinator.apply({
      kind: "save",
      target: "broken",
      staging: null,
      changes: [
        { path: "wiki/AGENTS.md", staged: null },
        { path: "wiki/explorations/x.md", staged: ".quire/staging/nowhere/x.md" },
      ],
      record: { op: "none" },
      log: { op: "test", name: "", detail: "" },
      rebuild: [],
    })
  );
  assert.equal(session.coordinator.state, "idle");
  // AGENTS.md was deleted by the first change and restored by the rollback.
  assert.deepEqual(await treeState(kb), before);
  const journal = session.db.prepare("SELECT count(*) AS n FROM mutations").get() as { n: number };
  assert.equal(journal.n, 0);
});
