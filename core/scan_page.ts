/**
 * Reads the wikilinks and headings of one markdown page in a single pass
 * over its lines, without a full markdown parser (lint reads every page of
 * a knowledge base, so this must be cheap and linear).
 *
 * What counts (choices made where the spec was silent):
 *
 * - Links are `[[target]]`, `[[target|label]]`, `[[target#heading|label]]`
 *   and embeds `![[target]]`. `[[target\|label]]` (the escaped pipe used
 *   inside tables) is the same link. A link preceded by `\` and an empty
 *   `[[]]` are not links. In `[[a#b#c]]` the anchor is the last part (`c`).
 * - Text in fenced code blocks (``` or ~~~, at any indentation, so fences
 *   inside list items count), in indented code blocks (four spaces or a tab
 *   after a blank line, outside lists) and in inline code spans is not
 *   scanned. A code span is closed on its own line; a span across lines is
 *   not recognised.
 * - YAML front matter (a first line `---` up to the next `---` or `...`)
 *   is metadata: neither links nor headings are read from it.
 * - Headings are ATX (`# Title`, also after `>` or a list marker) and setext
 *   (a paragraph underlined with `===` or `---`). Where a line could be
 *   either a heading or something else, it is taken as a heading: lint
 *   would rather miss a broken anchor than report a good one.
 *
 * @module
 */

import { decodeEntities } from "./markdown.ts";

/** One wikilink found on a page. */
export interface WikiLink {
  /** The link as written, e.g. `[[sources/x#Intro|Intro]]`. */
  raw: string;
  /** The target path as written (trimmed); "" for a link into the same page. */
  target: string;
  /** The heading (or `^block`) after `#`, trimmed; null when there is none. */
  anchor: string | null;
  /** The label after `|`, or null. */
  label: string | null;
  /** 1-based line number. */
  line: number;
}

/** What a page links to and which headings it has. */
export interface ScannedPage {
  links: WikiLink[];
  /** The text of every heading, as written (inline markdown included). */
  headings: string[];
}

const FENCE = /^\s*(`{3,}|~{3,})(.*)$/;
const LIST_ITEM = /^\s*(?:[-*+]|\d{1,9}[.)])(?:\s|$)/;
const QUOTE_PREFIX = /^\s{0,3}(?:>\s?)+/;
const ATX = /^\s*(?:(?:[-*+]|\d{1,9}[.)])\s+)?(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT = /^\s{0,3}(?:=+|-+)[ \t]*$/;
const WIKILINK = /(\\?)(!?)\[\[([^[\]\n]*)\]\]/g;
const CODE_SPAN = /(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g;

/** Splits the inside of `[[…]]` into target, anchor and label; null when it is empty. */
export function parseWikilink(inner: string): Omit<WikiLink, "raw" | "line"> | null {
  const bar = inner.indexOf("|");
  let left = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? null : inner.slice(bar + 1).trim();
  if (left.endsWith("\\")) left = left.slice(0, -1);
  const parts = left.split("#");
  const target = parts[0].trim();
  const anchors = parts.slice(1).map((part) => part.trim()).filter((part) => part !== "");
  const anchor = anchors.length > 0 ? anchors[anchors.length - 1] : null;
  if (target === "" && anchor === null) return null;
  return { target, anchor, label };
}

function linksOf(line: string, number: number, out: WikiLink[]): void {
  if (!line.includes("[[")) return;
  const text = line.includes("`") ? line.replace(CODE_SPAN, " ") : line;
  for (const match of text.matchAll(WIKILINK)) {
    if (match[1] === "\\") continue;
    const parsed = parseWikilink(match[3]);
    if (parsed !== null) out.push({ raw: match[0], ...parsed, line: number });
  }
}

/** Returns the index of the first line after the front matter (0 when there is none). */
function bodyStart(lines: string[]): number {
  if (lines[0]?.trimEnd() !== "---") return 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trimEnd();
    if (line === "---" || line === "...") return i + 1;
  }
  return 0;
}

/** Reads the wikilinks and headings of a markdown page. */
export function scanPage(markdown: string): ScannedPage {
  const lines = markdown.split(/\r?\n|\r/);
  const links: WikiLink[] = [];
  const headings: string[] = [];
  let fence: { char: string; length: number } | null = null;
  let indentedCode = false;
  let blank = true;
  let inList = false;
  let paragraph: string[] = [];
  for (let i = bodyStart(lines); i < lines.length; i++) {
    const raw = lines[i];
    if (fence !== null) {
      const close = FENCE.exec(raw);
      if (
        close && close[1][0] === fence.char && close[1].length >= fence.length && !close[2].trim()
      ) {
        fence = null;
        blank = true;
      }
      continue;
    }
    const isBlank = raw.trim() === "";
    if (indentedCode) {
      if (isBlank || /^(?: {4}|\t)/.test(raw)) continue;
      indentedCode = false;
    }
    if (isBlank) {
      blank = true;
      paragraph = [];
      continue;
    }
    if (blank && !inList && /^(?: {4}|\t)/.test(raw)) {
      indentedCode = true;
      paragraph = [];
      continue;
    }
    const line = raw.replace(QUOTE_PREFIX, "");
    const open = FENCE.exec(line);
    if (open && !(open[1][0] === "`" && open[2].includes("`"))) {
      fence = { char: open[1][0], length: open[1].length };
      paragraph = [];
      continue;
    }
    const wasBlank = blank;
    blank = false;
    if (LIST_ITEM.test(line)) inList = true;
    else if (!/^\s/.test(line) && wasBlank) inList = false;

    const atx = ATX.exec(line);
    if (atx) {
      headings.push((atx[2] ?? "").trim());
      linksOf(line, i + 1, links);
      paragraph = [];
      continue;
    }
    if (SETEXT.test(line) && paragraph.length > 0) {
      headings.push(paragraph.join(" ").trim());
      paragraph = [];
      continue;
    }
    linksOf(line, i + 1, links);
    if (LIST_ITEM.test(line)) paragraph = [];
    else paragraph.push(line.trim());
  }
  return { links, headings };
}

/** The heading text without inline markdown: link text, image alt text, code (kept literal), no tags. */
export function headingText(heading: string): string {
  // Code spans are literal: `<int>` inside one is text, not a tag to drop.
  const spans: string[] = [];
  const masked = heading.replace(/(`+)([\s\S]*?)\1/g, (_, __, code: string) => {
    spans.push(code);
    return `\u0000${spans.length - 1}\u0000`;
  });
  const text = masked
    .replace(/!?\[\[(?:[^\]|]*\|)?([^\]]*)\]\]/g, "$1")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<(https?:[^>]*)>/g, "$1")
    .replace(/<\/?[A-Za-z][^<>]*>/g, "");
  // deno-lint-ignore no-control-regex
  return decodeEntities(text).replace(/\u0000(\d+)\u0000/g, (_, i: string) => spans[Number(i)]);
}

/**
 * The key a heading and a `#anchor` are compared by: letters and digits
 * only, case-folded (Obsidian itself drops characters such as `:` `#` `|`
 * `^` from heading links). A heading with no letter or digit keys on its
 * trimmed, lowercased text.
 */
export function headingKey(text: string): string {
  const folded = text.normalize("NFKC").toLowerCase();
  const key = folded.replace(/[^\p{L}\p{N}]+/gu, "");
  return key !== "" ? key : folded.replace(/\s+/g, " ").trim();
}
