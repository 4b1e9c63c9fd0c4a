/**
 * Recovery, run at every exclusive lock acquisition and by `quire recover`.
 * It uses the coordinator's words in reverse:
 *
 * 1. `discardUncommitted`: every journaled mutation still `active` is rolled
 *    back (rollback copies renamed back, created paths deleted).
 * 2. `finishCommitted`: every journaled mutation already `committed` keeps
 *    its published files; its rollback copies and staging are removed.
 * 3. `rebuildSharedPages`: every queued shared page is rebuilt.
 * 4. `removeOrphanedStaging`: whatever is left under `.quire/staging/` is
 *    removed. Only the holder of the exclusive lock creates staging, and the
 *    caller holds it, so anything there belongs to a dead process.
 *
 * Each step is idempotent, so running recovery twice changes nothing the
 * second time, and a crash during recovery is recovered by the next one.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { errorMessage, RollbackFailedError } from "../core/errors.ts";
import type { KbLayout } from "../core/layout.ts";
import type { ConceptRule } from "./pages/concept_pages.ts";
import { removeIfExists } from "../core/durable_fs.ts";
import { deleteJournal, type JournalEntry, readJournal } from "./journal.ts";
import { rebuildSharedPages } from "./rebuild_shared_pages.ts";
import { discardSnapshot, restoreSnapshot } from "./snapshot.ts";

/** What a recovery did. */
export interface RecoveryReport {
  /** Targets of mutations rolled back. */
  rolledBack: string[];
  /** Targets of committed mutations whose cleanup was finished. */
  completed: string[];
  /** Shared pages rebuilt. */
  pagesRebuilt: number;
  /** Staging entries removed (kb-relative). */
  stagingRemoved: string[];
}

/** True when a recovery found nothing to do. */
export function isCleanRecovery(report: RecoveryReport): boolean {
  return report.rolledBack.length === 0 && report.completed.length === 0 &&
    report.pagesRebuilt === 0 && report.stagingRemoved.length === 0;
}

function discardUncommitted(layout: KbLayout, db: DatabaseSync, entry: JournalEntry) {
  try {
    restoreSnapshot(layout, entry);
  } catch (error) {
    throw new RollbackFailedError(
      `Cannot roll back the interrupted ${entry.kind} of '${entry.target}': ${errorMessage(error)}`,
      { cause: error, hint: "Its journal is kept; fix the cause and run `quire recover` again" },
    );
  }
  deleteJournal(db, [entry.id]);
}

function finishCommitted(layout: KbLayout, db: DatabaseSync, entry: JournalEntry) {
  discardSnapshot(layout, entry);
  deleteJournal(db, [entry.id]);
}

/** Lists and removes everything under `.quire/staging/`; returns what was removed. */
export async function removeOrphanedStaging(layout: KbLayout): Promise<string[]> {
  const removed: string[] = [];
  let top: Deno.DirEntry[];
  try {
    top = await Array.fromAsync(Deno.readDir(layout.staging));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return removed;
    throw error;
  }
  for (const entry of top.sort((a, b) => a.name < b.name ? -1 : 1)) {
    const path = `${layout.staging}/${entry.name}`;
    if (entry.isDirectory) {
      for await (const child of Deno.readDir(path)) {
        removed.push(`.quire/staging/${entry.name}/${child.name}`);
      }
    } else {
      removed.push(`.quire/staging/${entry.name}`);
    }
    removeIfExists(path);
  }
  return removed.sort();
}

/** Options of {@linkcode recoverKnowledgeBase}. */
export interface RecoverOptions {
  /** The concept-page rule from the config. */
  rule: ConceptRule;
}

/**
 * Brings the knowledge base to a consistent state after any crash. The
 * caller must hold the exclusive lock.
 * @throws {RollbackFailedError} when an interrupted mutation cannot be rolled back.
 */
export async function recoverKnowledgeBase(
  layout: KbLayout,
  db: DatabaseSync,
  options: RecoverOptions,
): Promise<RecoveryReport> {
  const report: RecoveryReport = {
    rolledBack: [],
    completed: [],
    pagesRebuilt: 0,
    stagingRemoved: [],
  };
  for (const entry of readJournal(db)) {
    if (entry.status === "active") {
      discardUncommitted(layout, db, entry);
      report.rolledBack.push(entry.target);
    } else {
      finishCommitted(layout, db, entry);
      report.completed.push(entry.target);
    }
  }
  report.pagesRebuilt = await rebuildSharedPages(layout, db, options);
  report.stagingRemoved = await removeOrphanedStaging(layout);
  return report;
}
