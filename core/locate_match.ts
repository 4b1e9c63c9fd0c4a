/**
 * Where in a document a search hit matched: the heading of the section that
 * holds the first matched word, and for paged documents the page it is on
 * (from the `<!-- page N -->` markers of the source page). Used by search
 * so that a hit says which section to open, not only which document.
 *
 * The snippet FTS5 returns is a verbatim slice of the indexed column, so its
 * text up to the first match marker is found in the stored body with
 * `instr()`; then the 64 K characters before it, or if that holds no
 * heading the 1 M before it, are searched for the last heading line (ATX:
 * `#` to `######`) and page marker. Headings inside
 * fenced code blocks are not told apart (the cost of reading only a window).
 * A match in the title column has no heading and no page.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { row } from "./registry.ts";
import { headingText } from "./scan_page.ts";

/** Where a hit matched. */
export interface MatchLocation {
  /** The heading of the section holding the match (plain text), or null. */
  heading: string | null;
  /** The page the match is on, for paged documents, or null. */
  pageNumber: number | null;
}

/**
 * Characters before the match searched for its heading and page: a near
 * window first, then (when that found neither) a wide one. Each read costs
 * about the match's offset in the body, so there are at most two.
 */
const SPANS = [1 << 16, 1 << 20];
/** Characters after the match read to finish its line. */
const LINE_REST = 400;

const HEADING = /^[ \t]{0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/gm;
const PAGE_MARKER = /<!-- page (\d+) -->/g;

function lastMatch(pattern: RegExp, text: string): RegExpExecArray | null {
  let last: RegExpExecArray | null = null;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) last = m;
  return last;
}

function plainHeading(text: string): string {
  return headingText(text).replace(/[*_`]+/g, "").replace(/\s+/g, " ").trim();
}

/** The snippet's verbatim text up to its last match, and how much of it precedes the first. */
function probeOf(snippet: string, open: string, close: string): { probe: string; lead: string } {
  const body = snippet.replace(/^…/, "");
  const first = body.indexOf(open);
  const last = body.lastIndexOf(close);
  if (first === -1 || last === -1) return { probe: "", lead: "" };
  const strip = (text: string) => text.replaceAll(open, "").replaceAll(close, "");
  return { probe: strip(body.slice(0, last)), lead: body.slice(0, first) };
}

/** Options of {@linkcode locateMatch}. */
export interface LocateMatchOptions {
  /** The sentinel before each matched word in the snippet. */
  open: string;
  /** The sentinel after each matched word. */
  close: string;
  /** The MATCH expression, to ask for a body snippet when `snippet` came from the title. */
  expression: string;
}

/** Returns the 1-based character position of `probe` in document `id`'s body, or 0. */
function findInBody(db: DatabaseSync, id: number, probe: string): number {
  if (probe.trim() === "") return 0;
  const found = row<{ v: number }>(
    db,
    "SELECT instr(body, ?) AS v FROM search_index WHERE rowid = ?",
    probe,
    id,
  );
  return Number(found?.v ?? 0);
}

/** Characters `[from, at)` of document `id`'s body, and the rest of the line at `at`. */
function textAround(
  db: DatabaseSync,
  id: number,
  from: number,
  at: number,
): { before: string; after: string } {
  const found = row<{ before: string | null; after: string | null }>(
    db,
    "SELECT substr(body, ?, ?) AS before, substr(body, ?, ?) AS after FROM search_index WHERE rowid = ?",
    from,
    at - from,
    at,
    LINE_REST,
    id,
  );
  return { before: found?.before ?? "", after: (found?.after ?? "").split("\n")[0] };
}

/**
 * Finds where the first match of a snippet (as FTS5 returned it, matched
 * words between the sentinels) lies in document `id`'s indexed body.
 */
export function locateMatch(
  db: DatabaseSync,
  id: number,
  snippet: string,
  options: LocateMatchOptions,
): MatchLocation {
  const location: MatchLocation = { heading: null, pageNumber: null };
  let { probe, lead } = probeOf(snippet, options.open, options.close);
  let at = findInBody(db, id, probe);
  if (at === 0) {
    // The snippet came from the title: ask for the best fragment of the body.
    const body = row<{ v: string | null }>(
      db,
      `SELECT snippet(search_index, 1, ?, ?, '…', 24) AS v FROM search_index
       WHERE search_index MATCH ? AND rowid = ?`,
      options.open,
      options.close,
      options.expression,
      id,
    )?.v ?? "";
    ({ probe, lead } = probeOf(body, options.open, options.close));
    at = findInBody(db, id, probe);
  }
  if (at === 0) return location;
  // SQLite counts characters (code points); JS strings are only indexed
  // within one fetched piece, so the two never mix.
  const matchAt = at + [...lead].length;
  for (const span of SPANS) {
    const from = Math.max(1, matchAt - span);
    const { before, after } = textAround(db, id, from, matchAt);
    // From the first whole line up to the end of the match's line.
    const whole = from > 1 ? before.slice(before.indexOf("\n") + 1) : before;
    scan(whole + after, location);
    if (from === 1 || (location.heading !== null && location.pageNumber !== null)) break;
  }
  return location;
}

/** Fills what `location` still lacks from the last heading and page marker of `text`. */
function scan(text: string, location: MatchLocation): void {
  if (location.heading === null) {
    const m = lastMatch(HEADING, text);
    if (m !== null) location.heading = plainHeading(m[1]);
  }
  if (location.pageNumber === null) {
    const m = lastMatch(PAGE_MARKER, text);
    if (m !== null) location.pageNumber = Number(m[1]);
  }
}
