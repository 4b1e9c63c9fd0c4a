/**
 * What the LLM compiler shows the model of one document. A short document is
 * sent whole. A long one is never sent whole: the model gets a digest that
 * fits a character budget, made of the section tree (titles, pages, section
 * summaries) and the opening passage of each main section.
 *
 * Choices made where the spec was silent:
 *
 * - "Main sections" are the first level of the tree with more than one
 *   node: a markdown file whose only `#` heading is its title has its `##`
 *   headings as main sections.
 * - A section's passage is found by its title: the first heading line after
 *   the previous section's with the same letters and digits (case and
 *   punctuation ignored), else the first plain short line that matches. A
 *   section that cannot be found gets no passage.
 * - The outline gets at most 40% of the budget, dropping its deepest levels
 *   first. The text before the first main section counts as a passage.
 * - With no section found at all, evenly spaced excerpts are sent instead.
 * - Passages are cut at a paragraph, sentence or word boundary and marked `…`.
 * - The work is linear in the document's length: one pass over its lines.
 *
 * @module
 */

import type { ConvertedDocument, Section } from "../../core/types.ts";
import { cutText } from "./cut_text.ts";

/** Options of {@linkcode llmDocumentDigest}. */
export interface LlmDocumentDigestOptions {
  /** Longest markdown sent whole; also the digest's budget, in characters. @default 24000 */
  maxChars?: number;
  /** Longest opening passage of one section. @default 1500 */
  passageChars?: number;
}

/** The text to show the model, and whether it is a digest rather than the full text. */
export interface LlmDocumentDigest {
  text: string;
  digested: boolean;
}

const MIN_PASSAGE = 300;
const MAX_EXCERPTS = 12;
const SUMMARY_CHARS = 200;
const LINE_CHARS = 200;

/** Letters and digits only, lowercase, single spaces: the key titles are matched on. */
function titleKey(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

function pageRange(section: Section): string {
  const { startPage: start, endPage: end } = section;
  if (start === undefined) return "";
  return end === undefined || end === start ? ` (p. ${start})` : ` (pp. ${start}–${end})`;
}

/** Flattens the tree into outline lines with their nesting depth (1 = root). */
function outlineLines(sections: Section[]): { depth: number; line: string }[] {
  const out: { depth: number; line: string }[] = [];
  const walk = (nodes: Section[], depth: number) => {
    for (const node of nodes) {
      const summary = node.summary?.trim()
        ? `: ${cutText(node.summary.replace(/\s+/g, " "), SUMMARY_CHARS)}`
        : "";
      out.push({
        depth,
        line: `${"  ".repeat(depth - 1)}- ${node.title}${pageRange(node)}${summary}`,
      });
      walk(node.children, depth + 1);
    }
  };
  walk(sections, 1);
  return out;
}

/** Renders the outline within `budget`, dropping the deepest levels first. */
function renderOutline(sections: Section[], budget: number): string {
  const lines = outlineLines(sections);
  const sizeByDepth: number[] = [];
  for (const { depth, line } of lines) {
    sizeByDepth[depth] = (sizeByDepth[depth] ?? 0) + line.length + 1;
  }
  let depth = sizeByDepth.length - 1;
  let total = sizeByDepth.reduce((a, b) => a + (b ?? 0), 0);
  while (depth > 1 && total > budget) total -= sizeByDepth[depth--];
  const kept = lines.filter((l) => l.depth <= depth);
  if (total <= budget) return kept.map((l) => l.line).join("\n");
  const out: string[] = [];
  let used = 0;
  for (const [i, { line }] of kept.entries()) {
    if (used + line.length + 1 > budget - 40) {
      out.push(`- … and ${kept.length - i} more sections`);
      break;
    }
    out.push(line);
    used += line.length + 1;
  }
  return out.join("\n");
}

/** The first level of the tree with more than one node. */
function mainSections(sections: Section[]): Section[] {
  let level = sections;
  while (level.length === 1 && level[0].children.length > 0) level = level[0].children;
  return level;
}

/** Where a section's title line starts and its body starts. */
interface Located {
  titleStart: number;
  bodyStart: number;
}

/**
 * Finds each section's title line, in order; `undefined` when not found.
 * One pass over the lines.
 */
function locateSections(markdown: string, sections: Section[]): (Located | undefined)[] {
  const wanted = new Set(sections.map((s) => titleKey(s.title)).filter((k) => k !== ""));
  // Only lines of a plausible length are normalised: most lines of a long text are skipped.
  let shortest = Infinity;
  let longest = 0;
  for (const key of wanted) {
    shortest = Math.min(shortest, key.length);
    longest = Math.min(LINE_CHARS, Math.max(longest, key.length * 2 + 12));
  }
  const headings = new Map<string, Located[]>();
  const plain = new Map<string, Located[]>();
  let start = 0;
  while (start < markdown.length) {
    let end = markdown.indexOf("\n", start);
    if (end === -1) end = markdown.length;
    if (end - start >= shortest && end - start <= longest) {
      const line = markdown.slice(start, end);
      const key = titleKey(line);
      if (wanted.has(key)) {
        const map = /^\s{0,3}#/.test(line) ? headings : plain;
        const list = map.get(key) ?? [];
        list.push({ titleStart: start, bodyStart: end });
        map.set(key, list);
      }
    }
    start = end + 1;
  }
  let cursor = -1;
  return sections.map((section) => {
    const key = titleKey(section.title);
    const found = (headings.get(key) ?? []).find((p) => p.titleStart > cursor) ??
      (plain.get(key) ?? []).find((p) => p.titleStart > cursor);
    if (found !== undefined) cursor = found.titleStart;
    return found;
  });
}

/** Moves `at` forward to the next paragraph, else sentence, else word start nearby. */
function snapStart(text: string, at: number): number {
  const window = text.slice(at, at + 1000);
  const paragraph = window.indexOf("\n\n");
  if (paragraph !== -1) return at + paragraph + 2;
  const sentence = window.search(/[.!?]\s+\S/);
  if (sentence !== -1 && sentence < 500) {
    return at + sentence + window.slice(sentence + 1).search(/\S/) + 1;
  }
  const space = window.search(/\s\S/);
  return space === -1 ? at : at + space + 1;
}

/** Picks `count` items spread evenly over `items`, keeping their order. */
function spread<T>(items: T[], count: number): T[] {
  if (count >= items.length) return items;
  if (count <= 0) return [];
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]);
}

function passagesBlock(
  markdown: string,
  sections: Section[],
  budget: number,
  passageChars: number,
): string {
  const main = mainSections(sections);
  const located = locateSections(markdown, main);
  const found = main.flatMap((section, i) => {
    const at = located[i];
    return at === undefined ? [] : [{ section, ...at }];
  });
  const slots = Math.max(1, Math.floor(budget / MIN_PASSAGE));
  const parts: { label: string; start: number; end: number }[] = [];
  if (found.length === 0) {
    const count = Math.min(MAX_EXCERPTS, slots);
    for (let i = 0; i < count; i++) {
      const at = Math.floor((i * markdown.length) / count);
      const start = i === 0 ? 0 : snapStart(markdown, at);
      const percent = Math.round((start / markdown.length) * 100);
      const label = i === 0 ? "Beginning" : `Excerpt at about ${percent}%`;
      parts.push({ label, start, end: markdown.length });
    }
  } else {
    const before = markdown.slice(0, found[0].titleStart);
    if (before.replace(/^\s{0,3}#.*$/gm, "").trim().length >= 40) {
      parts.push({ label: "Beginning", start: 0, end: found[0].titleStart });
    }
    const chosen = spread(found, slots - parts.length);
    for (const [i, f] of chosen.entries()) {
      const title = cutText(f.section.title, 120) + pageRange(f.section);
      const end = chosen[i + 1]?.titleStart ?? markdown.length;
      parts.push({ label: `Section: ${title}`, start: f.bodyStart, end });
    }
  }
  const share = Math.min(passageChars, Math.floor(budget / parts.length));
  return parts
    .map((p) => {
      const label = `[${p.label}]\n`;
      const room = Math.max(0, share - label.length - 2);
      return label + cutText(markdown.slice(p.start, Math.min(p.end, p.start + room * 2)), room);
    })
    .join("\n\n");
}

/** Returns the document text to show the model: whole when short, else a digest within budget. */
export function llmDocumentDigest(
  doc: ConvertedDocument,
  options: LlmDocumentDigestOptions = {},
): LlmDocumentDigest {
  const maxChars = options.maxChars ?? 24_000;
  const passageChars = options.passageChars ?? 1500;
  const markdown = doc.markdown;
  if (markdown.length <= maxChars) return { text: markdown, digested: false };

  const pages = doc.pageCount ? `, ${doc.pageCount} pages` : "";
  const intro = `This is a digest of a long document (${markdown.length} characters${pages}), ` +
    "not its full text: its outline, then the opening passage of each main section.";
  const outline = doc.sections.length > 0
    ? renderOutline(doc.sections, Math.floor(maxChars * 0.4))
    : "";
  const outlineBlock = outline ? `\n\nOutline:\n${outline}` : "";
  const heading = "\n\nOpening passages:\n\n";
  const budget = maxChars - intro.length - outlineBlock.length - heading.length;
  const passages = passagesBlock(markdown, doc.sections, budget, passageChars);
  return { text: intro + outlineBlock + heading + passages, digested: true };
}
