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
 * These functions are synchronous on purpose. The coordinator applies one
 * mutation at a time, as a chain of small file operations; the asynchronous
 * variants send each one to a thread pool and back, which measured about
 * twice the wall time per commit here. A worker likewise does one thing at a
 * time. Nothing here reads or writes anything large except
 * {@linkcode writeFileDurably}, whose cost is the document's own size.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { crashPoint } from "./crash_point.ts";

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
    // Some filesystems refuse fsync on a directory; the rename is all we have.
    if (!(error instanceof Deno.errors.InvalidData || error instanceof Deno.errors.NotSupported)) {
      throw error;
    }
  } finally {
    dir.close();
  }
}

/** Fsyncs a file's data. */
export function syncFile(path: string): void {
  using file = Deno.openSync(path, { read: true, write: true });
  file.syncSync();
}

/** Writes data to a new file and fsyncs it (write, sync, close). */
export function writeFileDurably(path: string, data: string | Uint8Array): void {
  using file = Deno.openSync(path, { write: true, create: true, truncate: true });
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  for (let written = 0; written < bytes.length;) {
    written += file.writeSync(bytes.subarray(written));
  }
  file.syncSync();
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
  Deno.renameSync(tmp, path);
  syncDirectory(dirname(path));
}

/** Creates a directory (and parents); fsyncs the parent of each one created. */
export function ensureDirectory(path: string): void {
  if (exists(path)) return;
  ensureDirectory(dirname(path));
  try {
    Deno.mkdirSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  }
  syncDirectory(dirname(path));
}

/** True when something exists at `path` (a dangling symlink counts). */
export function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Removes a file or a tree; does nothing when it is already gone. */
export function removeIfExists(path: string): void {
  try {
    Deno.removeSync(path, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/**
 * Makes `to` a second name for the file at `from` (a hard link: no data is
 * copied); falls back to a copy where hard links are not supported.
 */
export function linkOrCopy(from: string, to: string): void {
  try {
    Deno.linkSync(from, to);
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) throw error;
    Deno.copyFileSync(from, to);
    syncFile(to);
  }
}
