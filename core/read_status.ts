/**
 * `quire status`, read-only: counts, size on disk, pending journals, the last
 * operation, and whether a change is in progress or a recovery is pending;
 * the documents compiled offline because the model failed, the model's
 * running totals, and the size of the prepared-results cache.
 * It takes no lock and reads one consistent registry snapshot, so it works
 * while a long `add` runs. Its cost does not grow with the knowledge base:
 * every total is a counter the commits keep in the registry.
 *
 * "In progress" means the lock file names a live process; otherwise any
 * journal row, queued page or staging entry means the last change was
 * interrupted and the next mutating command (or `quire recover`) will
 * recover it.
 *
 * @module
 */

import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import type { KbLayout } from "./layout.ts";
import { isProcessAlive, type LockOwner, readLockOwner } from "./lock_owner.ts";
import type { LlmUsage } from "./llm_usage.ts";
import { llmUsageTotals, type LogEntry, recentLog, registryCounts } from "./queries.ts";
import { openKbRegistry } from "./open_kb_registry.ts";
import { row } from "./registry.ts";

/** What `status` reports. */
export interface KbStatus {
  root: string;
  documents: number;
  concepts: number;
  /** Bytes of the original documents. */
  documentBytes: number;
  /**
   * Bytes of the files under `raw/` and `wiki/`, as Quire wrote them (kept
   * in the registry by every commit; a file edited by hand outside Quire
   * counts with the size Quire gave it).
   */
  diskBytes: number;
  pendingJournals: number;
  pendingPages: number;
  stagingEntries: number;
  lastOperation: LogEntry | null;
  /** The process changing the knowledge base right now, if any. */
  writer: LockOwner | null;
  /** True when an interrupted change waits for recovery. */
  recoveryPending: boolean;
  /** Documents compiled offline because the model failed (`recompile --fallbacks` selects them). */
  fallbacks: number;
  /** The model's use over every batch (running totals). */
  llm: LlmUsage;
  /** The prepared-results cache (`.quire/cache/`): entries and bytes. */
  cache: { entries: number; bytes: number };
}

/** Adds up a tree's file sizes: only for a registry whose files were never measured. */
async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) total += await treeBytes(path);
    else if (entry.isFile) total += (await Deno.lstat(path).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

async function countStaging(dir: string): Promise<number> {
  let count = 0;
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isDirectory) count++;
      else for await (const _ of Deno.readDir(join(dir, entry.name))) count++;
    }
  } catch {
    return 0;
  }
  return count;
}

/** Counts the prepared-results cache's entries (`prepared/<xx>/<key>/`) and bytes. */
async function cacheUsage(cacheDir: string): Promise<{ entries: number; bytes: number }> {
  let entries = 0;
  try {
    for await (const shard of Deno.readDir(join(cacheDir, "prepared"))) {
      if (!shard.isDirectory) continue;
      for await (const entry of Deno.readDir(join(cacheDir, "prepared", shard.name))) {
        if (entry.isDirectory && !entry.name.startsWith(".")) entries++;
      }
    }
  } catch {
    // No cache yet.
  }
  return { entries, bytes: await treeBytes(cacheDir) };
}

/** Returns the live process holding the lock, if any. */
export function activeWriter(layout: KbLayout): LockOwner | null {
  const owner = readLockOwner(layout.lock);
  if (owner === undefined || owner.pid === Deno.pid) return null;
  return isProcessAlive(owner.pid) === false ? null : owner;
}

/**
 * True when an interrupted change waits for recovery: journal rows, queued
 * pages or staging left behind, and no live process holding the lock. Cheap
 * (two indexed counts and a directory read); read-only commands use it to
 * say so.
 */
export async function isRecoveryPending(layout: KbLayout, db: DatabaseSync): Promise<boolean> {
  const count = (sql: string) => Number(row<{ n: number }>(db, sql)?.n ?? 0);
  const traces = count("SELECT count(*) AS n FROM mutations") +
    count("SELECT count(*) AS n FROM pending_pages") + await countStaging(layout.staging);
  return traces > 0 && activeWriter(layout) === null;
}

/** Reads the status of a knowledge base without locking or writing it. */
export async function readStatus(layout: KbLayout): Promise<KbStatus> {
  const db = openKbRegistry(layout, { readOnly: true });
  let counts;
  let last;
  let recoveryPending;
  let llm;
  try {
    counts = registryCounts(db);
    llm = llmUsageTotals(db);
    last = recentLog(db, 1)[0] ?? null;
    recoveryPending = await isRecoveryPending(layout, db);
  } finally {
    db.close();
  }
  const writer = activeWriter(layout);
  const stagingEntries = await countStaging(layout.staging);
  return {
    root: layout.root,
    documents: counts.documents,
    concepts: counts.concepts,
    documentBytes: counts.bytes,
    diskBytes: counts.diskBytes ?? await treeBytes(layout.raw) + await treeBytes(layout.wiki),
    pendingJournals: counts.pendingMutations,
    pendingPages: counts.pendingPages,
    stagingEntries,
    lastOperation: last,
    writer,
    recoveryPending,
    fallbacks: counts.fallbacks,
    llm,
    cache: await cacheUsage(layout.cache),
  };
}
