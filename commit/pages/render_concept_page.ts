/**
 * `wiki/concepts/<slug>.md`: one page per concept, listing the documents
 * that discuss it with each one's note, and related concepts (those sharing
 * the most documents with it).
 *
 * A page lists at most {@linkcode CONCEPT_PAGE_DOCUMENTS} documents, those
 * where the concept weighs most (then by name), and says how many more there
 * are: a concept that half the knowledge base mentions would otherwise make
 * a page, and a rebuild, whose size grows with the knowledge base.
 *
 * The page has front matter (aliases, document count) and a generated block
 * between {@linkcode BEGIN_MARK} and {@linkcode END_MARK}. Both are rebuilt
 * from the registry; any text a person writes outside them (before or after
 * the block) is kept across rebuilds. When a concept loses its page, a file
 * with no such text is deleted, and a file with some keeps that text and a
 * block saying no document discusses the concept any more.
 *
 * @module
 */

import { rows } from "../../core/registry.ts";
import type { DatabaseSync } from "node:sqlite";
import { inlineText, oneLine, renderFrontMatter, wikilink } from "../../core/markdown.ts";
import type { ConceptLookup } from "./concept_pages.ts";

/** Opens the generated block of a concept page. */
export const BEGIN_MARK =
  "<!-- quire:begin — generated from the registry; write outside this block -->";
/** Closes the generated block of a concept page. */
export const END_MARK = "<!-- quire:end -->";

const RELATED_LIMIT = 10;

/** Documents sampled to find a concept's related concepts. */
export const RELATED_SAMPLE = 100;

/** Most documents listed on one concept page. */
export const CONCEPT_PAGE_DOCUMENTS = 100;
const DEAD_CONCEPT = "No document in the knowledge base discusses this concept any more.";

/**
 * True when an existing page file is a live concept page (has a generated
 * block that lists documents), as opposed to no file, a page a person wrote
 * without a block, or a page kept only for its user text.
 */
export function isLivePage(existing: string | null): boolean {
  return existing !== null && existing.includes("<!-- quire:begin") &&
    !existing.includes(DEAD_CONCEPT);
}

/** Lists concept slugs that share at least one document with `slug` (at most `limit`). */
export function coOccurringConcepts(db: DatabaseSync, slug: string, limit = 200): string[] {
  const found = rows<{ slug: string }>(
    db,
    `SELECT DISTINCT other.slug AS slug FROM document_concepts self
     JOIN document_concepts other ON other.document_id = self.document_id AND other.slug <> self.slug
     WHERE self.slug = ? ORDER BY other.slug LIMIT ?`,
    slug,
    limit,
  );
  return found.map((row) => row.slug);
}

/** The parts of an existing concept page a person may have written. */
export interface UserText {
  before: string;
  after: string;
}

/** Splits an existing page into the text before and after its generated block. */
export function userText(page: string): UserText {
  const body = page.replace(/^---\n[\s\S]*?\n---\n/, "");
  const begin = body.indexOf("<!-- quire:begin");
  const end = body.indexOf(END_MARK);
  if (begin === -1 || end === -1 || end < begin) {
    return { before: "", after: body.trim() ? body : "" };
  }
  return {
    before: body.slice(0, begin),
    after: body.slice(end + END_MARK.length).replace(/^\n/, ""),
  };
}

function hasText(text: UserText): boolean {
  return text.before.trim() !== "" || text.after.trim() !== "";
}

interface ConceptRow {
  name: string;
  title: string;
  label: string;
  note: string;
}

/**
 * Renders concept `slug`'s page, merging the user text of `existing` (the
 * current file, if any). Returns null when the page should not exist.
 * `concepts` answers page and label questions for the whole rebuild.
 */
export function renderConceptPage(
  concepts: ConceptLookup,
  slug: string,
  existing: string | null,
): string | null {
  const { db } = concepts;
  const kept = existing === null ? { before: "", after: "" } : userText(existing);
  const live = concepts.hasPage(slug);
  if (!live && !hasText(kept)) return null;

  // Spellings, most used first; their counts add up to the number of documents.
  const labels = rows<{ label: string; n: number }>(
    db,
    "SELECT label, documents AS n FROM concept_labels WHERE slug = ? ORDER BY documents DESC, label",
    slug,
  );
  const aliases = labels.map((l) => l.label);
  const total = labels.reduce((sum, l) => sum + l.n, 0);
  // The heaviest documents come off the rank index; only they are sorted by name.
  const found = rows<ConceptRow>(
    db,
    `SELECT d.name, d.title, c.label, c.note
     FROM (SELECT document_id FROM document_concepts WHERE slug = ?
           ORDER BY score DESC, document_id DESC LIMIT ?) top
     JOIN document_concepts c ON c.document_id = top.document_id AND c.slug = ?
     JOIN documents d ON d.id = c.document_id
     ORDER BY c.score DESC, d.name`,
    slug,
    CONCEPT_PAGE_DOCUMENTS,
    slug,
  );
  const title = aliases[0] ?? slug;
  const block = [BEGIN_MARK, `# ${inlineText(title)}`, ""];
  if (!live) {
    block.push(DEAD_CONCEPT);
  } else {
    block.push("## Documents", "");
    for (const row of found) {
      const note = inlineText(row.note);
      block.push(
        `- ${wikilink(`summaries/${row.name}`, row.title || row.name)}${note ? `: ${note}` : ""}`,
      );
    }
    if (total > found.length) {
      block.push(
        "",
        `_…and ${total - found.length} more documents; \`quire search "${
          oneLine(title.replace(/[`"]/g, ""))
        }"\` finds them._`,
      );
    }
    const related = relatedConcepts(concepts, slug);
    if (related.length > 0) {
      block.push("", "## Related concepts", "");
      for (const r of related) {
        block.push(
          `- ${wikilink(`concepts/${r.slug}`, r.label)} (${r.shared} shared ${
            r.shared === 1 ? "document" : "documents"
          })`,
        );
      }
    }
  }
  block.push(END_MARK);
  const front = renderFrontMatter({
    aliases: live ? aliases : [],
    documents: live ? total : 0,
  });
  return `${front}${kept.before}${block.join("\n")}\n${kept.after}`;
}

/**
 * Concepts that share documents with `slug` and have pages, most shared
 * first. Co-occurrence is counted over the {@linkcode RELATED_SAMPLE}
 * documents where `slug` weighs most, so that a concept found in thousands
 * of documents costs no more to rebuild than one found in a few hundred.
 */
function relatedConcepts(
  concepts: ConceptLookup,
  slug: string,
): { slug: string; label: string; shared: number }[] {
  const found = rows<{ slug: string; shared: number }>(
    concepts.db,
    `SELECT other.slug AS slug, count(*) AS shared
     FROM (SELECT document_id FROM document_concepts WHERE slug = ?
           ORDER BY score DESC, document_id DESC LIMIT ?) top
     JOIN document_concepts other ON other.document_id = top.document_id AND other.slug <> ?
     GROUP BY other.slug ORDER BY shared DESC, other.slug LIMIT 100`,
    slug,
    RELATED_SAMPLE,
    slug,
  );
  const related = [];
  for (const row of found) {
    if (related.length === RELATED_LIMIT) break;
    if (concepts.hasPage(row.slug)) related.push({ ...row, label: concepts.label(row.slug) });
  }
  return related;
}
