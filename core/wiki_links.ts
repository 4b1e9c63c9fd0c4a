/**
 * The link graph: which pages link to which, as the registry's `wiki_links`
 * table records it, so that a page's backlinks are an indexed lookup rather
 * than a scan of the wiki.
 *
 * What is recorded (choices made where the spec was silent):
 *
 * - The links of the pages commits write: a document's summary page and its
 *   source page, both recorded under the summary (`summaries/<name>`: the
 *   document is what links), and a saved exploration
 *   (`explorations/<name>`). The derived pages (`index.md`, `log.md`,
 *   concept pages) are not recorded: they link every document by
 *   construction, and a summary already lists its concepts. Nor is the
 *   generated "Linked from" block of a summary, which is itself made of
 *   backlinks.
 * - A link is stored under a key ({@linkcode linkKey}): its target without
 *   `#anchor`, label or `.md`, lower-cased, with `./` and `../` resolved
 *   against the linking page's folder, and `sources/<n>` folded into
 *   `summaries/<n>` (both are document `n`). Links into the page's own
 *   document, links that leave the wiki and same-page links are dropped; a
 *   page records at most {@linkcode MAX_RECORDED_LINKS} keys.
 * - A page's backlinks are the recorded pages with a key naming it: its own
 *   key, or its bare file name (`[[n]]`, resolved by name as Obsidian does;
 *   a bare name shared by a document and a concept counts for both).
 *
 * @module
 */

import { posix } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { row, rows } from "./registry.ts";
import { scanPage } from "./scan_page.ts";

/** Most link keys recorded for one page (a page with more keeps the first ones, sorted). */
export const MAX_RECORDED_LINKS = 1000;
/** Backlinks counted at most; past this, a total reads "more than". */
export const BACKLINK_COUNT_CAP = 10000;

/** Opens the generated "Linked from" block of a summary page. */
export const BACKLINKS_BEGIN = "<!-- quire:begin backlinks -->";
/** Closes the generated "Linked from" block of a summary page. */
export const BACKLINKS_END = "<!-- quire:end -->";

const BACKLINKS_BLOCK = /\n<!-- quire:begin backlinks -->\n[\s\S]*?<!-- quire:end -->\n/;

/** Returns a page without its generated "Linked from" block. */
export function withoutBacklinksBlock(page: string): string {
  return page.replace(BACKLINKS_BLOCK, "");
}

/**
 * Returns `page` with its "Linked from" block replaced by `block` (which is
 * "" or starts with "\n" and ends with {@linkcode BACKLINKS_END} and "\n"),
 * or `block` appended when the page has none.
 */
export function withBacklinksBlock(page: string, block: string): string {
  return BACKLINKS_BLOCK.test(page) ? page.replace(BACKLINKS_BLOCK, () => block) : page + block;
}

/** The key of a wiki page (`wiki/`-relative or kb-relative, with or without `.md`). */
export function pageKey(path: string): string {
  const key = path.replace(/^wiki\//, "").replace(/\.md$/i, "").toLowerCase();
  return key.startsWith("sources/") ? `summaries/${key.slice("sources/".length)}` : key;
}

/**
 * Returns the key a link from page `from` (a page key) to `target` (as
 * written, without anchor) is stored under, or null when it is not
 * recorded (empty, outside the wiki, or into `from` itself).
 */
export function linkKey(from: string, target: string): string | null {
  let clean = target.trim().replace(/\\/g, "/").replace(/^\/+/, "");
  if (clean === "") return null;
  if (/^\.\.?\//.test(clean)) clean = posix.join(posix.dirname(from), clean);
  clean = posix.normalize(clean);
  if (clean === "." || clean === ".." || clean.startsWith("../")) return null;
  const key = pageKey(clean);
  if (key === "" || key === from || key === posix.basename(from)) return null;
  return key;
}

/** The link keys of the pages recorded under `from`, deduplicated and sorted. */
export function recordedLinks(from: string, pages: string[]): string[] {
  const keys = new Set<string>();
  for (const page of pages) {
    for (const link of scanPage(withoutBacklinksBlock(page)).links) {
      const key = linkKey(from, link.target);
      if (key !== null) keys.add(key);
    }
  }
  return [...keys].sort().slice(0, MAX_RECORDED_LINKS);
}

/** The link keys recorded for page `from`, sorted. */
export function storedLinks(db: DatabaseSync, from: string): string[] {
  return rows<{ target: string }>(
    db,
    "SELECT target FROM wiki_links WHERE page = ? ORDER BY target",
    from,
  ).map((r) => r.target);
}

/** One page that links to another. */
export interface Backlink {
  /** The linking page, kb-relative (`wiki/summaries/a.md`). */
  page: string;
  /** Its title: the document's title (else name), or the exploration's question. */
  title: string;
}

/** A page's backlinks, one slice of them, and how many there are. */
export interface Backlinks {
  pages: Backlink[];
  /** How many pages link to it, counted up to {@linkcode BACKLINK_COUNT_CAP}. */
  total: number;
  /** True when the count stopped at the cap (there are at least `total`). */
  capped: boolean;
}

/** Options of {@linkcode findBacklinks}. */
export interface BacklinkOptions {
  /** Most pages returned. @default 50 */
  limit?: number;
  /** Pages skipped (in page order). @default 0 */
  offset?: number;
}

function titleOf(db: DatabaseSync, key: string): string {
  const [folder, name] = [key.slice(0, key.indexOf("/")), key.slice(key.indexOf("/") + 1)];
  if (folder === "summaries") {
    const found = row<{ title: string }>(db, "SELECT title FROM documents WHERE name = ?", name);
    return found?.title || name;
  }
  if (folder === "explorations") {
    const found = row<{ question: string }>(
      db,
      "SELECT question FROM explorations WHERE name = ?",
      name,
    );
    return found?.question || name;
  }
  return name;
}

/**
 * Returns the pages that link to page `key` (see {@linkcode pageKey}), in
 * page order. Cost: one index lookup and, when there are any, a count of at
 * most {@linkcode BACKLINK_COUNT_CAP} rows and two index range scans of at most
 * `offset + limit`.
 */
export function findBacklinks(
  db: DatabaseSync,
  key: string,
  options: BacklinkOptions = {},
): Backlinks {
  const limit = options.limit ?? 50;
  const offset = options.offset ?? 0;
  const keys = [...new Set([key, posix.basename(key)])];
  const targets = keys.map(() => "?").join(", ");
  // Most pages asked about (a new document's summary) have no backlinks.
  const any = row(
    db,
    `SELECT 1 FROM wiki_links WHERE target IN (${targets}) AND page <> ? LIMIT 1`,
    ...keys,
    key,
  );
  if (any === undefined) return { pages: [], total: 0, capped: false };
  const counted = row<{ seen: number; n: number }>(
    db,
    `SELECT count(*) AS seen, count(DISTINCT page) AS n FROM (SELECT page FROM wiki_links
     WHERE target IN (${targets}) AND page <> ? LIMIT ?)`,
    ...keys,
    key,
    BACKLINK_COUNT_CAP,
  );
  const found = new Set<string>();
  for (const k of keys) {
    const pages = rows<{ page: string }>(
      db,
      "SELECT page FROM wiki_links WHERE target = ? ORDER BY page LIMIT ?",
      k,
      offset + limit,
    );
    for (const p of pages) if (p.page !== key) found.add(p.page);
  }
  const slice = [...found].sort().slice(offset, offset + limit);
  return {
    pages: slice.map((page) => ({ page: `wiki/${page}.md`, title: titleOf(db, page) })),
    total: Number(counted?.n ?? 0),
    capped: Number(counted?.seen ?? 0) >= BACKLINK_COUNT_CAP,
  };
}
