/**
 * The concept lists of the index (`index/concepts-<n>.md`): every concept
 * that has a page, in slug order, cut into lists of at most
 * {@linkcode CONCEPT_LIST_MAX} entries. The registry's `concept_lists` table
 * holds where each list starts (its first slug); a list runs up to the next
 * one's start. A new knowledge base has one list, from the beginning.
 *
 * When the rebuild finds a list grown past {@linkcode CONCEPT_LIST_MAX}, it
 * cuts it into lists of {@linkcode CONCEPT_LIST_SIZE} (new lists get new
 * numbers; the others keep theirs, so their pages and the links to them do
 * not change). So a list never holds more than the maximum, whatever the
 * size of the knowledge base, and a batch that adds or drops concept pages
 * rewrites only the lists they fall in (and `index.md` when lists are cut).
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { row, rows, statement } from "../../core/registry.ts";
import type { ConceptRule } from "./concept_pages.ts";

/** Entries a list gets when a longer one is cut. */
export const CONCEPT_LIST_SIZE = 200;
/** Most entries of one list before it is cut. */
export const CONCEPT_LIST_MAX = 400;

/** One list: its number, its first slug, and the next list's first slug (null: the last). */
export interface ConceptList {
  id: number;
  first: string;
  next: string | null;
}

/** Returns the number of the list that holds concept `slug`. */
export function conceptListOf(db: DatabaseSync, slug: string): number {
  return row<{ id: number }>(
    db,
    "SELECT id FROM concept_lists WHERE first <= ? ORDER BY first DESC LIMIT 1",
    slug,
  )?.id ?? 1;
}

/** Returns every list, in slug order. */
export function conceptLists(db: DatabaseSync): ConceptList[] {
  const found = rows<{ id: number; first: string }>(
    db,
    "SELECT id, first FROM concept_lists ORDER BY first",
  );
  return found.map((list, i) => ({ ...list, next: found[i + 1]?.first ?? null }));
}

/** Returns list `id`, or undefined when there is no such list. */
export function conceptList(db: DatabaseSync, id: number): ConceptList | undefined {
  const found = row<{ first: string }>(db, "SELECT first FROM concept_lists WHERE id = ?", id);
  if (found === undefined) return undefined;
  const next = row<{ first: string }>(
    db,
    "SELECT first FROM concept_lists WHERE first > ? ORDER BY first LIMIT 1",
    found.first,
  );
  return { id, first: found.first, next: next?.first ?? null };
}

/** Lists the slugs of the concepts with a page in `list`, in slug order (at most `limit`). */
export function listedConcepts(
  db: DatabaseSync,
  list: ConceptList,
  rule: ConceptRule,
  limit = -1,
): string[] {
  // Past the last list, the end is a string above every slug, so that the
  // query is a plain range of the primary key.
  return rows<{ slug: string }>(
    db,
    `SELECT slug FROM concepts WHERE slug >= ? AND slug < ?
     AND (documents >= ? OR (? AND prominent > 0)) ORDER BY slug LIMIT ?`,
    list.first,
    list.next ?? "\u{10FFFF}",
    rule.minDocuments,
    rule.prominentMakesPage ? 1 : 0,
    limit,
  ).map((found) => found.slug);
}

/**
 * Cuts list `id` into lists of {@linkcode CONCEPT_LIST_SIZE} when it holds
 * more than {@linkcode CONCEPT_LIST_MAX} entries; returns the numbers of the
 * lists it added (none when it was short enough). Writes the registry; the
 * caller runs it in the transaction that queues the new lists' pages.
 */
export function cutConceptList(db: DatabaseSync, id: number, rule: ConceptRule): number[] {
  const list = conceptList(db, id);
  if (list === undefined) return [];
  const slugs = listedConcepts(db, list, rule, CONCEPT_LIST_MAX + 1);
  if (slugs.length <= CONCEPT_LIST_MAX) return [];
  const all = listedConcepts(db, list, rule);
  const added: number[] = [];
  const insert = statement(db, "INSERT INTO concept_lists (first) VALUES (?)");
  for (let start = CONCEPT_LIST_SIZE; start < all.length; start += CONCEPT_LIST_SIZE) {
    added.push(Number(insert.run(all[start]).lastInsertRowid));
  }
  return added;
}
