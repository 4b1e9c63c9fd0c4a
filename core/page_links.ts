/**
 * A page's links both ways, for `quire links` and the MCP `links` tool:
 * the links written on the page (read from the file, without its generated
 * "Linked from" block, each resolved to the page it reaches when there is
 * one) and the pages that link to it (from the registry's link graph, see
 * `wiki_links.ts`).
 *
 * For a document, the page is its summary; its own full-text links are
 * those of `sources/<name>`. Outgoing links are listed once per target and
 * anchor, in the order they first appear.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import type { KbLayout } from "./layout.ts";
import { resolveLinkTarget, type WikiPage } from "./resolve_wiki_page.ts";
import { scanPage } from "./scan_page.ts";
import { type Backlink, findBacklinks, withoutBacklinksBlock } from "./wiki_links.ts";

/** One link written on a page. */
export interface OutgoingLink {
  /** The target as written (`concepts/x`, `../summaries/y`, `name`). */
  target: string;
  /** The heading (or `^block`) after `#`, or null. */
  anchor: string | null;
  /** The page it reaches, kb-relative, or null when it resolves to none. */
  page: string | null;
}

/** A page's links both ways (the `links --json` shape). */
export interface PageLinks {
  /** The page, kb-relative. */
  page: string;
  /** The document the page belongs to, if any. */
  document: string | null;
  /** Links on the page, from `offset`, at most `limit`. */
  outgoing: OutgoingLink[];
  /** How many distinct links the page has. */
  outgoingTotal: number;
  /** Pages linking to it, from `offset`, at most `limit`. */
  backlinks: Backlink[];
  /** How many pages link to it (counted up to a cap, see `backlinksCapped`). */
  backlinksTotal: number;
  /** True when the backlink count stopped at its cap. */
  backlinksCapped: boolean;
}

/** Options of {@linkcode pageLinks}. */
export interface PageLinksOptions {
  /** Most links returned each way. @default 100 */
  limit?: number;
  /** Links skipped each way. @default 0 */
  offset?: number;
}

/** Reads page `page`'s links both ways. */
export async function pageLinks(
  layout: KbLayout,
  db: DatabaseSync,
  page: WikiPage,
  options: PageLinksOptions = {},
): Promise<PageLinks> {
  const limit = options.limit ?? 100;
  const offset = options.offset ?? 0;
  const text = await Deno.readTextFile(layout.resolve(page.path));
  const seen = new Set<string>();
  const distinct = [];
  for (const link of scanPage(withoutBacklinksBlock(text)).links) {
    if (link.target === "") continue;
    const id = `${link.target.toLowerCase()}#${link.anchor ?? ""}`;
    if (seen.has(id)) continue;
    seen.add(id);
    distinct.push(link);
  }
  const outgoing = distinct.slice(offset, offset + limit).map((link) => ({
    target: link.target,
    anchor: link.anchor,
    page: resolveLinkTarget(layout, db, page.path, link.target),
  }));
  const backlinks = findBacklinks(db, page.key, { limit, offset });
  return {
    page: page.path,
    document: page.document,
    outgoing,
    outgoingTotal: distinct.length,
    backlinks: backlinks.pages,
    backlinksTotal: backlinks.total,
    backlinksCapped: backlinks.capped,
  };
}
