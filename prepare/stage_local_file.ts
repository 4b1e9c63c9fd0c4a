/**
 * Reading a local file for preparation in one streaming pass, so that its
 * size never decides how much memory a worker uses.
 *
 * - The file must be a regular file (checked on `stat`, before it is
 *   opened: opening a FIFO would block) of at most `maxInputBytes`;
 *   otherwise it is refused up front (`UNREADABLE`, `TOO_LARGE`).
 * - It is read in 1 MiB pieces. Each piece is hashed (SHA-256), appended to
 *   the staged copy (`target`: the `raw/` file, always the whole file; not
 *   fsynced here: the batch fsyncs a group's staged files at once), and, up
 *   to `keepBytes(first piece)` bytes, kept in memory as the `head` the
 *   reader converts. Formats parsed whole (PDF, zip) keep
 *   everything; text formats keep their first `limits.maxTextBytes`.
 * - The calls are synchronous: a worker prepares one input at a time and has
 *   nothing else to do meanwhile, and each asynchronous file call would cost
 *   a hop to the runtime's thread pool (for a small note, the hops took
 *   longer than the work). The buffer is sized to the file, 64 KiB to 1 MiB.
 *   (A read that hangs, on a stuck network filesystem, then holds the
 *   worker until it returns, even past the prepare timeout.)
 * - So the hash, the staged copy and the head all come from the same read:
 *   the bytes committed are exactly the bytes hashed and converted, even if
 *   the file changes meanwhile. A file that grows past `maxInputBytes`
 *   while it is read is refused too.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { errorMessage, InputError } from "../core/errors.ts";
import { mebibytes, tooLarge } from "./too_large.ts";

/** What one pass over a local file produced. */
export interface StagedFile {
  /** Lowercase hex SHA-256 of the whole file. */
  hash: string;
  /** Size of the whole file. */
  bytes: number;
  /** The first bytes of the file: all of them when `complete`. */
  head: Uint8Array;
  /** True when `head` is the whole file. */
  complete: boolean;
}

/** Options of {@linkcode stageLocalFile}. */
export interface StageFileOptions {
  /** Largest file accepted (`limits.maxInputBytes`). */
  maxInputBytes: number;
  /** How many bytes to keep in memory, given the first piece read. */
  keepBytes: (first: Uint8Array) => number;
}

const PIECE = 1 << 20;
/** The smallest piece read: enough for `keepBytes` to tell the file's type by. */
const FIRST_PIECE = 64 * 1024;

function readError(path: string, error: unknown): InputError {
  if (error instanceof InputError) return error;
  if (error instanceof Deno.errors.NotFound) {
    return new InputError("MISSING", `Cannot add '${path}': no such file`, path);
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return new InputError("UNREADABLE", `Cannot add '${path}': permission denied`, path);
  }
  return new InputError("UNREADABLE", `Cannot add '${path}': ${errorMessage(error)}`, path);
}

/** Refuses `path` unless it is a regular file of at most `maxInputBytes`; returns its size. */
export function checkLocalFile(path: string, maxInputBytes: number): number {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch (error) {
    throw readError(path, error);
  }
  if (!info.isFile) {
    throw new InputError("UNREADABLE", `Cannot add '${path}': not a regular file`, path);
  }
  if (info.size > maxInputBytes) {
    throw tooLarge(path, `the file is ${mebibytes(info.size)},`, {
      value: maxInputBytes,
      key: "maxInputBytes",
    });
  }
  return info.size;
}

/**
 * Hashes `path`, copies it to `target` and keeps its head; see the module notes.
 * @throws {InputError} `MISSING`, `UNREADABLE` or `TOO_LARGE`.
 */
export function stageLocalFile(
  path: string,
  target: string,
  options: StageFileOptions,
): StagedFile {
  const size = checkLocalFile(path, options.maxInputBytes);
  const hash = createHash("sha256");
  // One byte more than the file, so that a small file is read in one call,
  // but never less than a first piece to tell its type by (a file may be
  // larger than `stat` said: it grew, or it is in /proc).
  const piece = new Uint8Array(Math.min(PIECE, Math.max(size + 1, FIRST_PIECE)));
  let head: Uint8Array | undefined;
  let kept = 0;
  let total = 0;
  try {
    using input = Deno.openSync(path, { read: true });
    using output = Deno.openSync(target, { write: true, create: true, truncate: true });
    for (let n; (n = input.readSync(piece)) !== null;) {
      const chunk = piece.subarray(0, n);
      total += n;
      if (total > options.maxInputBytes) {
        throw tooLarge(path, "the file grew while it was read to", {
          value: options.maxInputBytes,
          key: "maxInputBytes",
        });
      }
      head ??= new Uint8Array(Math.min(Math.max(size, n), options.keepBytes(chunk)));
      if (kept < head.length) {
        const take = Math.min(n, head.length - kept);
        head.set(chunk.subarray(0, take), kept);
        kept += take;
      }
      hash.update(chunk);
      for (let written = 0; written < n;) written += output.writeSync(chunk.subarray(written));
    }
  } catch (error) {
    throw readError(path, error);
  }
  return {
    hash: hash.digest("hex"),
    bytes: total,
    head: (head ?? new Uint8Array(0)).subarray(0, kept),
    complete: kept === total,
  };
}
