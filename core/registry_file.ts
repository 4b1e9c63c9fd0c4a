/**
 * Telling a damaged registry file from a healthy one, cheaply, before SQLite
 * is trusted with it, and naming SQLite's own failures.
 *
 * Every command runs {@linkcode inspectRegistryFile} (a `stat` and a read of
 * the 100-byte header) when it opens the registry:
 *
 * - no file: `missing`; a file of 0 bytes: `empty` (what SQLite would
 *   silently turn into a new, empty database);
 * - not SQLite's magic string, an impossible page size, a size that is not
 *   a whole number of pages, or fewer pages than the header counts (a
 *   truncated file): `damaged`. The page count is only compared when there
 *   is no write-ahead log next to the file: with one, the newest pages may
 *   live in the log, and SQLite itself reconciles the two.
 *
 * What the header cannot show (a page overwritten in the middle) SQLite
 * reports as `SQLITE_CORRUPT` or `SQLITE_NOTADB` when the page is read;
 * {@linkcode isRegistryDamage} recognises those, and
 * {@linkcode checkRegistryIntegrity} runs `PRAGMA quick_check`, which reads
 * the whole file (about 5 ms per MB here), so only `lint`, `recover` and
 * `repair` run it.
 *
 * @module
 */

import { dirname } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { errorMessage, isDiskFull, QuireError } from "./errors.ts";

/** What the registry file looks like on disk. */
export type RegistryFileState =
  | { kind: "missing" }
  | { kind: "empty" }
  | { kind: "damaged"; reason: string }
  | { kind: "present" };

const MAGIC = "SQLite format 3\0";

function readHeader(path: string): Uint8Array {
  using file = Deno.openSync(path, { read: true });
  const header = new Uint8Array(100);
  let read = 0;
  while (read < header.length) {
    const n = file.readSync(header.subarray(read));
    if (n === null || n === 0) break;
    read += n;
  }
  return header.subarray(0, read);
}

/** Looks at the registry file's size and header, without opening it with SQLite. */
export function inspectRegistryFile(path: string): RegistryFileState {
  let size: number;
  try {
    size = Deno.statSync(path).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { kind: "missing" };
    throw error;
  }
  if (size === 0) return { kind: "empty" };
  const header = readHeader(path);
  if (header.length < 100) {
    return { kind: "damaged", reason: `it is ${size} bytes, shorter than a database header` };
  }
  if (new TextDecoder().decode(header.subarray(0, 16)) !== MAGIC) {
    return { kind: "damaged", reason: "it is not an SQLite database (its header is wrong)" };
  }
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    return { kind: "damaged", reason: `its header gives an impossible page size (${rawPageSize})` };
  }
  if (size % pageSize !== 0) {
    return {
      kind: "damaged",
      reason: `it is truncated (${size} bytes is not a whole number of ${pageSize}-byte pages)`,
    };
  }
  const changeCounter = view.getUint32(24);
  const pageCount = view.getUint32(28);
  const validFor = view.getUint32(92);
  let hasLog = false;
  try {
    hasLog = Deno.statSync(`${path}-wal`).size > 0;
  } catch {
    // No log: the header's page count is the whole story.
  }
  if (!hasLog && validFor === changeCounter && pageCount > 0 && size < pageCount * pageSize) {
    return {
      kind: "damaged",
      reason: `it is truncated (it holds ${size / pageSize} of its ${pageCount} pages)`,
    };
  }
  return { kind: "present" };
}

/** SQLite's primary result codes that say the database file itself is damaged. */
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;
const DAMAGE_TEXT =
  /database disk image is malformed|file is not a database|SQLITE_CORRUPT|SQLITE_NOTADB/i;

/** The SQLite result code of an error thrown by `node:sqlite`, if it carries one. */
export function sqliteCode(error: unknown): number | undefined {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === "number" ? code : undefined;
}

/** True when an error says the registry's file is damaged (`SQLITE_CORRUPT`, `SQLITE_NOTADB`). */
export function isRegistryDamage(error: unknown): boolean {
  const code = sqliteCode(error);
  if (code !== undefined && [SQLITE_CORRUPT, SQLITE_NOTADB].includes(code & 0xff)) return true;
  return DAMAGE_TEXT.test(errorMessage(error));
}

/** The message hint shared by every damaged-registry error. */
export const REPAIR_HINT =
  "Run `quire repair`: it rebuilds the registry from the files in raw/ and wiki/ and keeps the damaged file next to it";

/** The error every command gives for a damaged registry. */
export function registryDamaged(path: string, reason: string, cause?: unknown): QuireError {
  return new QuireError("REGISTRY_DAMAGED", `Cannot read registry '${path}': ${reason}`, {
    cause,
    hint: REPAIR_HINT,
  });
}

/**
 * True when a folder has no room for SQLite's shared-memory file (32 KiB):
 * SQLite reports a failure to create or grow it only as "disk I/O error".
 * Used on that error path only; the probe file is removed at once.
 */
export function isFolderFull(dir: string): boolean {
  const probe = `${dir}/.quire-space-probe-${crypto.randomUUID()}`;
  try {
    Deno.writeFileSync(probe, new Uint8Array(32 * 1024));
    return false;
  } catch (error) {
    return isDiskFull(error);
  } finally {
    try {
      Deno.removeSync(probe);
    } catch {
      // Never created.
    }
  }
}

/**
 * Turns an error from opening or querying the registry into the error a
 * user should see: damage is `REGISTRY_DAMAGED`, a full disk `NO_SPACE`,
 * another I/O failure `IO`; anything else is returned as it is.
 */
export function registryFailure(path: string, error: unknown): unknown {
  if (error instanceof QuireError) return error;
  if (isRegistryDamage(error)) {
    return registryDamaged(path, `it is damaged (${errorMessage(error)})`, error);
  }
  const code = sqliteCode(error);
  const ioError = (code !== undefined && (code & 0xff) === 10) ||
    /disk I\/O error/i.test(errorMessage(error));
  // SQLITE_FULL, SQLITE_IOERR_SHMSIZE (growing the shared-memory file failed),
  // or an I/O error where the registry's folder has no room left.
  if (
    isDiskFull(error) || (code !== undefined && ((code & 0xff) === 13 || code === 4874)) ||
    (ioError && isFolderFull(dirname(path)))
  ) {
    return new QuireError(
      "NO_SPACE",
      `Cannot use registry '${path}': the disk is full (${errorMessage(error)})`,
      {
        cause: error,
        hint: "Free some space and run the command again; nothing committed is lost",
      },
    );
  }
  if (ioError || (code !== undefined && [8, 14].includes(code & 0xff))) {
    return new QuireError(
      "IO",
      `Cannot use registry '${path}': ${
        errorMessage(error)
      } (SQLite needs to read and write it and its '-wal' and '-shm' files)`,
      {
        cause: error,
        hint:
          "Check that the disk is not full or read-only and that the files are yours, then run the command again",
      },
    );
  }
  return error;
}

/**
 * Runs `PRAGMA quick_check` over the whole registry (linear in its size).
 * @throws {QuireError} `REGISTRY_DAMAGED` naming the first problem SQLite found.
 */
export function checkRegistryIntegrity(db: DatabaseSync, path: string): void {
  let rows: { quick_check: string }[];
  try {
    rows = db.prepare("PRAGMA quick_check(5)").all() as unknown as { quick_check: string }[];
  } catch (error) {
    throw registryFailure(path, error);
  }
  const problems = rows.map((row) => row.quick_check).filter((text) => text !== "ok");
  if (problems.length > 0) {
    throw registryDamaged(path, `it is damaged (SQLite's quick_check: ${problems[0]})`);
  }
}
