/**
 * `quire sync DIR`: makes the knowledge base mirror a folder in one batch.
 * New files are added, changed ones (same path, new content) updated, and
 * documents whose source file under DIR disappeared are removed — only
 * documents that came from DIR (their source path is inside it). Files that
 * DIR still has but that cannot be read are failures, never removals.
 *
 * Removals run first, so that a file moved or renamed inside DIR is not
 * mistaken for a duplicate of its own old document. Shared pages are rebuilt
 * once, at the end.
 *
 * `--dry-run` (`planSync`) prints the plan: it reads the registry without the
 * lock and hashes the files, and changes nothing.
 *
 * @module
 */

import { resolve, sep } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { loadConfig } from "../core/config.ts";
import { errorMessage, failurePayload, QuireError } from "../core/errors.ts";
import { sha256File } from "../core/hash.ts";
import type { KbLayout } from "../core/layout.ts";
import { listDocumentsUnder, type StoredDocument } from "../core/queries.ts";
import { openKbRegistry } from "../core/open_kb_registry.ts";
import { type DiscoveredInput, discoverInputs } from "../prepare/mod.ts";
import { openChangeSession } from "./change_session.ts";
import { decideDedup } from "./decide_dedup.ts";
import type { RecoveryReport } from "./recover.ts";
import { removeDocument } from "./remove_documents.ts";
import { type BatchOptions, type BatchResult, emptyBatchResult } from "./batch_result.ts";
import { runBatch } from "./run_batch.ts";
import { rebuildAfterBatch } from "./rebuild_after_batch.ts";
import { rollbackFailure } from "./rollback_failure.ts";

/** What a sync would do. */
export interface SyncPlan {
  folder: string;
  add: string[];
  update: { name: string; source: string }[];
  unchanged: { name: string; source: string }[];
  remove: { name: string; source: string }[];
  /** Inputs that cannot be read; their documents are kept. */
  errors: { source: string; error: string }[];
  /** Symlinks not followed (their target is outside the folder); their documents are kept. */
  skipped: { source: string; reason: string; target: string }[];
}

/** What `sync` did (the `--json` shape). */
export interface SyncResult extends BatchResult {
  removed: { name: string; source: string }[];
  recovery: RecoveryReport;
}

/** Options of {@linkcode planSync}. */
export interface PlanSyncOptions {
  /** Follow symlinks whose target is outside the folder too. @default false */
  followSymlinks?: boolean;
}

/** Options of {@linkcode syncFolder}. */
export interface SyncOptions extends BatchOptions, PlanSyncOptions {
  /** Seconds to wait for a busy lock. @default 0 */
  waitSeconds?: number;
}

/** Checks DIR and returns its absolute path. */
async function folderOf(dir: string): Promise<string> {
  const folder = resolve(dir);
  try {
    if ((await Deno.stat(folder)).isDirectory) return folder;
  } catch {
    // Reported below.
  }
  throw new QuireError("NOT_FOUND", `Cannot sync '${folder}': no such folder`, {
    hint: "Name an existing folder; sync never removes documents of a folder it cannot see",
  });
}

/**
 * Finds registered documents from the folder whose source was not
 * discovered. Every discovered entry counts as present, errors and skipped
 * links included, and so does everything under a skipped link to a folder:
 * a file that cannot be read, or a link not followed, is never a removal.
 */
function vanished(
  db: DatabaseSync,
  folder: string,
  discovered: DiscoveredInput[],
): StoredDocument[] {
  const present = new Set(discovered.map((d) => d.source));
  // A link not followed keeps whatever came in through it (a file or a whole folder).
  const links = discovered.filter((d) => d.kind === "skipped").map((d) => d.source + sep);
  return listDocumentsUnder(db, folder + sep).filter((doc) =>
    !present.has(doc.source) && !links.some((link) => doc.source.startsWith(link))
  );
}

/** Works out what `sync DIR` would do, without the lock and without writing. */
export async function planSync(
  layout: KbLayout,
  dir: string,
  options: PlanSyncOptions = {},
): Promise<SyncPlan> {
  const folder = await folderOf(dir);
  const config = await loadConfig(layout.config);
  const discovered = await discoverInputs([folder], {
    ignore: config.ignore,
    followSymlinks: options.followSymlinks,
  });
  const db = openKbRegistry(layout, { readOnly: true });
  try {
    const plan: SyncPlan = {
      folder,
      add: [],
      update: [],
      unchanged: [],
      remove: [],
      errors: [],
      skipped: [],
    };
    for (const item of discovered) {
      if (item.kind === "error") {
        plan.errors.push({ source: item.source, error: item.error.message });
        continue;
      }
      if (item.kind === "skipped") {
        plan.skipped.push({ source: item.source, reason: item.reason, target: item.target });
        continue;
      }
      let hash: string;
      try {
        hash = (await sha256File(item.source)).hash;
      } catch (error) {
        plan.errors.push({ source: item.source, error: errorMessage(error) });
        continue;
      }
      const decision = decideDedup(db, item.source, hash);
      if (decision.kind === "add") plan.add.push(item.source);
      else if (decision.kind === "update") {
        plan.update.push({ name: decision.existing.name, source: item.source });
      } else plan.unchanged.push({ name: decision.existing.name, source: item.source });
    }
    plan.remove = vanished(db, folder, discovered).map((d) => ({ name: d.name, source: d.source }));
    return plan;
  } finally {
    db.close();
  }
}

/**
 * Mirrors folder `dir` into the knowledge base.
 * @throws {QuireError} `NOT_FOUND` when `dir` is not a folder.
 * @throws {IngestLockedError} when another process holds the lock.
 */
export async function syncFolder(
  layout: KbLayout,
  dir: string,
  options: SyncOptions = {},
): Promise<SyncResult> {
  const folder = await folderOf(dir);
  await using session = await openChangeSession(layout, { waitSeconds: options.waitSeconds });
  const discovered = await discoverInputs([folder], {
    ignore: session.config.ignore,
    followSymlinks: options.followSymlinks,
  });
  const removed: SyncResult["removed"] = [];
  const failed: BatchResult["failed"] = [];
  let batch = emptyBatchResult(options.jobs ?? 1);
  try {
    const gone = vanished(session.db, folder, discovered);
    for (const [i, document] of gone.entries()) {
      if (options.signal?.aborted) break;
      const { name, source } = document;
      try {
        await removeDocument(session, document);
      } catch (error) {
        batch.rollbackFailed = rollbackFailure(error);
        if (batch.rollbackFailed !== null) break;
        const failure = failurePayload(error, name, { verb: "remove", fallback: "PUBLISH" });
        failed.push({ source, code: failure.code, error: failure.message });
        continue;
      }
      removed.push({ name, source });
      options.onEvent?.({ kind: "removed", name, source, done: i + 1, total: gone.length, ms: 0 });
    }
    if (options.signal?.aborted) batch.interrupted = true;
    else if (batch.rollbackFailed === null) batch = await runBatch(session, discovered, options);
  } finally {
    await rebuildAfterBatch(session, batch);
  }
  return { ...batch, failed: [...failed, ...batch.failed], removed, recovery: session.recovery };
}
