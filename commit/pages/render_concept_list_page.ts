/**
 * `wiki/index/concepts-<n>.md`: one alphabetical stretch of the concepts
 * that have a page (see `concept_lists.ts` for how the stretches are cut,
 * at most 400 entries each). An entry is the link and the slug's words (the
 * page itself shows the label documents use), so a list changes only when a
 * concept in its stretch gains or loses its page, and a batch rewrites only
 * those. One range of the `concepts` table's primary key is read. A pure
 * function of the registry.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { wikilink } from "../../core/markdown.ts";
import type { ConceptRule } from "./concept_pages.ts";
import { conceptList, listedConcepts } from "./concept_lists.ts";

/** How a list is named in links: by where its stretch starts. */
export function conceptListLabel(first: string): string {
  return first === "" ? "from the start" : `from ${first.replace(/-/g, " ")}`;
}

/** Renders concept list `id`; null when there is no such list. */
export function renderConceptListPage(
  db: DatabaseSync,
  id: number,
  rule: ConceptRule,
): string | null {
  const list = conceptList(db, id);
  if (list === undefined) return null;
  const slugs = listedConcepts(db, list, rule);
  const lines = [
    `# Concepts ${conceptListLabel(list.first)}`,
    "",
    `${slugs.length} ${slugs.length === 1 ? "concept" : "concepts"} with a page${
      list.next === null ? "" : `, up to ${list.next.replace(/-/g, " ")}`
    }. Back to the [[index]]. This page is rebuilt by Quire from its registry; edits here are lost.`,
    "",
  ];
  if (slugs.length === 0) lines.push("No concept in this stretch has a page now.");
  for (const slug of slugs) {
    lines.push(`- ${wikilink(`concepts/${slug}`, slug.replace(/-/g, " "))}`);
  }
  return lines.join("\n") + "\n";
}
