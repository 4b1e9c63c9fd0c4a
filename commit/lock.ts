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

import { IngestLockedError, isDiskFull, QuireError } from "../core/errors.ts";
import { assertNoOwnSymlinks } from "../core/own_tree.ts";
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
  /**
   * Which lock: `change` (`.quire/lock`, held by every mutating command) or
   * `watch` (`.quire/watch.lock`, held by `quire watch` for its lifetime, so
   * that only one watch runs per knowledge base). @default "change"
   */
  purpose?: "change" | "watch";
  /** Aborting stops waiting (the call then throws `INTERRUPTED`). */
  signal?: AbortSignal;
}

function lockPath(layout: KbLayout, purpose: "change" | "watch"): string {
  return purpose === "watch" ? `${layout.quire}/watch.lock` : layout.lock;
}

function lockedError(
  layout: KbLayout,
  purpose: "change" | "watch",
  owner: LockOwner | undefined,
): IngestLockedError {
  const path = lockPath(layout, purpose);
  const where = purpose === "watch"
    ? `Cannot watch knowledge base '${layout.root}'`
    : `Cannot lock knowledge base '${layout.root}'`;
  if (owner === undefined) {
    return new IngestLockedError(`${where}: another process holds '${path}'`, undefined, {
      hint: "Wait for it to finish, or retry with --wait SECONDS",
    });
  }
  const alive = owner.hostname === Deno.hostname() ? isProcessAlive(owner.pid) : undefined;
  if (alive === false) {
    return new IngestLockedError(
      `${where}: '${path}' is locked, but the pid it names (${owner.pid}) is not running`,
      owner.pid,
      { hint: `Another program holds the lock; find it with \`fuser '${path}'\`` },
    );
  }
  const holder = `pid ${owner.pid} on ${owner.hostname}, since ${owner.time}`;
  if (purpose === "watch") {
    return new IngestLockedError(
      `${where}: another \`quire watch\` (${holder}) is watching it`,
      owner.pid,
      {
        hint: "Stop the other watch first; one watch per knowledge base",
      },
    );
  }
  return new IngestLockedError(
    `${where}: another Quire process (${holder}) is changing it`,
    owner.pid,
    { hint: "Wait for it to finish, or retry with --wait SECONDS" },
  );
}

/**
 * Writes who holds the lock into the (locked) file. Its content only serves
 * messages, so a full disk does not stop the command here: the lock is held
 * all the same, and the command's own writes then say what is wrong.
 */
async function writeOwner(file: Deno.FsFile, owner: LockOwner): Promise<void> {
  try {
    await file.truncate(0);
    await file.seek(0, Deno.SeekMode.Start);
    const bytes = new TextEncoder().encode(JSON.stringify(owner) + "\n");
    for (let written = 0; written < bytes.length;) {
      written += await file.write(bytes.subarray(written));
    }
  } catch (error) {
    if (!isDiskFull(error)) throw error;
    await file.truncate(0).catch(() => {});
  }
}

/**
 * Takes an exclusive lock of the knowledge base (see `purpose`).
 * @throws {IngestLockedError} when another process holds it past `waitSeconds`.
 * @throws {QuireError} `SYMLINK` when the knowledge base's own tree holds a symbolic link.
 */
export async function acquireExclusiveLock(
  layout: KbLayout,
  options: AcquireLockOptions = {},
): Promise<ExclusiveLock> {
  const purpose = options.purpose ?? "change";
  const path = lockPath(layout, purpose);
  const deadline = Date.now() + (options.waitSeconds ?? 0) * 1000;
  // Before the lock file is opened or written: it lives in `.quire/`.
  assertNoOwnSymlinks(layout);
  const file = await Deno.open(path, { read: true, write: true, create: true });
  try {
    while (!(await file.tryLock(true))) {
      if (Date.now() >= deadline) throw lockedError(layout, purpose, readLockOwner(path));
      if (options.signal?.aborted) {
        throw new QuireError(
          "INTERRUPTED",
          `Cannot lock knowledge base '${layout.root}': interrupted while waiting`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
    }
    const owner: LockOwner = { pid: Deno.pid, hostname: Deno.hostname(), time: timestamp() };
    await writeOwner(file, owner);
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
