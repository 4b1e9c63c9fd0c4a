/**
 * `quire watch [DIR]`: keeps the knowledge base in step with an inbox folder
 * (DIR, or the config's `inbox`).
 *
 * - `Deno.watchFs` is only a trigger. Events are debounced; then the folder is
 *   walked and, once every file's size and modification time have stayed the
 *   same for one settle interval (so a file still being written is never read
 *   half-way), the same reconcile as `sync` runs under the knowledge base's
 *   lock. Files the watcher missed are caught by that reconcile, and one
 *   reconcile also runs at start.
 * - The change lock is held only while reconciling, so a manual `add` can run
 *   between reconciles (with `--wait`, it waits for one that is running; the
 *   watch likewise waits for a manual change to finish). For its whole life
 *   the watch also holds `.quire/watch.lock`, so a second watch on the same
 *   knowledge base is refused (exit 3) unless it is given `--wait`.
 * - Quire's own folders (`raw/`, `wiki/`, `.quire/`) cannot be watched.
 * - Aborting (Ctrl-C) stops the watch: a reconcile in progress finishes the
 *   document in the coordinator's hands, then the locks are released.
 *
 * @module
 */

import { join, resolve, sep } from "node:path";
import { errorMessage, QuireError } from "../core/errors.ts";
import type { KbLayout } from "../core/layout.ts";
import { acquireExclusiveLock } from "./lock.ts";
import { syncFolder, type SyncOptions, type SyncResult } from "./sync_folder.ts";

/** Options of {@linkcode watchFolder}. */
export interface WatchOptions extends Omit<SyncOptions, "signal"> {
  /** Stops the watch. */
  signal: AbortSignal;
  /** Quiet time after the last event before reconciling. @default 300 */
  debounceMs?: number;
  /** How long files must stay unchanged before they are read. @default 500 */
  settleMs?: number;
  /** Seconds to wait for the change lock at each reconcile. @default 3600 */
  lockWaitSeconds?: number;
  /** Called once the watch is set up (the folder is being watched). */
  onReady?: (folder: string) => void;
  /** Called after each reconcile. */
  onReconcile?: (result: SyncResult) => void;
  /** Starts the file watcher (tests pass one they can close). @default Deno.watchFs, recursive */
  startWatcher?: (folder: string) => Deno.FsWatcher;
}

async function checkFolder(layout: KbLayout, dir: string): Promise<string> {
  const folder = resolve(dir);
  let real: string;
  try {
    if (!(await Deno.stat(folder)).isDirectory) throw new Error("not a folder");
    real = await Deno.realPath(folder);
  } catch {
    throw new QuireError("NOT_FOUND", `Cannot watch '${folder}': no such folder`, {
      hint: "Create the inbox folder first, or name another one",
    });
  }
  const root = await Deno.realPath(layout.root);
  for (const own of ["raw", "wiki", ".quire"]) {
    const ownPath = join(root, own);
    if (real === ownPath || real.startsWith(ownPath + sep) || ownPath.startsWith(real + sep)) {
      throw new QuireError(
        "USAGE",
        `Cannot watch '${folder}': it holds Quire's own '${own}/' folder`,
        { hint: "Watch an inbox folder of your own documents, outside raw/, wiki/ and .quire/" },
      );
    }
  }
  return folder;
}

type Snapshot = Map<string, string>;

async function snapshot(dir: string, out: Snapshot = new Map()): Promise<Snapshot> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory) await snapshot(path, out);
    else {
      const info = await Deno.stat(path).catch(() => null);
      if (info?.isFile) out.set(path, `${info.size}:${info.mtime?.getTime() ?? 0}`);
    }
  }
  return out;
}

function same(a: Snapshot, b: Snapshot): boolean {
  if (a.size !== b.size) return false;
  for (const [path, stamp] of a) if (b.get(path) !== stamp) return false;
  return true;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(finish, ms);
    signal.addEventListener("abort", finish, { once: true });
    function finish() {
      clearTimeout(timer);
      signal.removeEventListener("abort", finish);
      done();
    }
  });
}

/** Waits until no file in `dir` changes size or mtime for `settleMs`. */
async function waitUntilSettled(dir: string, settleMs: number, signal: AbortSignal) {
  let before = await snapshot(dir);
  while (!signal.aborted) {
    await sleep(settleMs, signal);
    const after = await snapshot(dir);
    if (same(before, after)) return;
    before = after;
  }
}

function watcherStopped(folder: string, cause: unknown): QuireError {
  const why = cause === undefined ? "it ended" : errorMessage(cause);
  return new QuireError("WATCH", `Cannot watch '${folder}': the file watcher stopped (${why})`, {
    cause,
    hint:
      "Run `quire watch` again; if it keeps stopping, check the folder still exists and the system's limit on watches (fs.inotify.max_user_watches)",
  });
}

/**
 * Watches `dir` until `options.signal` aborts.
 * @throws {IngestLockedError} when another watch runs on this knowledge base.
 * @throws {QuireError} `WATCH` when the file watcher stops by itself.
 */
export async function watchFolder(
  layout: KbLayout,
  dir: string,
  options: WatchOptions,
): Promise<void> {
  const folder = await checkFolder(layout, dir);
  const { signal } = options;
  await using _watchLock = await acquireExclusiveLock(layout, {
    purpose: "watch",
    waitSeconds: options.waitSeconds,
    signal,
  });
  const startWatcher = options.startWatcher ??
    ((path: string) => Deno.watchFs(path, { recursive: true }));
  using watcher = startWatcher(folder);
  signal.addEventListener("abort", () => watcher.close(), { once: true });

  let dirty = true; // One reconcile at start catches what changed while nobody watched.
  let wake: (() => void) | undefined;
  // Set when the watcher stops by itself (not by Ctrl-C): the watch then fails.
  let stopped: { cause: unknown } | undefined;
  (async () => {
    try {
      for await (const event of watcher) {
        // Reading files (our own reconcile included) raises `access` events.
        if (event.kind === "access") continue;
        dirty = true;
        wake?.();
      }
      stopped = { cause: undefined };
    } catch (error) {
      stopped = { cause: error };
    }
    wake?.();
  })();

  options.onReady?.(folder);
  while (!signal.aborted) {
    if (stopped !== undefined) throw watcherStopped(folder, stopped.cause);
    if (!dirty) {
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    // Debounce: wait until events stop arriving for a moment.
    do {
      dirty = false;
      await sleep(options.debounceMs ?? 300, signal);
    } while (dirty && !signal.aborted);
    await waitUntilSettled(folder, options.settleMs ?? 500, signal);
    if (signal.aborted) break;
    let result: SyncResult;
    try {
      result = await syncFolder(layout, folder, {
        ...options,
        signal,
        waitSeconds: options.lockWaitSeconds ?? 3600,
      });
    } catch (error) {
      if (error instanceof QuireError && error.code === "INTERRUPTED") break;
      throw error;
    }
    options.onReconcile?.(result);
  }
}
