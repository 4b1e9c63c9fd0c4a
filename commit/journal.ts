/**
 * The journal: one row of the registry's `mutations` table per mutation in
 * flight. It is written and made durable (its own transaction, with
 * `synchronous=FULL`) before any official path changes, so that recovery
 * always knows which paths a crashed mutation may have touched and where
 * their rollback copies are.
 *
 * @module
 */

import { row, rows } from "../core/registry.ts";
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
  /** kb-relative directory holding this mutation's rollback copies. */
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
 * Records a mutation as `active`, with the paths it will touch and a rollback
 * location for each one that exists. Durable when it returns.
 */
export function writeJournal(
  db: DatabaseSync,
  plan: MutationPlan,
  options: WriteJournalOptions,
): JournalEntry {
  const rollback = `.quire/staging/rollback/${crypto.randomUUID()}`;
  const touched: TouchedPath[] = [];
  for (const [i, change] of plan.changes.entries()) {
    const existed = options.exists(change.path);
    touched.push({
      path: change.path,
      staged: change.staged,
      backup: existed ? `${rollback}/${i}` : null,
    });
  }
  const { lastInsertRowid } = db.prepare(
    "INSERT INTO mutations (kind, status, target, staging, rollback, touched, created_at) VALUES (?, 'active', ?, ?, ?, ?, ?)",
  ).run(plan.kind, plan.target, plan.staging, rollback, JSON.stringify(touched), options.createdAt);
  return {
    id: Number(lastInsertRowid),
    kind: plan.kind,
    status: "active",
    target: plan.target,
    staging: plan.staging,
    rollback,
    touched,
  };
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
 * Deletes a mutation's journal row once nothing of it is left on disk. This
 * one write skips its own fsync (`synchronous=NORMAL` for the statement): if
 * it is lost in a crash, recovery finds the row, finds nothing to clean, and
 * deletes it again. The next durable transaction flushes it anyway.
 */
export function deleteJournal(db: DatabaseSync, id: number): void {
  db.exec("PRAGMA synchronous = NORMAL");
  try {
    db.prepare("DELETE FROM mutations WHERE id = ?").run(id);
  } finally {
    db.exec("PRAGMA synchronous = FULL");
  }
}
