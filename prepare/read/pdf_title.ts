/**
 * A PDF's title. In order:
 *
 * 1. A plausible `Title` from the metadata (the document information
 *    dictionary, then XMP `dc:title`): not a file name or path
 *    ("shannon1948.dvi", "proc.dvi"), not "untitled", not a generator's name
 *    ("Microsoft Word - …", "LaTeX"), not a section heading, with letters.
 * 2. A man page's `NAME` line ("grep, egrep, fgrep, rgrep - print lines
 *    that match patterns"), when the first page has a `NAME` heading.
 * 3. The largest-font block of the first page (consecutive lines of one
 *    size, at most four): blocks that are running headers or footers, a
 *    cover-page notice ("This paper is included in the Proceedings…",
 *    copyright, permission notices), an author line (e-mail addresses,
 *    affiliations) or a section heading ("1 Introduction", "Abstract") are
 *    passed over. A footnote mark glued to its last word ("Design1") is
 *    dropped. When no block is larger than the page's body text, the
 *    first line of the first usable block is the title.
 *
 * A section heading is never the title; when nothing fits, the title is ""
 * and the caller falls back to the file name.
 *
 * @module
 */

import type { PdfLine } from "./pdf_lines.ts";

const FILE_NAME = /\.(pdf|dvi|ps|eps|docx?|odt|rtf|tex|indd|pptx?|xlsx?|txt|qxd|fm|html?)$/i;
const GENERATOR =
  /^(microsoft (word|powerpoint|excel)|untitled|title|document\d*|(la)?tex|pdftex|acrobat|adobe|dvips|writer|pages|keynote|powerpoint|slide \d+)\b/i;
const SECTION_HEADING =
  /^(?:(?:\d+(?:\.\d+)*|[IVXLC]+)\.?\s+)?(abstract|introduction|contents|table of contents|preface|foreword|summary|background|overview|motivation|system model|model|related work|conclusions?|references|bibliography|acknowledge?ments?|appendix(?: [a-z])?|index|chapter \d+)\.?$/i;
const NUMBERED_HEADING = /^(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+\p{Lu}/u;
const COVER_NOTICE =
  /\b(proceedings|this paper is (included|published)|is sponsored by|open access|permission to (make|copy)|all rights reserved|copyright|©|isbn|issn|doi:|arxiv|accepted|to appear|submitted to|technical report|preprint|conference|symposium|workshop|journal of|volume \d|vol\. ?\d)\b/i;
const AUTHOR_LINE =
  /@|\b(universit|institut|laborator|department|dept\.|college|school of|inc\.|corporation|e-?mail)/i;
const MAN_HEADER = /^\S+\(\d\w*\)\s.*\S+\(\d\w*\)$/;

/** True when a metadata title is worth showing; see rule 1 of the module notes. */
export function plausibleMetadataTitle(value: unknown): string {
  if (typeof value !== "string") return "";
  const title = value.replace(/\s+/g, " ").trim();
  if ((title.match(/\p{L}/gu) ?? []).length < 2) return "";
  if (FILE_NAME.test(title) || /[\\/]/.test(title) && !/\s/.test(title)) return "";
  if (GENERATOR.test(title) || SECTION_HEADING.test(title)) return "";
  return title;
}

/** True when a line is a section heading that must never be a title. */
export function isSectionHeading(text: string): boolean {
  return SECTION_HEADING.test(text.trim()) || NUMBERED_HEADING.test(text.trim());
}

/** Returns the man page NAME line of a page, or "". */
export function manPageName(lines: readonly PdfLine[]): string {
  const at = lines.findIndex((line) => /^name$/i.test(line.text.trim()));
  if (at < 0) return "";
  const parts: string[] = [];
  for (const line of lines.slice(at + 1, at + 4)) {
    if (/^[A-Z][A-Z ]+$/.test(line.text.trim())) break; // The next section (SYNOPSIS).
    parts.push(line.text.trim());
  }
  const name = parts.join(" ").replace(/\s+/g, " ").trim();
  return /\S\s[-–—]\s\S/.test(name) ? name : "";
}

interface Block {
  lines: PdfLine[];
  size: number;
}

function blocksOf(lines: readonly PdfLine[]): Block[] {
  const blocks: Block[] = [];
  let current: Block | undefined;
  for (const line of lines) {
    const previous = current?.lines[current.lines.length - 1];
    const sameSize = current && Math.abs(current.size - line.size) <= 0.5;
    const close = previous && previous.y - line.y > 0 && previous.y - line.y <= 2.2 * line.size;
    if (current && sameSize && close) current.lines.push(line);
    else {
      current = { lines: [line], size: line.size };
      blocks.push(current);
    }
  }
  return blocks;
}

function joinLines(lines: readonly PdfLine[]): string {
  let text = "";
  for (const line of lines) {
    const next = line.text.trim();
    if (/\p{L}-$/u.test(text) && /^\p{Ll}/u.test(next)) text = text.slice(0, -1) + next;
    else text = text === "" ? next : `${text} ${next}`;
  }
  return text.replace(/\s+/g, " ").trim();
}

function usableBlock(block: Block, running: ReadonlySet<string>): boolean {
  if (block.lines.length > 4) return false;
  const text = joinLines(block.lines);
  if ((text.match(/\p{L}/gu) ?? []).length < 3 || text.length > 250) return false;
  if (block.lines.some((line) => running.has(runningKey(line.text)))) return false;
  if (MAN_HEADER.test(text)) return false;
  return !COVER_NOTICE.test(text) && !AUTHOR_LINE.test(text) && !isSectionHeading(text);
}

/** The key lines are compared by to find running headers: lowercase, digits as `#`. */
export function runningKey(text: string): string {
  return text.toLowerCase().replace(/\d+/g, "#").replace(/\s+/g, " ").trim();
}

function bodySize(lines: readonly PdfLine[]): number {
  const chars = new Map<number, number>();
  for (const line of lines) chars.set(line.size, (chars.get(line.size) ?? 0) + line.text.length);
  let body = 0;
  let most = -1;
  for (const [size, count] of chars) if (count > most) [body, most] = [size, count];
  return body;
}

/** Returns the largest-font usable block of a page as one line of text, or "". */
export function largestBlockTitle(
  lines: readonly PdfLine[],
  running: ReadonlySet<string> = new Set(),
): string {
  let best: Block | undefined;
  for (const block of blocksOf(lines)) {
    if (!usableBlock(block, running)) continue;
    if (!best || block.size > best.size + 0.25) best = block;
  }
  if (!best) return "";
  // No larger font on the page: the text's own first line, not its first paragraph.
  const title = best.size > bodySize(lines) + 0.25 ? joinLines(best.lines) : best.lines[0].text;
  return title.replace(/(\p{L}{2,})[\d*†‡§]+$/u, "$1");
}

/** What {@linkcode pdfTitle} chooses from. */
export interface PdfTitleParts {
  /** The information dictionary's `Title`. */
  infoTitle?: unknown;
  /** XMP `dc:title`. */
  xmpTitle?: unknown;
  /** The lines of the first page, running headers already known. */
  firstPage: readonly PdfLine[];
  /** Running header and footer keys (see {@linkcode runningKey}). */
  running?: ReadonlySet<string>;
}

/** Chooses a PDF's title; see the module notes. */
export function pdfTitle(parts: PdfTitleParts): string {
  return plausibleMetadataTitle(parts.infoTitle) || plausibleMetadataTitle(parts.xmpTitle) ||
    manPageName(parts.firstPage) || largestBlockTitle(parts.firstPage, parts.running);
}
