/**
 * File operations with the durability the commit protocol relies on.
 *
 * Assumptions (as in SQLite's "Hardware Assumptions"): `rename(2)` within
 * one filesystem atomically replaces the target's directory entry; a rename
 * or a new directory entry is durable only once its directory is fsynced;
 * file data is durable only once the file is fsynced. The staging area lives
 * inside the knowledge base (`.quire/staging/`), so it is on the same
 * filesystem as `raw/` and `wiki/` and every publish is a rename, never a
 * copy. Where a filesystem does not support fsync on a directory, that sync
 * is skipped (there is nothing better to do there).
 *
 * Most of these functions are synchronous on purpose. The coordinator applies
 * a group as a chain of small file operations; the asynchronous variants
 * send each one to a thread pool and back, which measured about twice the
 * wall time per step here. The exceptions are {@linkcode writeFiles} and
 * {@linkcode syncFiles}: many files that must each be fsynced are handled in
 * parallel, so that their waits for the disk overlap. Nothing here reads or writes anything
 * large except the writers, whose cost is the data's own size.
 *
 * For the power-cut test, `QUIRE_FS_TRACE=<file>` makes every operation
 * here append one line to that file (`write`, `fsync`, `syncdir`,
 * `rename`, `link`, `mkdir`, `remove`, with absolute paths), after it is
 * done: what a power cut could undo can then be worked out from what was
 * and was not fsynced (see `tests/_power_cut.ts`). Unset, tracing costs one
 * comparison per operation.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { crashPoint } from "./crash_point.ts";

let traceFile: string | null | undefined;

/** Appends one operation to the `QUIRE_FS_TRACE` file, when it is set. */
function trace(op: string, ...paths: string[]): void {
  if (traceFile === undefined) {
    try {
      traceFile = Deno.env.get("QUIRE_FS_TRACE") || null;
    } catch {
      traceFile = null; // No env permission (a worker): no tracing.
    }
  }
  if (traceFile === null) return;
  Deno.writeTextFileSync(traceFile, JSON.stringify([op, ...paths]) + "\n", { append: true });
}

/** Renames `from` to `to` (atomically replacing `to`); durable once both directories are fsynced. */
export function renamePath(from: string, to: string): void {
  Deno.renameSync(from, to);
  trace("rename", from, to);
}

/**
 * True for the error of a filesystem that refuses fsync on a directory: the
 * rename is then all there is, and the directory counts as synced.
 */
function refusesDirectorySync(error: unknown): boolean {
  return error instanceof Deno.errors.InvalidData || error instanceof Deno.errors.NotSupported;
}

/** Fsyncs a directory so that renames and new entries in it are durable. */
export function syncDirectory(path: string): void {
  let dir: Deno.FsFile;
  try {
    dir = Deno.openSync(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  try {
    dir.syncSync();
  } catch (error) {
    if (!refusesDirectorySync(error)) throw error;
  } finally {
    dir.close();
  }
  trace("syncdir", path);
}

/**
 * Fsyncs several directories at once, as {@linkcode syncDirectory} does one:
 * the fsyncs run on the runtime's I/O threads, so their waits overlap and a
 * filesystem can commit them together. Resolves when all are durable.
 */
export async function syncDirectories(paths: string[]): Promise<void> {
  await Promise.all(paths.map(async (path) => {
    let dir: Deno.FsFile;
    try {
      dir = await Deno.open(path, { read: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    try {
      await dir.sync();
    } catch (error) {
      if (!refusesDirectorySync(error)) throw error;
    } finally {
      dir.close();
    }
    trace("syncdir", path);
  }));
}

/** Fsyncs a file's data. */
export function syncFile(path: string): void {
  using file = Deno.openSync(path, { read: true, write: true });
  file.syncSync();
  trace("fsync", path);
}

/** Writes data to a new file and fsyncs it (write, sync, close). */
export function writeFileDurably(path: string, data: string | Uint8Array): void {
  using file = Deno.openSync(path, { write: true, create: true, truncate: true });
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  for (let written = 0; written < bytes.length;) {
    written += file.writeSync(bytes.subarray(written));
  }
  trace("write", path);
  file.syncSync();
  trace("fsync", path);
}

/** Options of {@linkcode writeFiles}. */
export interface WriteFilesOptions {
  /** Fsync each file before resolving. @default true */
  sync?: boolean;
  /** The files exist already (they are opened and truncated, not created). @default false */
  existing?: boolean;
}

/**
 * Writes several new files (and, unless `sync: false`, fsyncs them), all at
 * once: each file's open, write, fsync and close run as asynchronous
 * operations on the runtime's I/O threads, so the waits for the disk
 * overlap (a filesystem commits concurrent fsyncs together) and the calling
 * thread stays free. Resolves once every file is written (and durable);
 * rejects with the first error.
 */
export async function writeFiles(
  files: { path: string; data: string | Uint8Array }[],
  options: WriteFilesOptions = {},
): Promise<void> {
  const encoder = new TextEncoder();
  await Promise.all(files.map(async ({ path, data }) => {
    const create = !(options.existing ?? false);
    using file = await Deno.open(path, { write: true, create, truncate: true });
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    for (let written = 0; written < bytes.length;) {
      written += await file.write(bytes.subarray(written));
    }
    trace("write", path);
    if (options.sync ?? true) {
      await file.sync();
      trace("fsync", path);
    }
  }));
}

/**
 * Fsyncs several files at once (as {@linkcode writeFiles} does), so that
 * files written earlier without a sync become durable together: one wait
 * for the disk instead of one per file.
 */
export async function syncFiles(paths: string[]): Promise<void> {
  await Promise.all(paths.map(async (path) => {
    using file = await Deno.open(path, { read: true, write: true });
    await file.sync();
    trace("fsync", path);
  }));
}

/**
 * Replaces the file at `path` with `data` atomically: the data is written to
 * a temporary file in `tmpDir` (same filesystem), fsynced, renamed over
 * `path`, and the directory is fsynced. A crash at any point leaves either
 * the old file or the new one, never a truncated one. The temporary name
 * embeds the final name, so a leftover is easy to recognise.
 */
export function replaceFile(path: string, data: string | Uint8Array, tmpDir: string): void {
  ensureDirectory(tmpDir);
  const tmp = join(tmpDir, `${basename(path)}.tmp-${crypto.randomUUID()}`);
  writeFileDurably(tmp, data);
  crashPoint("file-staged");
  ensureDirectory(dirname(path));
  renamePath(tmp, path);
  syncDirectory(dirname(path));
}

/** Creates a directory (and parents); fsyncs the parent of each one created. */
export function ensureDirectory(path: string): void {
  if (exists(path)) return;
  ensureDirectory(dirname(path));
  try {
    Deno.mkdirSync(path);
    trace("mkdir", path);
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  }
  syncDirectory(dirname(path));
}

/** Reads a text file; null when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/**
 * True when something exists at `path`. Uses node's `existsSync`, which
 * answers without throwing (about 1.5 µs here, where a `Deno.lstatSync` of a
 * missing path costs 25–30 µs: building the error it throws) and follows
 * symbolic links, so a link to nothing counts as absent: a page of Quire's
 * is then written over it, as over any link among Quire's own pages (they
 * are replaced, never written through; `lint` reports them).
 */
export function exists(path: string): boolean {
  return existsSync(path);
}

/**
 * Removes a file or a tree; does nothing when it is already gone. A tree
 * that gains an entry while it is removed (a stopped prepare worker's last
 * write landing) is removed again, a few times.
 */
export function removeIfExists(path: string): void {
  for (let attempt = 1;; attempt++) {
    try {
      Deno.removeSync(path, { recursive: true });
      trace("remove", path);
      return;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      const notEmpty = (error as { code?: string }).code === "ENOTEMPTY";
      if (!notEmpty || attempt >= 10) throw error;
    }
  }
}

/** Removes a directory if it is empty; does nothing when it is gone or still holds entries. */
export function removeIfEmpty(path: string): void {
  try {
    Deno.removeSync(path);
    trace("remove", path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    // A directory that still holds entries stays (ENOTEMPTY has no class of its own).
    if ((error as { code?: string }).code === "ENOTEMPTY") return;
    throw error;
  }
}

/**
 * Makes `to` a second name for the file at `from` (a hard link: no data is
 * copied); falls back to a copy where hard links are not supported.
 */
export function linkOrCopy(from: string, to: string): void {
  try {
    Deno.linkSync(from, to);
    trace("link", from, to);
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) throw error;
    Deno.copyFileSync(from, to);
    trace("write", to);
    syncFile(to);
  }
}
