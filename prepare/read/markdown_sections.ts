/**
 * Headings of a markdown text as a section tree, with a CommonMark parser
 * (markdown-it), so that `#` lines inside code blocks are not headings and
 * setext headings are.
 *
 * @module
 */

// @ts-types="npm:@types/markdown-it@14.2.0"
import MarkdownIt from "markdown-it";
import type { Section } from "../../core/types.ts";

let parser: MarkdownIt | undefined;

/** A heading found in markdown: level and plain text. */
export interface MarkdownHeading {
  level: number;
  title: string;
}

interface InlineToken {
  type: string;
  content: string;
  children: InlineToken[] | null;
}

function plainText(tokens: InlineToken[]): string {
  let text = "";
  for (const token of tokens) {
    if (token.type === "text" || token.type === "code_inline") text += token.content;
    else if (token.type === "softbreak" || token.type === "hardbreak") text += " ";
    else if (token.type === "image") text += plainText(token.children ?? []);
  }
  return text.replace(/\s+/g, " ").trim();
}

/** Lists the headings of a markdown text in document order. */
export function markdownHeadings(markdown: string): MarkdownHeading[] {
  parser ??= new MarkdownIt("commonmark");
  const tokens = parser.parse(markdown, {});
  const headings: MarkdownHeading[] = [];
  for (let i = 0; i < tokens.length - 1; i++) {
    if (tokens[i].type !== "heading_open") continue;
    const title = plainText((tokens[i + 1].children ?? []) as InlineToken[]);
    if (title !== "") headings.push({ level: Number(tokens[i].tag.slice(1)), title });
  }
  return headings;
}

/**
 * Builds a tree from headings: each heading owns the deeper ones after it.
 * A section's `level` is its depth in the tree (1 = top), not the `#` count.
 */
export function sectionTree(headings: MarkdownHeading[]): Section[] {
  const roots: Section[] = [];
  const stack: { heading: number; section: Section }[] = [];
  for (const heading of headings) {
    while (stack.length > 0 && stack[stack.length - 1].heading >= heading.level) stack.pop();
    const section: Section = { title: heading.title, level: stack.length + 1, children: [] };
    if (stack.length === 0) roots.push(section);
    else stack[stack.length - 1].section.children.push(section);
    stack.push({ heading: heading.level, section });
  }
  return roots;
}
