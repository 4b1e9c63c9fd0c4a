/**
 * The prepared-results cache: model answers are paid for once. Each
 * document the LLM compiler prepares is kept under `.quire/cache/` as a
 * prepared entry (the format of `prepared_entry.ts`, without the raw
 * bytes), keyed by content, so a rerun after a crash, Ctrl-C or a failed
 * batch, a re-add after `remove`, and a `recompile` with unchanged settings
 * make no model call for it.
 *
 * ```
 * .quire/cache/prepared/<key[0..2]>/<key>/               one entry
 * .quire/cache/prepared/<key[0..2]>/.<key>.tmp-<id>/     an entry being written
 * ```
 *
 * The key is the SHA-256 of the document's content hash, the compiler's
 * identity digest (every setting that changes the answer: endpoint, model,
 * prompt version and text, budgets, concepts per document, language) and
 * the digest of the converted document the model is shown (so a file read
 * differently, e.g. the same bytes as `.txt` and as `.md`, never gets the
 * other's answer). Changing the model or the prompt changes the key of
 * exactly the entries it affects.
 *
 * Rules:
 *
 * - Written by the prepare workers, atomically (temporary directory,
 *   fsync, rename); a worker touches nothing else of the knowledge base.
 *   Failing to write an entry (a full disk) never fails the document.
 * - Verified on every read; a damaged entry is removed and treated as a
 *   miss, so it is rebuilt. A hit refreshes the entry's time.
 * - Bounded: after each batch, {@linkcode prunePreparedCache} drops the
 *   entries used longest ago until the cache fits `cache.maxBytes`, and
 *   removes leftover temporary directories (only the lock holder runs
 *   workers, so none is in use then).
 * - Never official state: deleting `.quire/cache/` loses nothing but the
 *   calls it would have saved. Only model results are cached: the offline
 *   compiler is cheaper than writing an entry, and an offline fallback must
 *   be retried with the model next time.
 *
 * @module
 */

import { join } from "node:path";
import { createHash } from "node:crypto";
import { removeIfExists } from "../core/durable_fs.ts";
import type { ConvertedDocument } from "../core/types.ts";
import {
  digestOf,
  type PreparedEntry,
  type PreparedEntryContent,
  readPreparedEntry,
  writePreparedEntry,
} from "./prepared_entry.ts";

/** Where entries live under the cache directory. */
const ENTRIES = "prepared";

/** The digest of what the model is shown of a converted document (a key's `inputDigest`). */
export function convertedDigest(document: ConvertedDocument): string {
  const { markdown, ...rest } = document;
  return digestOf(rest, markdown);
}

/** The cache key of a document compiled by a compiler from what it was shown. */
export function preparedCacheKey(
  contentHash: string,
  compilerDigest: string,
  inputDigest: string,
): string {
  return createHash("sha256").update(`${contentHash}\n${compilerDigest}\n${inputDigest}`)
    .digest("hex");
}

/** The directory of the entry with `key`. */
export function preparedEntryDir(cacheDir: string, key: string): string {
  return join(cacheDir, ENTRIES, key.slice(0, 2), key);
}

/**
 * Returns the verified entry with `key`, or null when there is none. A
 * damaged entry is removed (and null returned), so it is rebuilt.
 */
export function lookupPrepared(cacheDir: string, key: string): PreparedEntry | null {
  const dir = preparedEntryDir(cacheDir, key);
  try {
    Deno.statSync(dir);
  } catch {
    return null;
  }
  try {
    const entry = readPreparedEntry(dir);
    const now = new Date();
    try {
      Deno.utimeSync(join(dir, "manifest.json"), now, now);
    } catch {
      // The time only orders eviction.
    }
    return entry;
  } catch {
    try {
      removeIfExists(dir);
    } catch {
      // Rewritten over below, or pruned later.
    }
    return null;
  }
}

/** Stores an entry under `key`; returns false (and leaves no trace) when it cannot be written. */
export function storePrepared(
  cacheDir: string,
  key: string,
  content: PreparedEntryContent,
): boolean {
  try {
    writePreparedEntry(preparedEntryDir(cacheDir, key), content);
    return true;
  } catch {
    return false;
  }
}

/** What the cache holds. */
export interface CacheUsage {
  entries: number;
  bytes: number;
}

interface EntryInfo {
  dir: string;
  bytes: number;
  used: number;
  /** A temporary directory left by an interrupted write. */
  leftover: boolean;
}

function listEntries(cacheDir: string): EntryInfo[] {
  const out: EntryInfo[] = [];
  const root = join(cacheDir, ENTRIES);
  let shards: Deno.DirEntry[];
  try {
    shards = [...Deno.readDirSync(root)];
  } catch {
    return out;
  }
  for (const shard of shards) {
    if (!shard.isDirectory) continue;
    for (const entry of Deno.readDirSync(join(root, shard.name))) {
      const dir = join(root, shard.name, entry.name);
      let bytes = 0;
      let used = 0;
      try {
        for (const file of Deno.readDirSync(dir)) {
          const info = Deno.statSync(join(dir, file.name));
          bytes += info.size;
          if (file.name === "manifest.json") used = info.mtime?.getTime() ?? 0;
        }
      } catch {
        // Vanished or unreadable: counted as empty and old, so dropped first.
      }
      out.push({ dir, bytes, used, leftover: entry.name.startsWith(".") });
    }
  }
  return out;
}

/** Counts the cache's entries and bytes. */
export function preparedCacheUsage(cacheDir: string): CacheUsage {
  const entries = listEntries(cacheDir).filter((e) => !e.leftover);
  return { entries: entries.length, bytes: entries.reduce((sum, e) => sum + e.bytes, 0) };
}

/**
 * Drops the entries used longest ago until the cache holds at most
 * `maxBytes`, and removes temporary directories. Call it only when no
 * worker writes the cache. Returns what is left.
 */
export function prunePreparedCache(cacheDir: string, maxBytes: number): CacheUsage {
  const all = listEntries(cacheDir);
  for (const entry of all) if (entry.leftover) removeIfExists(entry.dir);
  const entries = all.filter((e) => !e.leftover).sort((a, b) => a.used - b.used);
  let bytes = entries.reduce((sum, e) => sum + e.bytes, 0);
  let kept = entries.length;
  for (const entry of entries) {
    if (bytes <= maxBytes) break;
    removeIfExists(entry.dir);
    bytes -= entry.bytes;
    kept--;
  }
  return { entries: kept, bytes };
}
