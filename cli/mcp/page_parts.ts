/**
 * Parts of a page that `read_page` can return instead of the whole page:
 * one section by its heading, or a range of pages of a paged source (its
 * `<!-- page N -->` markers).
 *
 * A section runs from its heading line to the next heading of the same or a
 * higher level, so it includes its subsections. Headings are ATX lines
 * (`#` to `######`) outside fenced code blocks, compared as wikilink anchors
 * are (letters and digits, case-folded), so `Installation: Roofs & Costs`
 * and `installation roofs costs` name the same section. The first matching
 * heading wins.
 *
 * @module
 */

import { headingKey, headingText, QuireError } from "../../core/mod.ts";

/** A heading of a page. */
export interface PageHeading {
  level: number;
  title: string;
  /** 0-based line index. */
  line: number;
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^\s*(`{3,}|~{3,})/;

/** Lists the ATX headings of a page, outside fenced code. */
export function pageHeadings(lines: string[]): PageHeading[] {
  const headings: PageHeading[] = [];
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (fence !== null) {
      if (open && open[1][0] === fence[0] && open[1].length >= fence.length) fence = null;
      continue;
    }
    if (open) {
      fence = open[1];
      continue;
    }
    const atx = ATX.exec(lines[i]);
    if (atx) headings.push({ level: atx[1].length, title: (atx[2] ?? "").trim(), line: i });
  }
  return headings;
}

/**
 * Returns the section of `markdown` under `heading`.
 * @throws {QuireError} `NOT_FOUND` naming some of the page's headings when none matches.
 */
export function sectionByHeading(markdown: string, heading: string, path: string): string {
  const lines = markdown.split("\n");
  const headings = pageHeadings(lines);
  const key = headingKey(headingText(heading));
  const at = headings.findIndex((h) => headingKey(headingText(h.title)) === key);
  if (at === -1) {
    const known = headings.slice(0, 30).map((h) => JSON.stringify(headingText(h.title)));
    throw new QuireError(
      "NOT_FOUND",
      `Cannot find heading ${JSON.stringify(heading)} on '${path}': ${
        known.length === 0
          ? "the page has no headings"
          : `its headings are ${known.join(", ")}${headings.length > 30 ? ", …" : ""}`
      }`,
      { hint: "Call read_page without heading, or document_outline for a document's sections" },
    );
  }
  const start = headings[at];
  const next = headings.slice(at + 1).find((h) => h.level <= start.level);
  return lines.slice(start.line, next?.line ?? lines.length).join("\n").trimEnd() + "\n";
}

/**
 * Parses a page range: `7`, `3-5` or `3–5`.
 * @throws {QuireError} `USAGE` when it is not one.
 */
export function parsePages(spec: string): { from: number; to: number } {
  const match = /^\s*(\d{1,6})\s*(?:[-–]\s*(\d{1,6})\s*)?$/.exec(spec);
  const from = Number(match?.[1]);
  const to = match?.[2] === undefined ? from : Number(match[2]);
  if (match === null || from < 1 || to < from) {
    throw new QuireError("USAGE", `Cannot read pages '${spec}': expected N or N-M with 1 ≤ N ≤ M`, {
      hint: 'Give one page ("7") or a range ("3-5")',
    });
  }
  return { from, to };
}

const PAGE_MARKER = /^<!-- page (\d+) -->[ \t]*$/gm;

/**
 * Returns pages `from`–`to` of a paged source page, each starting at its
 * marker.
 * @throws {QuireError} when the page has no markers or the range is past its end.
 */
export function pageRange(markdown: string, spec: string, path: string): string {
  const { from, to } = parsePages(spec);
  const markers = [...markdown.matchAll(PAGE_MARKER)].map((m) => ({
    page: Number(m[1]),
    at: m.index,
  }));
  if (markers.length === 0) {
    throw new QuireError(
      "USAGE",
      `Cannot read pages ${spec} of '${path}': it has no page markers`,
      {
        hint: "Only the source pages of paged documents (PDFs) have pages; use heading instead",
      },
    );
  }
  const last = markers[markers.length - 1].page;
  const first = markers.findIndex((m) => m.page >= from);
  if (first === -1 || markers[first].page > to) {
    throw new QuireError(
      "NOT_FOUND",
      `Cannot read pages ${spec} of '${path}': its pages run from ${markers[0].page} to ${last}`,
      { hint: `Ask for pages within ${markers[0].page}-${last}` },
    );
  }
  const after = markers.find((m) => m.page > to);
  return markdown.slice(markers[first].at, after?.at ?? markdown.length).trimEnd() + "\n";
}
