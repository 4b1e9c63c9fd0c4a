/**
 * Full-text search over the registry's FTS5 table `search_index` (its rowid
 * is the document's id; column `title` holds the title and one-line
 * description, `body` the source page's markdown).
 *
 * Choices made where the spec was silent:
 *
 * - The query language is the one of `fts_expression.ts`: words (all must
 *   match), `"exact phrases"`, `OR`, `word*` prefixes. User text never
 *   reaches FTS5 syntax unquoted, so no query can cause a syntax error.
 * - Ranking is bm25 with the title column weighted {@linkcode TITLE_WEIGHT}
 *   times the body. `score` is the negated bm25 value: higher is better, and
 *   it is only comparable between hits of one query.
 * - The snippet comes from FTS5 `snippet()` over whichever column matches
 *   best, then loses its markdown syntax (heading marks, emphasis, link and
 *   table syntax, HTML tags and comments) so that it reads as plain text on
 *   one line. Matched words are wrapped in {@linkcode HIGHLIGHT_OPEN} and
 *   {@linkcode HIGHLIGHT_CLOSE} (`«` and `»`), and `…` marks cut text.
 * - Each hit names the heading of the section (and, for paged documents,
 *   the page) of its first match, found by `locate_match.ts`.
 * - Cost: one statement. FTS5 consumes the `ORDER BY rank … LIMIT`, so the
 *   snippet is built only for the hits returned, and each hit's document
 *   row is found by its primary key.
 *
 * @module
 */

import { rows } from "./registry.ts";
import type { DatabaseSync } from "node:sqlite";
import { QuireError } from "./errors.ts";
import { ftsExpression } from "./fts_expression.ts";
import { documentPages } from "./layout.ts";
import { locateMatch } from "./locate_match.ts";

/** How many times a title match outweighs a body match in the ranking. */
export const TITLE_WEIGHT = 10;
/** Marks the start of a matched word in a snippet. */
export const HIGHLIGHT_OPEN = "«";
/** Marks the end of a matched word in a snippet. */
export const HIGHLIGHT_CLOSE = "»";

/** Tokens of context around the matches in a snippet (FTS5 allows at most 64). */
const SNIPPET_TOKENS = 24;

/** One search result. */
export interface SearchHit {
  /** The document's name. */
  name: string;
  /** The document's title. */
  title: string;
  /** The summary page, kb-relative (`wiki/summaries/<name>.md`). */
  page: string;
  /** The source page, kb-relative (`wiki/sources/<name>.md`). */
  source: string;
  /** Plain text around the matches, matches in `«…»`. */
  snippet: string;
  /** The heading of the source page's section holding the first match, or null. */
  heading: string | null;
  /** The page of a paged document the first match is on, or null. */
  pageNumber: number | null;
  /** Relevance, higher is better (negated bm25). */
  score: number;
}

/** Options of {@linkcode searchDocuments}. */
export interface SearchOptions {
  /** Most hits returned. @default 10 */
  limit?: number;
  /** Whether every term must match, or any one of them. @default "all" */
  match?: "all" | "any";
}

// Sentinels FTS5 puts around matches; they survive the markdown clean-up
// and become the visible markers at the end.
const OPEN = "\u0002";
const CLOSE = "\u0003";
// Escaped `\*` and `\_` are text, not emphasis: hidden from the emphasis rules.
const ESCAPED_STAR = "\u0004";
const ESCAPED_UNDERSCORE = "\u0005";

/** Turns a markdown snippet into one line of plain text with visible match markers. */
export function plainSnippet(markdown: string): string {
  const text = markdown
    .replace(/\\\*/g, ESCAPED_STAR)
    .replace(/\\_/g, ESCAPED_UNDERSCORE)
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<!--[\s\S]*$|-->/g, " ")
    .replace(/<\/?[A-Za-z][^<>]*>/g, " ")
    .replace(/!?\[\[(?:[^\]|]*\|)?([^\]]*)\]\]/g, "$1")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/^[ \t]*([-*_=])(?:[ \t]*\1){2,}[ \t]*$/gm, " ")
    .replace(/^[ \t]*\|?[ \t:|-]*-{3,}[ \t:|-]*$/gm, " ")
    .replace(/^[ \t]*(?:>[ \t]?)+/gm, "")
    .replace(/^[ \t]*#{1,6}(?=[ \t]|$)/gm, "")
    .replace(/^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?/gm, "")
    .replace(/`{3,}[^\s`]*|~{3,}\S*/g, " ")
    .replace(/`+/g, "")
    // Emphasis marks next to a word or a match sentinel (intended control characters).
    // deno-lint-ignore no-control-regex
    .replace(/(^|[^\p{L}\p{N}\u0002\u0003])[*_]+(?=[\p{L}\p{N}\u0002\u0003])/gu, "$1")
    // deno-lint-ignore no-control-regex
    .replace(/([\p{L}\p{N}\p{P}\u0002\u0003])[*_]+(?=[^\p{L}\p{N}]|$)/gu, "$1")
    .replace(/(^|\s)\|(?=\s|$)/g, "$1")
    .replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
  return text
    .replaceAll(ESCAPED_STAR, "*")
    .replaceAll(ESCAPED_UNDERSCORE, "_")
    .replaceAll(`${CLOSE}${OPEN}`, "")
    .replaceAll(OPEN, HIGHLIGHT_OPEN)
    .replaceAll(CLOSE, HIGHLIGHT_CLOSE);
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new QuireError("USAGE", `Cannot search: limit '${limit}' is not a whole number above 0`, {
      hint: "Pass a limit of 1 or more",
    });
  }
  return limit;
}

interface HitRow {
  id: number;
  name: string;
  title: string;
  snippet: string;
  rank: number;
}

/**
 * Searches the documents' titles and full text; returns the best hits
 * first. An empty query (or one with no searchable word) returns no hits.
 * @throws {QuireError} `USAGE` when `limit` is not a whole number above 0.
 */
export function searchDocuments(
  db: DatabaseSync,
  query: string,
  options: SearchOptions = {},
): SearchHit[] {
  const limit = checkLimit(options.limit ?? 10);
  const parsed = ftsExpression(query, { match: options.match });
  if (parsed === null) return [];
  const found = rows<HitRow>(
    db,
    `SELECT d.id AS id, d.name AS name, d.title AS title,
       snippet(search_index, -1, char(2), char(3), '…', ${SNIPPET_TOKENS}) AS snippet,
       rank
     FROM search_index JOIN documents d ON d.id = search_index.rowid
     WHERE search_index MATCH ? AND rank MATCH 'bm25(${TITLE_WEIGHT}.0, 1.0)'
     ORDER BY rank LIMIT ?`,
    parsed.expression,
    limit,
  );
  return found.map((row) => {
    const pages = documentPages(row.name, "");
    return {
      name: row.name,
      title: row.title,
      page: pages.summary,
      source: pages.source,
      snippet: plainSnippet(row.snippet ?? ""),
      ...locateMatch(db, row.id, row.snippet ?? "", {
        open: OPEN,
        close: CLOSE,
        expression: parsed.expression,
      }),
      score: -row.rank,
    };
  });
}
