/**
 * The journal: one row of the registry's `mutations` table per mutation in
 * flight. The rows of a whole group are written and made durable in one
 * transaction (with `synchronous=FULL`) before any official path changes,
 * so that recovery always knows which paths a crashed mutation may have
 * touched and where their rollback copies are. A group shares one rollback
 * directory; each rollback copy is named after its mutation's place in the
 * group and its path's place in the mutation (`<k>-<i>`).
 *
 * @module
 */

import { inTransaction, row, rows, statement } from "../core/registry.ts";
import type { DatabaseSync } from "node:sqlite";
import type { MutationPlan } from "./mutation_plan.ts";

/** One touched path as journaled. */
export interface TouchedPath {
  /** The official path, kb-relative. */
  path: string;
  /** The staged file that replaces it (kb-relative), or null for a deletion. */
  staged: string | null;
  /** Where the rollback copy of the existing file goes, or null if the path did not exist. */
  backup: string | null;
}

/** A journaled mutation. */
export interface JournalEntry {
  id: number;
  kind: string;
  status: "active" | "committed";
  target: string;
  /** kb-relative staging directory to remove once done, or null. */
  staging: string | null;
  /** kb-relative directory holding the rollback copies (shared by the mutations of a group). */
  rollback: string;
  touched: TouchedPath[];
}

interface JournalRow {
  id: number;
  kind: string;
  status: "active" | "committed";
  target: string;
  staging: string | null;
  rollback: string;
  touched: string;
}

/** Options of {@linkcode writeJournal}. */
export interface WriteJournalOptions {
  /** Tells whether an official path exists now. */
  exists: (path: string) => boolean;
  /** The journal's timestamp. */
  createdAt: string;
}

/**
 * Records a group of mutations as `active`, each with the paths it will touch
 * and a rollback location for each one that exists, in one transaction.
 * Durable when it returns; the entries are in the order of `plans`.
 */
export function writeJournal(
  db: DatabaseSync,
  plans: MutationPlan[],
  options: WriteJournalOptions,
): JournalEntry[] {
  const rollback = `.quire/staging/rollback/${crypto.randomUUID()}`;
  const entries = plans.map((plan, k): JournalEntry => ({
    id: 0,
    kind: plan.kind,
    status: "active",
    target: plan.target,
    staging: plan.staging,
    rollback,
    touched: plan.changes.map((change, i) => ({
      path: change.path,
      staged: change.staged,
      backup: options.exists(change.path) ? `${rollback}/${k}-${i}` : null,
    })),
  }));
  inTransaction(db, () => {
    const insert = statement(
      db,
      "INSERT INTO mutations (kind, status, target, staging, rollback, touched, created_at) VALUES (?, 'active', ?, ?, ?, ?, ?)",
    );
    for (const entry of entries) {
      const { lastInsertRowid } = insert.run(
        entry.kind,
        entry.target,
        entry.staging,
        rollback,
        JSON.stringify(entry.touched),
        options.createdAt,
      );
      entry.id = Number(lastInsertRowid);
    }
  });
  return entries;
}

/** Reads every journaled mutation, oldest first. */
export function readJournal(db: DatabaseSync): JournalEntry[] {
  const found = rows<JournalRow>(
    db,
    "SELECT id, kind, status, target, staging, rollback, touched FROM mutations ORDER BY id",
  );
  return found.map((row) => ({ ...row, touched: JSON.parse(row.touched) as TouchedPath[] }));
}

/** Reads the status of one journaled mutation (undefined once it is deleted). */
export function journalStatus(db: DatabaseSync, id: number): JournalEntry["status"] | undefined {
  return row<{ status: JournalEntry["status"] }>(
    db,
    "SELECT status FROM mutations WHERE id = ?",
    id,
  )?.status;
}

/**
 * Deletes mutations' journal rows once nothing of them is left on disk. This
 * one write skips its own fsync (`synchronous=NORMAL` for the statement): if
 * it is lost in a crash, recovery finds the rows, finds nothing to clean, and
 * deletes them again. The next durable transaction flushes it anyway.
 */
export function deleteJournal(db: DatabaseSync, ids: number[]): void {
  if (ids.length === 0) return;
  db.exec("PRAGMA synchronous = NORMAL");
  try {
    inTransaction(db, () => {
      const drop = statement(db, "DELETE FROM mutations WHERE id = ?");
      for (const id of ids) drop.run(id);
    });
  } finally {
    db.exec("PRAGMA synchronous = FULL");
  }
}
