/**
 * Markdown (`.md`, `.markdown`): the text is already the source page. The
 * title comes from a front-matter `title:`, else the first heading, else the
 * first line of text. Inline links become data like an HTML page's
 * (document_links.ts): a folder of interlinked markdown stays interlinked.
 *
 * @module
 */

import type { ConvertedDocument } from "../../core/types.ts";
import { decodeText } from "./decode_text.ts";
import type { ReaderInput } from "./detect_type.ts";
import { documentBase, LinkTable, markdownWithPlaceholders } from "./document_links.ts";
import { markdownHeadings, sectionTree } from "./markdown_sections.ts";
import { firstLine, requireText } from "./text_helpers.ts";

const FRONT_MATTER = /^---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/;

/** Splits off a YAML front-matter block; returns its `title` and the body. */
export function splitFrontMatter(text: string): { title: string; body: string } {
  const match = FRONT_MATTER.exec(text);
  if (!match) return { title: "", body: text };
  const line = /^title:[ \t]*(.*)$/m.exec(match[1]);
  const title = (line?.[1] ?? "").trim().replace(/^(["'])(.*)\1$/, "$2").trim();
  return { title, body: text.slice(match[0].length) };
}

/** Converts a markdown input. */
export function readMarkdown(input: ReaderInput): ConvertedDocument {
  const { text: decoded, encoding } = decodeText(input.bytes, input.source);
  const text = decoded.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  requireText(text, input.source);
  const { title: fmTitle, body } = splitFrontMatter(text);
  const headings = markdownHeadings(body);
  const links = new LinkTable(documentBase(input));
  return {
    type: "markdown",
    ext: "md",
    title: fmTitle || headings[0]?.title || firstLine(body),
    markdown: markdownWithPlaceholders(text, links),
    links: links.links,
    sections: sectionTree(headings),
    warnings: encoding === "utf-8" ? [] : [`read as ${encoding}`],
    facts: {},
  };
}
