/**
 * The knowledge base's exclusive lock: an advisory `flock` on `.quire/lock`
 * through `Deno.FsFile.lock`, so it also excludes any other program that
 * takes `flock` on that file. The operating system releases it when the
 * process dies, so a lock can never be left stale by a crash; the file's
 * content (`{"pid","hostname","time"}`) only serves messages.
 *
 * The lock file itself is never deleted: deleting it would let two processes
 * lock two different files of the same name.
 *
 * @module
 */

import { IngestLockedError } from "../core/errors.ts";
import type { KbLayout } from "../core/layout.ts";
import { timestamp } from "../core/clock.ts";
import { isProcessAlive, type LockOwner, readLockOwner } from "../core/lock_owner.ts";

/** A held exclusive lock; `await using` releases it. */
export interface ExclusiveLock extends AsyncDisposable {
  /** True until {@linkcode ExclusiveLock.release} runs. */
  readonly held: boolean;
  /** Releases the lock; safe to call twice. */
  release(): Promise<void>;
}

/** Options of {@linkcode acquireExclusiveLock}. */
export interface AcquireLockOptions {
  /** Seconds to keep retrying a busy lock. @default 0 (fail at once) */
  waitSeconds?: number;
  /** Milliseconds between retries while waiting. @default 100 */
  pollMs?: number;
}

function lockedError(layout: KbLayout, owner: LockOwner | undefined): IngestLockedError {
  const where = `Cannot lock knowledge base '${layout.root}'`;
  if (owner === undefined) {
    return new IngestLockedError(`${where}: another process holds '${layout.lock}'`, undefined, {
      hint: "Wait for it to finish, or retry with --wait SECONDS",
    });
  }
  const alive = owner.hostname === Deno.hostname() ? isProcessAlive(owner.pid) : undefined;
  if (alive === false) {
    return new IngestLockedError(
      `${where}: '${layout.lock}' is locked, but the pid it names (${owner.pid}) is not running`,
      owner.pid,
      { hint: `Another program holds the lock; find it with \`fuser '${layout.lock}'\`` },
    );
  }
  return new IngestLockedError(
    `${where}: another Quire process (pid ${owner.pid} on ${owner.hostname}, since ${owner.time}) is changing it`,
    owner.pid,
    { hint: "Wait for it to finish, or retry with --wait SECONDS" },
  );
}

/**
 * Takes the exclusive lock of the knowledge base.
 * @throws {IngestLockedError} when another process holds it past `waitSeconds`.
 */
export async function acquireExclusiveLock(
  layout: KbLayout,
  options: AcquireLockOptions = {},
): Promise<ExclusiveLock> {
  const deadline = Date.now() + (options.waitSeconds ?? 0) * 1000;
  const file = await Deno.open(layout.lock, { read: true, write: true, create: true });
  try {
    while (!(await file.tryLock(true))) {
      if (Date.now() >= deadline) throw lockedError(layout, readLockOwner(layout.lock));
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
    }
    const owner: LockOwner = { pid: Deno.pid, hostname: Deno.hostname(), time: timestamp() };
    // A second descriptor is fine: flock belongs to the open file description.
    await Deno.writeTextFile(layout.lock, JSON.stringify(owner) + "\n");
  } catch (error) {
    file.close();
    throw error;
  }
  let held = true;
  async function release(): Promise<void> {
    if (!held) return;
    held = false;
    try {
      await file.truncate(0);
      await file.unlock();
    } finally {
      file.close();
    }
  }
  return {
    get held() {
      return held;
    },
    release,
    [Symbol.asyncDispose]: release,
  };
}
