/**
 * Lines of a PDF that are page furniture rather than text, dropped from the
 * flowing text:
 *
 * - Running headers and footers: among the two topmost and the two
 *   bottommost lines of each page, a line whose text (lowercased, numbers
 *   ignored) recurs in that position on at least 3 pages and a quarter of
 *   all pages (odd and even pages often alternate two headers) and is not a
 *   sentence (more than four words ending in a period), and a bare
 *   page number ("12", "- 12 -", "Page 3 of 9") there.
 * - Plot markers: on a page with at least 5 of them, lines made only of
 *   one repeated non-digit character ("l", "l ll": the `ZapfDingbats`
 *   bullets of a scatter plot read without their font).
 *
 * @module
 */

import type { PdfLine } from "./pdf_lines.ts";
import { runningKey } from "./pdf_title.ts";

const EDGE_LINES = 2;
const PAGE_NUMBER = /^(?:page\s*)?[-–—(\[]?\s*#\s*[-–—)\]]?(?:\s*(?:of|\/)\s*#)?$/;

function edgeLines(lines: readonly PdfLine[]): PdfLine[] {
  if (lines.length <= 2 * EDGE_LINES) return [...lines];
  const byHeight = [...lines].sort((a, b) => b.y - a.y);
  return [...byHeight.slice(0, EDGE_LINES), ...byHeight.slice(-EDGE_LINES)];
}

/** Returns the keys of the running headers and footers of a document's pages. */
export function runningKeys(pages: readonly PdfLine[][]): Set<string> {
  const pagesWith = new Map<string, number>();
  for (const lines of pages) {
    const keys = new Set(edgeLines(lines).map((line) => runningKey(line.text)));
    for (const key of keys) pagesWith.set(key, (pagesWith.get(key) ?? 0) + 1);
  }
  const needed = Math.max(3, Math.ceil(pages.length / 4));
  const keys = new Set<string>();
  for (const [key, count] of pagesWith) {
    // A sentence repeated on every page is text, not a running header.
    const sentence = /\.$/.test(key) && key.split(" ").length > 4;
    if ((count >= needed && !sentence) || PAGE_NUMBER.test(key)) keys.add(key);
  }
  return keys;
}

function isMarker(text: string): boolean {
  const compact = text.replace(/\s+/g, "");
  return compact.length > 0 && !/\d/.test(compact) && [...compact].every((c) => c === compact[0]);
}

/** Drops running headers, footers, page numbers and plot markers; see the module notes. */
export function dropPageFurniture(
  pages: readonly PdfLine[][],
  running: ReadonlySet<string>,
): PdfLine[][] {
  return pages.map((lines) => {
    const edges = new Set(edgeLines(lines));
    const markers = lines.filter((line) => isMarker(line.text)).length;
    return lines.filter((line) => {
      if (edges.has(line) && running.has(runningKey(line.text))) return false;
      return !(markers >= 5 && isMarker(line.text));
    });
  });
}
