/**
 * Markdown to plain prose, as blocks, for the offline compiler.
 *
 * A one-pass line scanner rather than a full CommonMark parse: it is linear,
 * allocation-light on multi-megabyte inputs, and only has to tell prose from
 * non-prose. What it keeps and drops:
 *
 * - dropped: front matter, fenced and indented code, `$$` math, HTML
 *   comments, `<script>`/`<style>` blocks, link reference definitions,
 *   thematic breaks, table delimiter rows, images, footnote markers;
 * - kept as text: headings (ATX and setext), paragraphs, list items (one
 *   block each), table rows (cells joined with "; " so no phrase spans two
 *   cells), block quotes (their `>` marks removed);
 * - inline: link and wikilink text without the target, inline code without
 *   backticks, emphasis marks, HTML tags and backslash escapes removed,
 *   common entities decoded. Bare URLs and autolinks stay in the text, as
 *   they show when rendered.
 *
 * @module
 */

import { decodeEntities } from "../../core/markdown.ts";

/** What a block of plain text was in the markdown. */
export type PlainBlockKind = "heading" | "paragraph" | "list-item" | "table-row";

/** One block of plain text. */
export interface PlainBlock {
  /** What the block was in the markdown. */
  kind: PlainBlockKind;
  /** The text on one line, whitespace collapsed. */
  text: string;
  /** Heading level (1–6); 0 for other blocks. */
  level: number;
}

const FRONT_MATTER = /^---[ \t]*\n[\s\S]*?\n(?:---|\.\.\.)[ \t]*(?:\n|$)/;
const HTML_COMMENT = /<!--[\s\S]*?-->/g;
const QUOTE_MARKS = /^ {0,3}(?:> ?)+/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const LIST_ITEM = /^([ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$/;
const TASK_BOX = /^\[[ xX]\][ \t]+/;
const LINK_DEFINITION = /^ {0,3}\[[^\]]+\]:[ \t]*\S/;
const TABLE_DELIMITER = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const RAW_BLOCK_OPEN = /^[ \t]*<(script|style)\b/i;
const INDENTED = /^(?: {4}|\t)/;
const MATH_FENCE = /^ {0,3}\$\$/;

const CODE_SPAN = /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g;
// Bracketed spans are bounded (link text 300 characters, a destination
// 2,000): unbounded, each of many unclosed `[` scanned to the end of the
// paragraph, and a 600 KB paragraph of them took minutes (quadratic).
const IMAGE = /!\[[^\]]{0,300}\](?:\([^)]{0,2000}\)|\[[^\]]{0,300}\])?/g;
const WIKILINK = /\[\[([^\]|]{1,300})(?:\|([^\]]{1,300}))?\]\]/g;
const FOOTNOTE_REF = /\[\^[^\]]{1,300}\]/g;
const INLINE_LINK = /\[([^\]]{0,300})\]\((?:[^()]|\([^)]{0,2000}\)){0,2000}\)/g;
const REFERENCE_LINK = /\[([^\]]{1,300})\]\[[^\]]{0,300}\]/g;
const AUTOLINK = /<((?:[a-z][a-z0-9+.-]{1,31}:[^<>\s]*|[^<>\s@]+@[^<>\s]+))>/gi;
const HTML_TAG = /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>/gi;
const EMPHASIS_STAR = /\*+(?=\S)|(?<=\S)\*+/g;
const EMPHASIS_UNDERSCORE = /(^|[^\p{L}\p{N}_])_+(?=\S)|(?<=\S)_+(?=[^\p{L}\p{N}_]|$)/gu;
const STRIKE = /~~/g;
const ESCAPE = /\\([!-/:-@[-`{-~])/g;
/** Escaped characters are parked in the private-use area while marks are removed. */
const PARKED = /[\ue000-\ue07f]/g;

function plainSegment(text: string): string {
  return text
    .replace(ESCAPE, (_, char: string) => String.fromCharCode(0xe000 + char.charCodeAt(0)))
    .replace(IMAGE, "")
    .replace(WIKILINK, (_, target: string, alias?: string) => alias ?? target)
    .replace(FOOTNOTE_REF, "")
    .replace(INLINE_LINK, "$1")
    .replace(REFERENCE_LINK, "$1")
    .replace(AUTOLINK, "$1")
    .replace(HTML_TAG, " ")
    .replace(EMPHASIS_STAR, "")
    .replace(EMPHASIS_UNDERSCORE, "$1")
    .replace(STRIKE, "")
    .replace(/&[#a-z0-9]+;/gi, (entity) => decodeEntities(entity))
    .replace(PARKED, (char) => String.fromCharCode(char.charCodeAt(0) - 0xe000));
}

/** Turns one line (or joined lines) of inline markdown into plain text. */
export function inlinePlainText(markdown: string): string {
  let out = "";
  let last = 0;
  CODE_SPAN.lastIndex = 0;
  for (let m = CODE_SPAN.exec(markdown); m !== null; m = CODE_SPAN.exec(markdown)) {
    out += plainSegment(markdown.slice(last, m.index)) + m[2].trim();
    last = m.index + m[0].length;
  }
  out += plainSegment(markdown.slice(last));
  return out.replace(/\s+/g, " ").replace(/ (?=[.,;:!?](?:\s|$))/g, "").trim();
}

function tableCells(line: string): string {
  const cells = line.trim().replace(/^\|/, "").replace(/(?<!\\)\|$/, "").split(/(?<!\\)\|/);
  return cells.map((cell) => inlinePlainText(cell)).filter((cell) => cell !== "").join("; ");
}

/** Scanner state: the block being gathered and what the previous line was. */
class BlockScanner {
  readonly blocks: PlainBlock[] = [];
  #kind: PlainBlockKind = "paragraph";
  #lines: string[] = [];
  inList = false;

  get open(): boolean {
    return this.#lines.length > 0;
  }

  get openKind(): PlainBlockKind {
    return this.#kind;
  }

  start(kind: PlainBlockKind, line: string): void {
    this.flush();
    this.#kind = kind;
    this.#lines.push(line);
  }

  append(line: string): void {
    if (this.#lines.length === 0) this.#kind = "paragraph";
    this.#lines.push(line);
  }

  emit(kind: PlainBlockKind, markdown: string, level: number): void {
    this.flush();
    this.#push(kind, inlinePlainText(markdown), level);
  }

  /** Turns the open paragraph into a setext heading. */
  promote(level: number): void {
    const text = inlinePlainText(this.#lines.join(" "));
    this.#lines = [];
    this.#push("heading", text, level);
  }

  flush(): void {
    if (this.#lines.length === 0) return;
    const text = inlinePlainText(this.#lines.join(" "));
    this.#lines = [];
    this.#push(this.#kind, text, 0);
  }

  #push(kind: PlainBlockKind, text: string, level: number): void {
    if (/[\p{L}\p{N}]/u.test(text)) this.blocks.push({ kind, text, level });
  }
}

/** Skips lines from `start` until one matches `end`; returns the index after it. */
function skipUntil(lines: string[], start: number, end: (line: string) => boolean): number {
  let i = start;
  while (i < lines.length && !end(lines[i])) i++;
  return Math.min(i + 1, lines.length);
}

/** Splits markdown into plain-text blocks in document order. */
export function plainBlocks(markdown: string): PlainBlock[] {
  const text = markdown.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n")
    .replace(FRONT_MATTER, "").replace(HTML_COMMENT, "");
  const lines = text.split("\n");
  const scan = new BlockScanner();
  let blank = true;
  let i = 0;
  while (i < lines.length) {
    const raw = lines[i];
    const line = raw.replace(QUOTE_MARKS, "");
    i++;
    if (line.trim() === "") {
      scan.flush();
      blank = true;
      continue;
    }
    const wasBlank = blank;
    blank = false;

    const fence = FENCE_OPEN.exec(line);
    if (fence && !(fence[1][0] === "`" && fence[2].includes("`"))) {
      scan.flush();
      const mark = fence[1];
      const close = new RegExp(`^ {0,3}${mark[0] === "`" ? "`" : "~"}{${mark.length},}[ \\t]*$`);
      i = skipUntil(lines, i, (l) => close.test(l.replace(QUOTE_MARKS, "")));
      blank = true;
      continue;
    }
    if (MATH_FENCE.test(line)) {
      scan.flush();
      if (!/\$\$[ \t]*$/.test(line.trim().slice(2))) i = skipUntil(lines, i, (l) => /\$\$/.test(l));
      blank = true;
      continue;
    }
    const rawBlock = RAW_BLOCK_OPEN.exec(line);
    if (rawBlock) {
      scan.flush();
      const close = new RegExp(`</${rawBlock[1]}>`, "i");
      if (!close.test(line)) i = skipUntil(lines, i, (l) => close.test(l));
      blank = true;
      continue;
    }
    if (INDENTED.test(line) && !scan.inList && (wasBlank || !scan.open)) {
      scan.flush();
      while (i < lines.length && (INDENTED.test(lines[i]) || lines[i].trim() === "")) i++;
      blank = true;
      continue;
    }
    if (scan.open && scan.openKind === "paragraph" && SETEXT_UNDERLINE.test(line)) {
      scan.promote(line.trim()[0] === "=" ? 1 : 2);
      blank = true;
      continue;
    }
    if (THEMATIC_BREAK.test(line)) {
      scan.flush();
      scan.inList = false;
      blank = true;
      continue;
    }
    const heading = ATX_HEADING.exec(line);
    if (heading) {
      scan.emit("heading", heading[2] ?? "", heading[1].length);
      scan.inList = false;
      blank = true;
      continue;
    }
    if (LINK_DEFINITION.test(line) && !scan.open) continue;
    if (line.includes("|") && i < lines.length && isTableDelimiter(lines[i])) {
      scan.flush();
      scan.blocks.push(...rowBlock(line));
      i++;
      while (i < lines.length && lines[i].includes("|") && lines[i].trim() !== "") {
        scan.blocks.push(...rowBlock(lines[i]));
        i++;
      }
      scan.inList = false;
      blank = true;
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item && (item[2] ?? "").trim() !== "") {
      scan.start("list-item", item[2].replace(TASK_BOX, ""));
      scan.inList = true;
      continue;
    }
    if (scan.inList && wasBlank && !/^[ \t]/.test(line)) scan.inList = false;
    if (wasBlank) scan.start("paragraph", line.trim());
    else scan.append(line.trim());
  }
  scan.flush();
  return scan.blocks;
}

function isTableDelimiter(line: string): boolean {
  return line.includes("|") && TABLE_DELIMITER.test(line);
}

function rowBlock(line: string): PlainBlock[] {
  const text = tableCells(line);
  return /[\p{L}\p{N}]/u.test(text) ? [{ kind: "table-row", text, level: 0 }] : [];
}

/** Returns the prose of a markdown text: one block per paragraph, separated by blank lines. */
export function plainText(markdown: string): string {
  return plainBlocks(markdown).map((block) => block.text).join("\n\n");
}
