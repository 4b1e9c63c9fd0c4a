/**
 * The commit marker: one SQLite transaction that records the mutation in the
 * registry (document row, concepts, full-text row, link graph rows, log
 * entry, shared pages to rebuild) and flips its journal row to `committed`. Before it, recovery
 * rolls the mutation back; after it, recovery keeps the published files.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { inTransaction, row } from "../core/registry.ts";
import type { JournalEntry } from "./journal.ts";
import { recordLinks } from "./record_links.ts";
import type { MutationPlan, RegistryChange } from "./mutation_plan.ts";

/** Options of {@linkcode writeCommitMarker}. */
export interface CommitMarkerOptions {
  /** Timestamp of the log entry. */
  at: string;
}

function documentName(db: DatabaseSync, id: number): string {
  return row<{ name: string }>(db, "SELECT name FROM documents WHERE id = ?", id)?.name ?? "";
}

/**
 * Writes a mutation's registry change (a document with its concepts and
 * full-text row, a deletion, an exploration); the caller holds the
 * transaction. Also used by `repair` to fill a new registry.
 */
export function applyRegistryChange(db: DatabaseSync, change: RegistryChange): void {
  switch (change.op) {
    case "put-document": {
      const d = change.document;
      const values = [
        d.name,
        d.type,
        d.origin,
        d.ext,
        d.source,
        d.hash,
        d.bytes,
        d.title,
        d.description,
        d.compiler,
        d.sections,
        d.addedAt,
        d.updatedAt,
      ];
      let id: number;
      if (change.replaces === null) {
        const result = db.prepare(
          "INSERT INTO documents (name, type, origin, ext, source, hash, bytes, title, description, compiler, sections, added_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ).run(...values);
        id = Number(result.lastInsertRowid);
      } else {
        id = change.replaces;
        db.prepare(
          "UPDATE documents SET name = ?, type = ?, origin = ?, ext = ?, source = ?, hash = ?, bytes = ?, title = ?, description = ?, compiler = ?, sections = ?, added_at = ?, updated_at = ? WHERE id = ?",
        ).run(...values, id);
        db.prepare("DELETE FROM document_concepts WHERE document_id = ?").run(id);
        db.prepare("DELETE FROM search_index WHERE rowid = ?").run(id);
      }
      const insertConcept = db.prepare(
        "INSERT OR IGNORE INTO document_concepts (document_id, slug, label, note, score, prominent) VALUES (?, ?, ?, ?, ?, ?)",
      );
      for (const c of change.concepts) {
        insertConcept.run(id, c.slug, c.label, c.note, c.score, c.prominent ? 1 : 0);
      }
      db.prepare("INSERT INTO search_index (rowid, title, body) VALUES (?, ?, ?)")
        .run(id, `${d.title}\n${d.description}`, change.searchText);
      recordLinks(db, `summaries/${d.name}`, change.links);
      return;
    }
    case "delete-document":
      recordLinks(db, `summaries/${documentName(db, change.id)}`, []);
      db.prepare("DELETE FROM search_index WHERE rowid = ?").run(change.id);
      db.prepare("DELETE FROM documents WHERE id = ?").run(change.id);
      return;
    case "put-exploration":
      db.prepare(
        "INSERT OR REPLACE INTO explorations (name, question, created_at) VALUES (?, ?, ?)",
      ).run(change.name, change.question, change.createdAt);
      recordLinks(db, `explorations/${change.name}`, change.links);
      return;
    case "none":
      return;
    default: {
      const unknown: never = change;
      throw new Error(`Unknown registry change ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Writes the commit marker of a published mutation. The mutation is durable
 * once this returns; if it throws, the transaction did not commit.
 */
export function writeCommitMarker(
  db: DatabaseSync,
  entry: JournalEntry,
  plan: MutationPlan,
  options: CommitMarkerOptions,
): void {
  inTransaction(db, () => {
    applyRegistryChange(db, plan.record);
    db.prepare("INSERT INTO log (at, op, name, detail) VALUES (?, ?, ?, ?)")
      .run(options.at, plan.log.op, plan.log.name, plan.log.detail);
    const queue = db.prepare("INSERT OR IGNORE INTO pending_pages (path) VALUES (?)");
    for (const page of plan.rebuild) queue.run(page);
    db.prepare("UPDATE mutations SET status = 'committed' WHERE id = ?").run(entry.id);
  });
}
