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
 * @module
 */

import { dirname } from "node:path";

/** Fsyncs a directory so that renames and new entries in it are durable. */
export async function syncDirectory(path: string): Promise<void> {
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
    // Some filesystems refuse fsync on a directory; the rename is all we have.
    if (!(error instanceof Deno.errors.InvalidData || error instanceof Deno.errors.NotSupported)) {
      throw error;
    }
  } finally {
    dir.close();
  }
}

/** Fsyncs a file's data. */
export async function syncFile(path: string): Promise<void> {
  using file = await Deno.open(path, { read: true, write: true });
  await file.sync();
}

/** Writes `text` to a new file and fsyncs it (write, sync, close). */
export async function writeFileDurably(path: string, data: string | Uint8Array): Promise<void> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  for (let written = 0; written < bytes.length;) {
    written += await file.write(bytes.subarray(written));
  }
  await file.sync();
}

/** Creates a directory (and parents); fsyncs the parent of each one created. */
export async function ensureDirectory(path: string): Promise<void> {
  if (await exists(path)) return;
  await ensureDirectory(dirname(path));
  try {
    await Deno.mkdir(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  }
  await syncDirectory(dirname(path));
}

/** True when something exists at `path` (a dangling symlink counts). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Removes a file or a tree; does nothing when it is already gone. */
export async function removeIfExists(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/**
 * Makes `to` a second name for the file at `from` (a hard link: no data is
 * copied); falls back to a copy where hard links are not supported.
 */
export async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await Deno.link(from, to);
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) throw error;
    await Deno.copyFile(from, to);
    await syncFile(to);
  }
}
