/**
 * The commit marker: one SQLite transaction that records a whole group of
 * mutations in the registry (document rows, concepts, full-text rows, link
 * graph rows, log entries, file sizes, shared pages to rebuild: those the plan names, and
 * the document index's volume of each document) and flips their journal rows to
 * `committed`. Before it, recovery rolls the group back; after it, recovery
 * keeps the published files.
 *
 * A mutation whose registry change fails (a constraint, a full disk while
 * its full-text row is written, an injected fault) is left out: the
 * transaction is rolled back and tried again without it, so one bad
 * document never takes its group down. Its journal row stays `active`, and
 * the caller rolls its files back. A failure of the `COMMIT` itself belongs
 * to no one mutation and is thrown.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { crashPoint } from "../core/crash_point.ts";
import { volumeOf, volumePage } from "../core/layout.ts";
import { inTransaction, row, statement } from "../core/registry.ts";
import type { JournalEntry } from "./journal.ts";
import { recordLinks } from "./record_links.ts";
import type { MutationPlan, RegistryChange } from "./mutation_plan.ts";
import type { PublishedFile } from "./publish.ts";

/** Options of {@linkcode writeCommitMarker}. */
export interface CommitMarkerOptions {
  /** Timestamp of the log entry. */
  at: string;
}

function documentName(db: DatabaseSync, id: number): string {
  return row<{ name: string }>(db, "SELECT name FROM documents WHERE id = ?", id)?.name ?? "";
}

/**
 * Writes a mutation's registry change (a document with its concepts,
 * full-text row and link graph rows, a deletion, an exploration); the caller
 * holds the transaction. `diskBytes` is the size of a document's own files
 * as published (its row keeps it, for the `disk_bytes` counter). Also used
 * by `repair` to fill a new registry.
 */
export function applyRegistryChange(
  db: DatabaseSync,
  change: RegistryChange,
  diskBytes = 0,
): void {
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
        diskBytes,
      ];
      let id: number;
      if (change.replaces === null) {
        const result = statement(
          db,
          "INSERT INTO documents (name, type, origin, ext, source, hash, bytes, title, description, compiler, sections, added_at, updated_at, disk_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ).run(...values);
        id = Number(result.lastInsertRowid);
      } else {
        id = change.replaces;
        statement(
          db,
          "UPDATE documents SET name = ?, type = ?, origin = ?, ext = ?, source = ?, hash = ?, bytes = ?, title = ?, description = ?, compiler = ?, sections = ?, added_at = ?, updated_at = ?, disk_bytes = ? WHERE id = ?",
        ).run(...values, id);
        statement(db, "DELETE FROM document_concepts WHERE document_id = ?").run(id);
        statement(db, "DELETE FROM search_index WHERE rowid = ?").run(id);
      }
      const insertConcept = statement(
        db,
        "INSERT OR IGNORE INTO document_concepts (document_id, slug, label, note, score, prominent) VALUES (?, ?, ?, ?, ?, ?)",
      );
      for (const c of change.concepts) {
        insertConcept.run(id, c.slug, c.label, c.note, c.score, c.prominent ? 1 : 0);
      }
      statement(db, "INSERT INTO search_index (rowid, title, body) VALUES (?, ?, ?)")
        .run(id, `${d.title}\n${d.description}`, change.searchText);
      recordLinks(db, `summaries/${d.name}`, change.links);
      // The document's volume of the index is known only now that it has an id.
      queuePages(db, [volumePage(volumeOf(id))]);
      return;
    }
    case "delete-document":
      recordLinks(db, `summaries/${documentName(db, change.id)}`, []);
      statement(db, "DELETE FROM search_index WHERE rowid = ?").run(change.id);
      statement(db, "DELETE FROM documents WHERE id = ?").run(change.id);
      queuePages(db, [volumePage(volumeOf(change.id))]);
      return;
    case "put-exploration":
      statement(
        db,
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

/** A journaled mutation and its plan. */
export interface MarkerItem {
  entry: JournalEntry;
  plan: MutationPlan;
  /** The sizes of its published paths (null: deleted), once published. */
  files?: PublishedFile[];
}

/** A mutation left out of the marker, and why. */
export interface RejectedItem {
  item: MarkerItem;
  error: unknown;
}

/** Queues shared pages for the next rebuild, inside the caller's transaction. */
function queuePages(db: DatabaseSync, pages: string[]): void {
  const queue = statement(db, "INSERT OR IGNORE INTO pending_pages (path) VALUES (?)");
  for (const page of pages) queue.run(page);
}

/** Records the sizes of written files (null: the file is gone) in the `files` table. */
export function recordFiles(db: DatabaseSync, files: PublishedFile[]): void {
  const put = statement(
    db,
    "INSERT INTO files (path, bytes) VALUES (?, ?) ON CONFLICT (path) DO UPDATE SET bytes = excluded.bytes",
  );
  const drop = statement(db, "DELETE FROM files WHERE path = ?");
  for (const [path, bytes] of files) {
    if (bytes === null) drop.run(path);
    else put.run(path, bytes);
  }
}

function recordMutation(db: DatabaseSync, item: MarkerItem, at: string): void {
  const { entry, plan } = item;
  const files = item.files ?? [];
  if (plan.record.op === "put-document") {
    // Every path a document's plan touches is one of its own files.
    applyRegistryChange(db, plan.record, files.reduce((sum, [, bytes]) => sum + (bytes ?? 0), 0));
  } else {
    applyRegistryChange(db, plan.record, 0);
    recordFiles(db, files);
  }
  statement(db, "INSERT INTO log (at, op, name, detail) VALUES (?, ?, ?, ?)")
    .run(at, plan.log.op, plan.log.name, plan.log.detail);
  queuePages(db, plan.rebuild);
  statement(db, "UPDATE mutations SET status = 'committed' WHERE id = ?").run(entry.id);
}

/**
 * Writes the commit marker of a published group; returns the mutations left
 * out (see the module comment). The others are durable once this returns;
 * if it throws, nothing of the group committed.
 */
export function writeCommitMarker(
  db: DatabaseSync,
  items: MarkerItem[],
  options: CommitMarkerOptions,
): RejectedItem[] {
  const rejected: RejectedItem[] = [];
  let remaining = items;
  while (remaining.length > 0) {
    let current = -1;
    try {
      inTransaction(db, () => {
        for (const [i, item] of remaining.entries()) {
          current = i;
          recordMutation(db, item, options.at);
          crashPoint("document-recorded");
        }
        current = -1;
      });
      return rejected;
    } catch (error) {
      if (current === -1) throw error;
      rejected.push({ item: remaining[current], error });
      remaining = remaining.filter((_, i) => i !== current);
    }
  }
  return rejected;
}
