/**
 * One PDF page's lines as markdown blocks: headings, paragraphs and table
 * rows.
 *
 * - A paragraph is a run of lines; its hard-wrapped lines are joined with a
 *   space into one markdown line. A vertical gap of more than 1.8 line
 *   heights, or a jump upwards (a new column, a figure), starts a new
 *   paragraph, unless the text plainly goes on (the previous line does not
 *   end a sentence and the next starts in lowercase).
 * - Short fragments (three words or fewer, such as a figure's labels) stay
 *   together in one paragraph however far apart they are, so a figure does
 *   not come out one word per line.
 * - A line whose cells are separated by wide gaps (a table row) keeps its
 *   own line, with a markdown hard break.
 * - A line-final hyphen is undone only where it breaks a word: when the
 *   joined word occurs elsewhere in the document, or (when neither form
 *   occurs) when the word goes on in lowercase and is not itself a compound
 *   ("English-to-German" keeps its hyphens: its "to-German" carries one).
 *   When the hyphenated form occurs elsewhere, the hyphen stays.
 *
 * @module
 */

import type { FontSizeHeading } from "./font_size_headings.ts";
import type { PdfLine } from "./pdf_lines.ts";
import { escapeMarkdownLine } from "./text_helpers.ts";

/** The lowercase words of a document, to tell a broken word from a compound. */
export function documentWords(pages: readonly PdfLine[][]): Set<string> {
  const words = new Set<string>();
  for (const lines of pages) {
    for (const line of lines) {
      for (const word of line.text.toLowerCase().match(/\p{L}+(?:-\p{L}+)*/gu) ?? []) {
        words.add(word);
      }
    }
  }
  return words;
}

/** How much of a paragraph's end is searched for its last word (a longer word is searched whole). */
const TAIL = 64;

/**
 * The word that a line-final hyphen ends ("numb-" → "numb"), or null. Only
 * the end of `text` is searched: a paragraph grows line by line, and
 * searching it whole at each line cost time quadratic in its length.
 */
function hyphenatedWord(text: string): string | null {
  if (!text.endsWith("-")) return null;
  const tail = text.length > TAIL ? text.slice(-TAIL) : text;
  const found = /(\p{L}+)-$/u.exec(tail);
  // A word that may go on before the tail (or a letter cut in half at its start): search it all.
  if (found && found.index <= 1 && tail !== text) return /(\p{L}+)-$/u.exec(text)![1];
  return found?.[1] ?? null;
}

/** Joins the next line of a paragraph onto the text so far; see the module notes. */
export function joinLine(text: string, next: string, words: ReadonlySet<string>): string {
  if (text === "") return next;
  const head = hyphenatedWord(text);
  if (head === null) return `${text} ${next}`;
  const tail = /^(\p{L}+)(-?)/u.exec(next);
  if (!tail) return /^\p{N}/u.test(next) ? text + next : `${text} ${next}`;
  const joined = (head + tail[1]).toLowerCase();
  const compound = `${head}-${tail[1]}`.toLowerCase();
  const keep = text + next;
  const drop = text.slice(0, -1) + next;
  if (words.has(joined)) return drop;
  if (words.has(compound)) return keep;
  if (!/^\p{Ll}/u.test(tail[1]) || tail[2] === "-") return keep;
  return drop;
}

function wordCount(text: string): number {
  return text.split(" ").length;
}

function escapeHeading(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, "\\$&").replace(/(^|\s)(#+)$/, "$1\\$2");
}

/** Renders one page; `marks` are its headings (indexes into `lines`). */
export function renderPdfPage(
  lines: readonly PdfLine[],
  marks: readonly FontSizeHeading[],
  words: ReadonlySet<string>,
): string {
  const byFirst = new Map(marks.map((m) => [m.first, m]));
  const blocks: string[] = [];
  let paragraph = "";
  let rows: string[] = [];
  let fragments = false;
  const flush = () => {
    if (paragraph !== "") blocks.push(escapeMarkdownLine(paragraph));
    if (rows.length > 0) blocks.push(rows.map(escapeMarkdownLine).join("  \n"));
    paragraph = "";
    rows = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const mark = byFirst.get(i);
    if (mark) {
      flush();
      const text = lines.slice(mark.first, mark.last + 1).map((l) => l.text).join(" ");
      blocks.push(`${"#".repeat(Math.min(mark.level, 6))} ${escapeHeading(text)}`);
      i = mark.last;
      continue;
    }
    const line = lines[i];
    if (line.cells) {
      if (paragraph !== "") flush();
      rows.push(line.text);
      continue;
    }
    if (rows.length > 0) flush();
    const previous = lines[i - 1];
    const short = wordCount(line.text) <= 3;
    if (previous && paragraph !== "") {
      const gap = previous.y - line.y;
      const size = Math.max(line.size, previous.size);
      const goesOn = !/[.!?:;]["'’”)]?$/.test(paragraph.slice(-2)) && /^\p{Ll}/u.test(line.text);
      const apart = gap > 1.8 * size || gap < -size;
      if (apart && !goesOn && !(short && fragments)) flush();
    }
    fragments = paragraph === "" ? short : fragments && short;
    paragraph = joinLine(paragraph, line.text, words);
  }
  flush();
  return blocks.join("\n\n");
}
