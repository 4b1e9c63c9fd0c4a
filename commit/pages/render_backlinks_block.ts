/**
 * The "Linked from" block of a summary page: the pages that link to the
 * document (see `core/wiki_links.ts` for what counts), between
 * `<!-- quire:begin backlinks -->` and `<!-- quire:end -->` at the end of the
 * page. It is rendered with the page when the document is committed, and
 * re-rendered by `rebuildSharedPages` when links to the document change (the
 * summary is queued like a shared page); nothing else of the page changes
 * then.
 *
 * The block lists at most {@linkcode BACKLINKS_SHOWN} pages, in page order,
 * and counts the rest, so rendering it costs the same however many pages
 * link to a document. A document nothing links to has no block.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { wikilink } from "../../core/markdown.ts";
import {
  type Backlinks,
  BACKLINKS_BEGIN,
  BACKLINKS_END,
  findBacklinks,
  withBacklinksBlock,
} from "../../core/wiki_links.ts";

/** Most pages listed in one "Linked from" block. */
export const BACKLINKS_SHOWN = 50;

/** Renders the block for document `name` ("" when nothing links to it). */
export function renderBacklinksBlock(backlinks: Backlinks, name: string): string {
  if (backlinks.pages.length === 0) return "";
  const lines = ["", BACKLINKS_BEGIN, "## Linked from", ""];
  for (const link of backlinks.pages) {
    const target = link.page.replace(/^wiki\//, "").replace(/\.md$/, "");
    lines.push(`- ${wikilink(target, link.title)}`);
  }
  const more = backlinks.total - backlinks.pages.length;
  if (more > 0 || backlinks.capped) {
    const count = backlinks.capped ? `more than ${more}` : String(more);
    lines.push("", `_…and ${count} more pages; \`quire links ${name}\` lists them._`);
  }
  lines.push(BACKLINKS_END, "");
  return lines.join("\n");
}

/** The block of document `name`, from the registry. */
export function summaryBacklinksBlock(db: DatabaseSync, name: string): string {
  return renderBacklinksBlock(
    findBacklinks(db, `summaries/${name}`, { limit: BACKLINKS_SHOWN }),
    name,
  );
}

/**
 * Returns summary page `existing` of document `name` with its block
 * re-rendered, or null when there is nothing to write: no page, no such
 * document (the file is not Quire's to change), or no change.
 */
export function refreshBacklinks(
  db: DatabaseSync,
  name: string,
  existing: string | null,
): string | null {
  if (existing === null) return null;
  if (db.prepare("SELECT 1 FROM documents WHERE name = ?").get(name) === undefined) return null;
  const text = withBacklinksBlock(existing, summaryBacklinksBlock(db, name));
  return text === existing ? null : text;
}
