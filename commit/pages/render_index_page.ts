/**
 * `wiki/index.md`: every document with its one-line description, then every
 * concept page, most connected first, then (when there are any) the saved
 * explorations by name. A pure function of the registry.
 *
 * @module
 */

import { rows } from "../../core/registry.ts";
import type { DatabaseSync } from "node:sqlite";
import { inlineText, wikilink } from "../../core/markdown.ts";
import { type ConceptRule, listConceptPages } from "./concept_pages.ts";

/** Renders the index page from the registry. */
export function renderIndexPage(db: DatabaseSync, rule: ConceptRule): string {
  const documents = rows<{ name: string; title: string; description: string }>(
    db,
    "SELECT name, title, description FROM documents ORDER BY name",
  );
  const concepts = listConceptPages(db, rule);
  const lines = [
    "# Index",
    "",
    `${documents.length} documents, ${concepts.length} concepts. This page is rebuilt by Quire from its registry; edits here are lost (see [[AGENTS]]).`,
    "",
    "## Documents",
    "",
  ];
  if (documents.length === 0) lines.push("No documents yet.");
  for (const d of documents) {
    const description = inlineText(d.description);
    lines.push(
      `- ${wikilink(`summaries/${d.name}`, d.title || d.name)}${
        description ? ` — ${description}` : ""
      }`,
    );
  }
  lines.push("", "## Concepts", "");
  if (concepts.length === 0) lines.push("No concepts yet.");
  for (const c of concepts) {
    lines.push(
      `- ${wikilink(`concepts/${c.slug}`, c.label)} (${c.documents} ${
        c.documents === 1 ? "document" : "documents"
      })`,
    );
  }
  const explorations = rows<{ name: string; question: string }>(
    db,
    "SELECT name, question FROM explorations ORDER BY name",
  );
  if (explorations.length > 0) lines.push("", "## Explorations", "");
  for (const e of explorations) lines.push(`- ${wikilink(`explorations/${e.name}`, e.question)}`);
  return lines.join("\n") + "\n";
}
