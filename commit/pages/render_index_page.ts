/**
 * `wiki/index.md`: the entrance of the wiki. It is rebuilt after every batch,
 * so it holds only what stays small however large the knowledge base grows:
 *
 * - the counts of documents and concepts (the registry's counters);
 * - the {@linkcode RECENT_DOCUMENTS} documents added last;
 * - a link to every volume of the document index
 *   (`index/documents-<n>.md`, 1,000 documents each, see
 *   `render_volume_page.ts`): every document is two links away;
 * - the {@linkcode TOP_CONCEPTS} most connected concepts, and a link to
 *   every alphabetical list of the concept index (`index/concepts-<n>.md`,
 *   at most 400 concepts each, see `concept_lists.ts`);
 * - the saved explorations.
 *
 * Each part is read with indexed lookups (newest ids, the first and last
 * document of each volume, the top of the `concepts` table by document
 * count, the `concept_lists` table), so rendering it costs about the same at
 * 100 documents and at 100,000 (one line more per 1,000 documents, one link
 * more per 200 to 400 concept pages). A pure function of the registry.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { conceptListPage, pageLink, volumeOf, volumePage } from "../../core/layout.ts";
import { inlineText, wikilink } from "../../core/markdown.ts";
import { row, rows } from "../../core/registry.ts";
import type { ConceptLookup } from "./concept_pages.ts";
import { conceptLists } from "./concept_lists.ts";
import { conceptListLabel } from "./render_concept_list_page.ts";
import { volumeIds } from "./render_volume_page.ts";

/** Documents listed under "Recent documents". */
export const RECENT_DOCUMENTS = 20;
/** Concepts listed under "Most connected concepts". */
export const TOP_CONCEPTS = 50;

function plural(n: number, word: string): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? word : `${word}s`}`;
}

function counter(db: DatabaseSync, name: string): number {
  return Number(
    row<{ value: number }>(db, "SELECT value FROM counters WHERE name = ?", name)?.value ?? 0,
  );
}

function documentLine(d: { name: string; title: string; description: string }): string {
  const description = inlineText(d.description);
  return `- ${wikilink(`summaries/${d.name}`, d.title || d.name)}${
    description ? ` — ${description}` : ""
  }`;
}

function volumeLines(db: DatabaseSync): string[] {
  const last = row<{ id: number }>(db, "SELECT max(id) AS id FROM documents")?.id;
  if (last === undefined || last === null) return ["No documents yet."];
  const lines: string[] = [];
  for (let n = 1; n <= volumeOf(last); n++) {
    const [from, to] = volumeIds(n);
    const first = row<{ at: string }>(
      db,
      "SELECT added_at AS at FROM documents WHERE id BETWEEN ? AND ? ORDER BY id LIMIT 1",
      from,
      to,
    );
    if (first === undefined) continue;
    const newest = row<{ at: string }>(
      db,
      "SELECT added_at AS at FROM documents WHERE id BETWEEN ? AND ? ORDER BY id DESC LIMIT 1",
      from,
      to,
    )!;
    const day = (at: string) => at.slice(0, 10);
    const span = day(first.at) === day(newest.at)
      ? day(first.at)
      : `${day(first.at)} to ${day(newest.at)}`;
    lines.push(`- ${wikilink(pageLink(volumePage(n)), `Volume ${n}`)}: added ${span}`);
  }
  return lines;
}

/** Renders the index page from the registry. */
export function renderIndexPage(concepts: ConceptLookup): string {
  const { db, rule } = concepts;
  const documents = counter(db, "documents");
  const lines = [
    "# Index",
    "",
    `${plural(documents, "document")}, ${
      plural(counter(db, "concepts"), "concept")
    }. This page is rebuilt by Quire from its registry; edits here are lost (see [[AGENTS]]).`,
    "",
    "## Recent documents",
    "",
  ];
  const recent = rows<{ name: string; title: string; description: string }>(
    db,
    "SELECT name, title, description FROM documents ORDER BY id DESC LIMIT ?",
    RECENT_DOCUMENTS,
  );
  if (recent.length === 0) lines.push("No documents yet.");
  for (const d of recent) lines.push(documentLine(d));
  lines.push(
    "",
    "## All documents",
    "",
    "Every document is listed by name in the volume of its time of addition (1,000 per volume):",
    "",
    ...volumeLines(db),
    "",
    "## Concepts",
    "",
  );
  // The index gives the top of the table in reverse order; ties are then put in slug order.
  const top = rows<{ slug: string; documents: number }>(
    db,
    `SELECT slug, documents FROM concepts WHERE documents >= ? OR (? AND prominent > 0)
     ORDER BY documents DESC, slug DESC LIMIT ?`,
    rule.minDocuments,
    rule.prominentMakesPage ? 1 : 0,
    TOP_CONCEPTS,
  ).sort((a, b) => b.documents - a.documents || (a.slug < b.slug ? -1 : 1));
  if (top.length === 0) lines.push("No concepts yet.");
  else {
    lines.push("The most connected:", "");
    for (const c of top) {
      lines.push(
        `- ${wikilink(`concepts/${c.slug}`, concepts.label(c.slug))} (${
          plural(c.documents, "document")
        })`,
      );
    }
    const lists = conceptLists(db).map((list) =>
      wikilink(pageLink(conceptListPage(list.id)), conceptListLabel(list.first))
    );
    lines.push("", `Every concept with a page, in alphabetical lists: ${lists.join(" · ")}`);
  }
  const explorations = rows<{ name: string; question: string }>(
    db,
    "SELECT name, question FROM explorations ORDER BY name",
  );
  if (explorations.length > 0) lines.push("", "## Explorations", "");
  for (const e of explorations) lines.push(`- ${wikilink(`explorations/${e.name}`, e.question)}`);
  return lines.join("\n") + "\n";
}
