import assert from "node:assert/strict";
import { join } from "node:path";
import { kbLayout } from "../core/layout.ts";
import { acquireExclusiveLock } from "../commit/lock.ts";
import { IngestLockedError } from "../core/errors.ts";
import { runQuire, runQuireJson, tempDir, treeState, writeFiles } from "./_helpers.ts";

async function holdLock(kb: string, pid: number): Promise<Deno.FsFile> {
  const file = await Deno.open(join(kb, ".quire", "lock"), { read: true, write: true });
  assert.equal(await file.tryLock(true), true);
  await Deno.writeTextFile(
    join(kb, ".quire", "lock"),
    JSON.stringify({ pid, hostname: Deno.hostname(), time: "2026-01-02T03:04:05Z" }),
  );
  return file;
}

Deno.test("a second add on a locked knowledge base exits 3, names the holder and changes nothing", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  await writeFiles(dir.path, { "a.md": "# A\n\nFirst.\n", "b.md": "# B\n\nSecond.\n" });
  assert.equal((await runQuire(["--kb", kb, "add", join(dir.path, "a.md")])).code, 0);
  const before = await treeState(kb);

  using file = await holdLock(kb, Deno.pid);
  const locked = await runQuire(["--kb", kb, "add", join(dir.path, "b.md")]);
  assert.equal(locked.code, 3);
  assert.match(
    locked.stderr,
    new RegExp(`another Quire process \\(pid ${Deno.pid} on .*\\) is changing it`),
  );
  assert.match(locked.stderr, /--wait SECONDS/);
  assert.deepEqual(await treeState(kb), before);

  // Read-only commands take no lock: they work, and say a change is in progress.
  const list = await runQuireJson<unknown[]>(["--kb", kb, "list"]);
  assert.equal(list.code, 0);
  assert.equal(list.json.length, 1);
  const status = await runQuire(["--kb", kb, "status"]);
  assert.equal(status.code, 0);
  assert.match(status.stdout, new RegExp(`In progress: a change by pid ${Deno.pid}`));
  await file.unlock();
});

Deno.test("add --wait succeeds once the lock is released in time", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  await writeFiles(dir.path, { "a.md": "# A\n\nFirst.\n" });
  assert.equal((await runQuire(["init", kb])).code, 0);
  const file = await holdLock(kb, Deno.pid);
  const released = new Promise<void>((resolve) =>
    setTimeout(async () => {
      await file.unlock();
      file.close();
      resolve();
    }, 700)
  );
  const waited = await runQuire(["--kb", kb, "--wait", "20", "add", join(dir.path, "a.md")]);
  await released;
  assert.equal(waited.code, 0, waited.stderr);
  assert.match(waited.stderr, /Added 1/);
});

Deno.test("acquireExclusiveLock() says when the named pid is not running", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  using _file = await holdLock(kb, 2 ** 22 + 12345);
  await assert.rejects(
    () => acquireExclusiveLock(kbLayout(kb)),
    (error: unknown) => {
      assert.ok(error instanceof IngestLockedError);
      assert.equal(error.code, "LOCKED");
      assert.match(error.message, /is locked, but the pid it names \(4206649\) is not running/);
      assert.match(error.hint ?? "", /fuser/);
      return true;
    },
  );
});

Deno.test("acquireExclusiveLock() excludes a second holder until released", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  const layout = kbLayout(kb);
  const first = await acquireExclusiveLock(layout);
  assert.equal(first.held, true);
  const owner = JSON.parse(await Deno.readTextFile(layout.lock));
  assert.equal(owner.pid, Deno.pid);
  await assert.rejects(() => acquireExclusiveLock(layout), IngestLockedError);
  await first.release();
  await first.release(); // Releasing twice is harmless.
  assert.equal(first.held, false);
  await using second = await acquireExclusiveLock(layout);
  assert.equal(second.held, true);
});
