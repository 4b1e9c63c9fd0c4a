/**
 * Who holds a knowledge base's lock, as far as the lock file says. The lock
 * itself is an advisory `flock` (see `commit/lock.ts`); the file's content,
 * `{"pid","hostname","time"}`, is written by the holder for messages and
 * for read-only commands that want to know whether a change is in progress.
 *
 * @module
 */

/** What the lock file says about its holder. */
export interface LockOwner {
  pid: number;
  hostname: string;
  time: string;
}

/** Reads the lock file's owner record, if it holds one. */
export function readLockOwner(lockPath: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(Deno.readTextFileSync(lockPath));
    return typeof owner?.pid === "number" ? owner as LockOwner : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Tells whether process `pid` on this machine is running; `undefined` when
 * it cannot be told.
 */
export function isProcessAlive(pid: number): boolean | undefined {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) return undefined;
    try {
      Deno.statSync("/proc/self");
      return false;
    } catch {
      return undefined; // No /proc (macOS, Windows): cannot tell.
    }
  }
}
