/**
 * Guesses the headings of a PDF without an outline from font sizes.
 *
 * Choices made here:
 * - The body size is the size (rounded to half a point) that carries the most
 *   characters in the whole document.
 * - A line is a heading candidate when its size is at least 15% and 1 pt
 *   above the body size, it has a letter, and it is short (at most 120
 *   characters, 20 words).
 * - The three largest candidate sizes become levels 1–3; smaller ones are
 *   dropped. A size that carries more than half as many characters as the
 *   body is a second body font, not a heading font.
 * - The count is bounded (by default 2 per page, at least 64): while there
 *   are more, the smallest heading size is dropped; if the largest alone is
 *   over the bound, there are no headings.
 * - Consecutive candidate lines of the same size on one page (a wrapped
 *   title) form one heading, up to three lines.
 *
 * @module
 */

import type { PdfLine } from "./pdf_lines.ts";

/** A heading found on a page: lines `first..last` (indexes into that page's lines). */
export interface FontSizeHeading {
  /** 1-based page number. */
  page: number;
  first: number;
  last: number;
  /** 1 = largest heading size. */
  level: number;
  title: string;
  /** For a heading found from a PDF outline: the index of its outline entry. */
  entry?: number;
}

/** Options of {@linkcode fontSizeHeadings}. */
export interface FontSizeHeadingsOptions {
  /** Most headings accepted. @default max(64, 2 × pages) */
  maxHeadings?: number;
}

const MAX_LEVELS = 3;
const MAX_WRAPPED_LINES = 3;

function sizeKey(size: number): number {
  return Math.round(size * 2) / 2;
}

function isCandidate(line: PdfLine, body: number): boolean {
  const size = sizeKey(line.size);
  return size >= body * 1.15 && size >= body + 1 && line.text.length <= 120 &&
    /\p{L}/u.test(line.text) && line.text.split(" ").length <= 20;
}

/** Returns the size, rounded to half a point, that carries the most characters. */
export function bodyFontSize(pages: readonly PdfLine[][]): number {
  const chars = new Map<number, number>();
  for (const lines of pages) {
    for (const line of lines) {
      const key = sizeKey(line.size);
      chars.set(key, (chars.get(key) ?? 0) + line.text.length);
    }
  }
  let body = 0;
  let most = -1;
  for (const [size, count] of chars) if (count > most) [body, most] = [size, count];
  return body;
}

/** Finds headings by font size; see the module notes for the rules. */
export function fontSizeHeadings(
  pages: readonly PdfLine[][],
  options: FontSizeHeadingsOptions = {},
): FontSizeHeading[] {
  const body = bodyFontSize(pages);
  if (body === 0) return [];
  const maxHeadings = options.maxHeadings ?? Math.max(64, 2 * pages.length);

  let bodyChars = 0;
  const classChars = new Map<number, number>();
  const classLines = new Map<number, number>();
  for (const lines of pages) {
    for (const line of lines) {
      const key = sizeKey(line.size);
      if (key === body) bodyChars += line.text.length;
      else if (isCandidate(line, body)) {
        classChars.set(key, (classChars.get(key) ?? 0) + line.text.length);
        classLines.set(key, (classLines.get(key) ?? 0) + 1);
      }
    }
  }
  let classes = [...classChars.keys()]
    .filter((size) => classChars.get(size)! <= bodyChars / 2)
    .sort((a, b) => b - a)
    .slice(0, MAX_LEVELS);
  const count = () => classes.reduce((n, size) => n + classLines.get(size)!, 0);
  while (classes.length > 0 && count() > maxHeadings) classes = classes.slice(0, -1);
  if (classes.length === 0) return [];

  const headings: FontSizeHeading[] = [];
  pages.forEach((lines, p) => {
    let previous: FontSizeHeading | undefined;
    lines.forEach((line, i) => {
      const level = isCandidate(line, body) ? classes.indexOf(sizeKey(line.size)) + 1 : 0;
      if (level === 0) {
        previous = undefined;
        return;
      }
      if (
        previous && previous.level === level && previous.last === i - 1 &&
        previous.last - previous.first + 1 < MAX_WRAPPED_LINES
      ) {
        previous.last = i;
        previous.title += " " + line.text;
        return;
      }
      previous = { page: p + 1, first: i, last: i, level, title: line.text };
      headings.push(previous);
    });
  });
  return headings;
}
