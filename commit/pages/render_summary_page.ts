/**
 * `wiki/summaries/<name>.md`: one page per document. Front matter (see
 * {@linkcode renderSummaryPage}), the one-line description,
 * the summary, the outline (section tree; headings link into the source page,
 * paged sections show their page range), the document's concepts, facts and
 * warnings, and links to the full text and the original.
 *
 * Only concepts the document names prominently are links: such a concept
 * always has a page while this document exists (when `prominentMakesPage` is
 * on), so the link can never break. Other concepts are listed as text; their
 * pages, when they have them, link back here.
 *
 * @module
 */

import { documentPages } from "../../core/layout.ts";
import {
  inlineText,
  isLinkableHeading,
  neutralizeHtml,
  renderFrontMatter,
  wikilink,
} from "../../core/markdown.ts";
import type {
  CompiledDocument,
  ConvertedDocument,
  DocumentOrigin,
  Section,
} from "../../core/types.ts";

/** Most outline entries shown (long documents keep their top levels). */
export const OUTLINE_LIMIT = 200;

/** What the summary page shows. */
export interface SummaryPageInput {
  name: string;
  source: string;
  origin: DocumentOrigin;
  hash: string;
  bytes: number;
  addedAt: string;
  updatedAt: string;
  ext: string;
  document: Omit<ConvertedDocument, "markdown">;
  compiled: CompiledDocument;
  /** Whether prominent concepts are guaranteed a page (config `concepts.prominentMakesPage`). */
  linkProminent: boolean;
}

function pageRange(section: Section): string {
  if (section.startPage === undefined) return "";
  const end = section.endPage ?? section.startPage;
  return end === section.startPage ? ` (page ${end})` : ` (pages ${section.startPage}–${end})`;
}

function outlineLines(name: string, sections: Section[]): string[] {
  const lines: string[] = [];
  const visit = (list: Section[], depth: number) => {
    for (const section of list) {
      if (lines.length >= OUTLINE_LIMIT) return;
      // A paged section links only when its heading was found in the text.
      const heading = section.anchor ?? (section.startPage === undefined ? section.title : "");
      const title = isLinkableHeading(heading)
        ? wikilink(`sources/${name}#${heading}`, section.title)
        : inlineText(section.title);
      const summary = section.summary ? `: ${inlineText(section.summary)}` : "";
      lines.push(`${"  ".repeat(depth)}- ${title}${pageRange(section)}${summary}`);
      if (depth < 3) visit(section.children, depth + 1);
    }
  };
  visit(sections, 0);
  return lines;
}

function countSections(sections: Section[]): number {
  return sections.reduce((n, s) => n + 1 + countSections(s.children), 0);
}

/**
 * Renders a document's summary page. Its front matter holds everything the
 * registry keeps about the document except the section tree, so that
 * `quire repair` can rebuild the registry from the pages: `title`, `name`,
 * `type`, `origin`, `source`, `original` (the raw file), `hash`, `bytes`,
 * `added`, `updated`, `compiler`, `pages` (paged documents), `description`,
 * `concepts` (slugs, most relevant first) and `concept_notes` (per concept:
 * `slug`, `label`, `score`, `prominent`, `note`). Every string is written by
 * `yamlString`, so the block is valid YAML whatever a title holds.
 */
export function renderSummaryPage(input: SummaryPageInput): string {
  const { name, document, compiled } = input;
  const pages = documentPages(name, input.ext);
  const linked = input.linkProminent ? compiled.concepts.filter((c) => c.prominent) : [];
  const plain = compiled.concepts.filter((c) => !linked.includes(c));
  const front = renderFrontMatter({
    title: document.title,
    name,
    type: document.type,
    origin: input.origin,
    source: input.source,
    original: pages.raw,
    hash: input.hash,
    bytes: input.bytes,
    added: input.addedAt,
    updated: input.updatedAt,
    compiler: compiled.compiler,
    ...(document.pageCount !== undefined ? { pages: document.pageCount } : {}),
    description: compiled.description,
    concepts: compiled.concepts.map((c) => c.slug),
    concept_notes: compiled.concepts.map((c) => ({
      slug: c.slug,
      label: c.label,
      score: c.score,
      prominent: c.prominent,
      note: c.note,
    })),
  });
  const out = [front + `# ${inlineText(document.title || name)}`, ""];
  if (compiled.description) out.push(`> ${inlineText(compiled.description)}`, "");
  out.push(
    "## Summary",
    "",
    neutralizeHtml(compiled.summary.trim()) || "_No summary: the document has no prose._",
    "",
  );

  const outline = outlineLines(name, document.sections);
  if (outline.length > 0) {
    out.push("## Outline", "", ...outline);
    const total = countSections(document.sections);
    if (total > outline.length) {
      out.push("", `_${total - outline.length} deeper sections not shown._`);
    }
    out.push("");
  }
  if (compiled.concepts.length > 0) {
    out.push("## Concepts", "");
    for (const c of linked) out.push(`- ${wikilink(`concepts/${c.slug}`, c.label)}`);
    if (plain.length > 0) {
      out.push(`- Also discusses: ${plain.map((c) => inlineText(c.label)).join(", ")}`);
    }
    out.push("");
  }
  const facts = Object.entries(document.facts);
  if (facts.length > 0 || document.warnings.length > 0) {
    out.push("## Notes", "");
    for (const [key, value] of facts) out.push(`- ${inlineText(key)}: ${inlineText(value)}`);
    for (const warning of document.warnings) out.push(`- Warning: ${inlineText(warning)}`);
    out.push("");
  }
  out.push(
    "## Files",
    "",
    `- Full text: ${wikilink(`sources/${name}`)}`,
    `- Original: [${pages.raw}](../../${pages.raw})`,
    "",
  );
  return out.join("\n");
}
