/**
 * The zip-bomb guard for zip-based inputs (`.docx`), run before the archive
 * is handed to a library that would inflate it whole in memory (mammoth).
 *
 * From the central directory, every entry's declared sizes are checked
 * first (no inflating at all); then every entry is inflated once, in
 * pieces, counting the bytes and keeping none of them (`inflate_pieces.ts`),
 * and the counts are checked while inflating, so a bomb is stopped at the
 * limit, not after it. Refused with `TOO_LARGE` naming the limit:
 *
 * - the parts the reader parses (XML, found by their first bytes, or by a
 *   `.xml`/`.rels` name for declared sizes) inflating to more than
 *   `limits.maxInflatedBytes` in all;
 * - all entries together inflating to more than `limits.maxInputBytes`;
 * - one entry inflating to more than `limits.maxCompressionRatio` times its
 *   compressed size (checked once it passes 1 MiB, since small entries of
 *   repeated bytes compress that well legitimately).
 *
 * An entry that inflates to more than it declares, or does not inflate at
 * all, makes the archive `CORRUPT`. Zip64 sizes and offsets are read;
 * encrypted entries are not inflated (their declared size counts).
 *
 * @module
 */

import { InputError } from "../../core/errors.ts";
import { tooLarge } from "../too_large.ts";
import { inflatePieces } from "./inflate_pieces.ts";

/** The limits of {@linkcode checkZipBudget}. */
export interface ZipBudget {
  /** What the parsed (XML) parts may inflate to in all (`limits.maxInflatedBytes`). */
  maxInflatedBytes: number;
  /** What all entries may inflate to in all (`limits.maxInputBytes`). */
  maxTotalBytes: number;
  /** Largest inflated-to-compressed ratio of one entry (`limits.maxCompressionRatio`). */
  maxCompressionRatio: number;
  /** What the archive is, for messages ("the DOCX file is damaged"). @default "archive" */
  label?: string;
}

/** One entry as the central directory describes it. */
interface ZipEntry {
  name: string;
  method: number;
  encrypted: boolean;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  local: number;
}

const END = 0x06054b50;
const END64_LOCATOR = 0x07064b50;
const END64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const RATIO_FLOOR = 1 << 20;

/** A `CORRUPT` error in the readers' wording: "the DOCX file is damaged (<detail>)". */
function corrupt(source: string, label: string | undefined, detail: string): InputError {
  return new InputError(
    "CORRUPT",
    `Cannot read '${source}': the ${label ?? "archive"} is damaged (${detail})`,
    source,
  );
}

function findEnd(view: DataView): number {
  const last = view.byteLength - 22;
  for (let i = last; i >= Math.max(0, last - 65535); i--) {
    if (view.getUint32(i, true) === END) return i;
  }
  return -1;
}

function u64(view: DataView, at: number): number {
  return Number(view.getBigUint64(at, true));
}

/** Reads the central directory; sizes and offsets from the Zip64 records when present. */
function listEntries(zip: Uint8Array, source: string, label?: string): ZipEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = findEnd(view);
  if (end < 0) throw corrupt(source, label, "no central directory; truncated?");
  let count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const locator = end - 20;
  if (locator >= 0 && view.getUint32(locator, true) === END64_LOCATOR) {
    const end64 = u64(view, locator + 8);
    if (end64 + 56 > zip.length || view.getUint32(end64, true) !== END64) {
      throw corrupt(source, label, "bad Zip64 directory");
    }
    count = u64(view, end64 + 32);
    at = u64(view, end64 + 48);
  }
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || view.getUint32(at, true) !== CENTRAL) {
      throw corrupt(source, label, "bad central directory");
    }
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const entry: ZipEntry = {
      name: decoder.decode(zip.subarray(at + 46, at + 46 + nameLength)),
      method: view.getUint16(at + 10, true),
      encrypted: (view.getUint16(at + 8, true) & 1) === 1,
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      local: view.getUint32(at + 42, true),
    };
    readZip64Extra(view, at + 46 + nameLength, extraLength, entry);
    entries.push(entry);
    at += 46 + nameLength + extraLength + view.getUint16(at + 32, true);
  }
  return entries;
}

/** Replaces 0xFFFFFFFF sizes and offset by the Zip64 extra field's values, in its order. */
function readZip64Extra(view: DataView, start: number, length: number, entry: ZipEntry): void {
  const end = Math.min(start + length, view.byteLength);
  for (let at = start; at + 4 <= end;) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === 1) {
      let field = at + 4;
      for (const key of ["size", "compressedSize", "local"] as const) {
        if (entry[key] !== 0xffffffff || field + 8 > at + 4 + size) continue;
        entry[key] = u64(view, field);
        field += 8;
      }
      return;
    }
    at += 4 + size;
  }
}

function isParsedName(name: string): boolean {
  return /\.(xml|rels)$/i.test(name);
}

/** True when inflated bytes start like XML or other markup (after a BOM and blanks). */
function looksLikeMarkup(head: Uint8Array): boolean {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (
    i < head.length &&
    (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)
  ) i++;
  return head[i] === 0x3c || (head[0] === 0xff && head[1] === 0xfe) ||
    (head[0] === 0xfe && head[1] === 0xff);
}

/** Checks the declared sizes: nothing is inflated yet. */
function checkDeclared(entries: ZipEntry[], source: string, budget: ZipBudget): void {
  let total = 0;
  let parsed = 0;
  for (const entry of entries) {
    total += entry.size;
    if (isParsedName(entry.name)) parsed += entry.size;
    checkRatio(entry, entry.size, source, budget);
  }
  checkTotals({ total, parsed }, source, budget);
}

function checkRatio(entry: ZipEntry, inflated: number, source: string, budget: ZipBudget): void {
  if (inflated > RATIO_FLOOR && inflated > budget.maxCompressionRatio * entry.compressedSize) {
    throw tooLarge(source, `entry '${entry.name}' inflates to`, {
      value: budget.maxCompressionRatio,
      key: "maxCompressionRatio",
      unit: "times",
    });
  }
}

function checkTotals(sums: { total: number; parsed: number }, source: string, budget: ZipBudget) {
  if (sums.parsed > budget.maxInflatedBytes) {
    throw tooLarge(source, "its text parts inflate to", {
      value: budget.maxInflatedBytes,
      key: "maxInflatedBytes",
    });
  }
  if (sums.total > budget.maxTotalBytes) {
    throw tooLarge(source, "it inflates to", { value: budget.maxTotalBytes, key: "maxInputBytes" });
  }
}

/**
 * Checks a zip archive against `budget` before anything inflates it whole;
 * see the module notes.
 * @throws {InputError} `TOO_LARGE` naming the limit, or `CORRUPT`.
 */
export async function checkZipBudget(
  zip: Uint8Array,
  source: string,
  budget: ZipBudget,
): Promise<void> {
  const { label } = budget;
  const entries = listEntries(zip, source, label);
  checkDeclared(entries, source, budget);
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const sums = { total: 0, parsed: 0 };
  for (const entry of entries) {
    if (entry.local + 30 > zip.length || view.getUint32(entry.local, true) !== LOCAL) {
      throw corrupt(source, label, `bad local header of '${entry.name}'`);
    }
    const start = entry.local + 30 + view.getUint16(entry.local + 26, true) +
      view.getUint16(entry.local + 28, true);
    const data = zip.subarray(start, start + entry.compressedSize);
    if (entry.encrypted || (entry.method !== 0 && entry.method !== 8)) {
      sums.total += entry.size;
      if (isParsedName(entry.name)) sums.parsed += entry.size;
      checkTotals(sums, source, budget);
      continue;
    }
    let inflated = 0;
    let parsed: boolean | undefined;
    const count = (piece: Uint8Array) => {
      parsed ??= isParsedName(entry.name) || looksLikeMarkup(piece);
      inflated += piece.length;
      sums.total += piece.length;
      if (parsed) sums.parsed += piece.length;
      checkTotals(sums, source, budget);
      checkRatio(entry, inflated, source, budget);
    };
    if (entry.method === 0) count(data);
    else {
      try {
        await inflatePieces(data, { format: "deflate-raw", onPiece: count });
      } catch (error) {
        if (error instanceof InputError) throw error;
        throw corrupt(source, label, `'${entry.name}' does not inflate`);
      }
    }
    if (inflated > entry.size) {
      throw corrupt(source, label, `'${entry.name}' inflates to more than it declares`);
    }
  }
}
