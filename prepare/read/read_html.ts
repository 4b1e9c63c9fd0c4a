/**
 * Web pages and HTML files: the main content (Readability over a linkedom
 * DOM) converted to markdown; navigation, ads, scripts and page chrome are
 * dropped.
 *
 * Choices made where the spec was silent:
 * - Encoding: a BOM, then the HTTP `charset`, then a `<meta charset>` in the
 *   first 4 KiB, then detection (see decode_text.ts).
 * - A `<base href>` naming the document's own location (its final URL, or
 *   its file's `file:` URL) is inserted (or an existing relative one made
 *   absolute) before parsing, so Readability makes every relative link and
 *   image absolute against the document, never against Quire's own module.
 *   Links then become data (html_links.ts, document_links.ts) that the
 *   coordinator resolves at commit; permalink decorations are dropped.
 * - Before Readability runs, `nav` elements are removed, and so are
 *   `header`, `footer` and `aside` elements outside `article` and `main`
 *   (Readability keeps navigation on small pages).
 * - When Readability finds no article (it returns nothing, or no text, or
 *   gives up on a page too large), the whole body without `nav`, `header`, `footer`, `aside`, forms and
 *   scripts is used, with a warning.
 * - Title: see `pickTitle` (the `<h1>` or the `<title>` without its site
 *   suffix; never cut at a colon). Readability drops the heading that repeats the title, so it is
 *   put back as the first line (`# Title`) when the markdown lacks it.
 * - The byline and site name, when found, go into `facts`.
 * - Depth and size guards (`html_guards.ts`): a page whose tags nest more
 *   than 10,000 levels is refused before it is parsed (`TOO_LARGE`); a page
 *   is converted up to its 200,000th element (then it ends with a cut
 *   note); elements nested deeper than 128 levels are reduced to their
 *   text, with a warning; and Readability is not run on pages of more than
 *   {@linkcode READABILITY_MAX_ELEMENTS} elements (its time grows faster
 *   than their number): those take the whole-page path below.
 *
 * @module
 */

import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import type { ConvertedDocument, Section } from "../../core/types.ts";
import { decodeText } from "./decode_text.ts";
import type { ReaderInput } from "./detect_type.ts";
import { documentBase, LinkTable } from "./document_links.ts";
import { dropPermalinks, htmlWithPlaceholders } from "./html_links.ts";
import { htmlToMarkdown } from "./html_to_markdown.ts";
import { markdownHeadings, sectionTree } from "./markdown_sections.ts";
import { firstLine, requireText } from "./text_helpers.ts";
import {
  type DeepElementLike,
  flattenDeepHtml,
  type FlattenResult,
  MAX_HTML_DEPTH,
  MAX_HTML_ELEMENTS,
  MAX_PARSE_DEPTH,
  scanHtmlTags,
} from "./html_guards.ts";
import { cutNote } from "./text_head.ts";
import { InputError } from "../../core/errors.ts";

/** Readability gives up on pages with more elements (they are converted whole). */
export const READABILITY_MAX_ELEMENTS = 20_000;

/** The DOM fields used here (typed locally: the project does not load the DOM lib). */
interface NodeLike {
  textContent: string | null;
}
interface ElementLike extends NodeLike {
  innerHTML: string;
  remove(): void;
  closest(selector: string): ElementLike | null;
  querySelectorAll(selector: string): Iterable<ElementLike>;
}
interface DocumentLike {
  body: ElementLike | null;
  documentElement: ElementLike | null;
  querySelector(selector: string): NodeLike | null;
  querySelectorAll(selector: string): Iterable<ElementLike>;
}

/** Parses HTML, flattening elements nested too deep (see `html_guards.ts`). */
function parseDocument(html: string): { document: DocumentLike } & FlattenResult {
  const document = (parseHTML(html) as unknown as { document: DocumentLike }).document;
  const root = document.documentElement as unknown as DeepElementLike | null;
  return { document, ...(root ? flattenDeepHtml(root) : { flattened: 0, elements: 0 }) };
}

/** Always page chrome, wherever it is. */
const NAVIGATION = "nav, [role=navigation]";
/** Page chrome unless inside the article or the main content. */
const PAGE_PARTS = "header, footer, aside, [role=banner], [role=contentinfo], [role=complementary]";

/** Removes navigation, and headers, footers and asides outside `article`/`main`. */
function removeChrome(document: DocumentLike): void {
  for (const element of [...document.querySelectorAll(NAVIGATION)]) element.remove();
  for (const element of [...document.querySelectorAll(PAGE_PARTS)]) {
    if (!element.closest("article, main, [role=main]")) element.remove();
  }
}

const CHROME = "nav, header, footer, aside, form, script, style, noscript, template, iframe, " +
  "svg, button, [role=navigation], [role=banner], [role=contentinfo], [aria-hidden=true]";

function declaredCharset(input: ReaderInput): string | undefined {
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)/i.exec(input.contentType ?? "")?.[1];
  if (fromHeader) return fromHeader;
  const head = new TextDecoder("latin1").decode(input.bytes.subarray(0, 4096));
  return /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head)?.[1];
}

/** Makes relative links resolvable: adds `<base href=url>` or makes an existing one absolute. */
export function withBaseUrl(html: string, url: string): string {
  const existing = /<base\s[^>]*?href\s*=\s*(["']?)([^"'\s>]+)\1[^>]*>/i.exec(html);
  let base = url;
  if (existing) {
    try {
      base = new URL(existing[2], url).href;
    } catch {
      base = url;
    }
  }
  const tag = `<base href="${base.replace(/"/g, "&quot;")}">`;
  if (existing) return html.replace(existing[0], tag);
  const head = /<head(?:\s[^>]*)?>/i.exec(html) ?? /<html(?:\s[^>]*)?>/i.exec(html);
  if (!head) return tag + html;
  const at = head.index + head[0].length;
  return html.slice(0, at) + tag + html.slice(at);
}

function text(node: NodeLike | null | undefined): string {
  return (node?.textContent ?? "").replace(/\s+/g, " ").trim();
}

function bodyWithoutChrome(document: DocumentLike): string {
  dropPermalinks(document as never);
  const body = document.body ?? document.documentElement;
  if (!body) return "";
  for (const element of [...body.querySelectorAll(CHROME)]) element.remove();
  return body.innerHTML;
}

const SITE_SEPARATOR = /\s+(?:\||–|—|-|·|::|»)\s+/;

/**
 * The page's title: the `<h1>` when the `<title>` holds it (the `<title>`
 * adds a site name), else the `<title>` without a trailing site suffix
 * (" | npm Docs"), else the `<h1>`, else Readability's guess. A title is
 * never cut at a colon.
 */
function pickTitle(readabilityTitle: string, documentTitle: string, h1: string): string {
  if (h1 && documentTitle.includes(h1)) return h1;
  if (documentTitle) {
    const parts = documentTitle.split(SITE_SEPARATOR);
    if (parts.length > 1) {
      const site = parts[parts.length - 1];
      const rest = documentTitle.slice(0, documentTitle.length - site.length)
        .replace(new RegExp(SITE_SEPARATOR.source + "$"), "");
      if (rest.length >= site.length || site.split(" ").length <= 3) return rest;
    }
    return documentTitle;
  }
  return h1 || readabilityTitle;
}

/** Sets each section's `ids` from the ids that named its heading in the page. */
function attachIds(sections: Section[], ids: Map<string, string[]>): void {
  for (const section of sections) {
    const names = ids.get(section.title);
    if (names) section.ids = [...new Set(names)];
    attachIds(section.children, ids);
  }
}

/** The first line of markdown text with link and image syntax and escapes removed. */
function plainFirstLine(markdown: string): string {
  return firstLine(
    markdown.replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/\\([\\`*_[\]<>|~#.!-])/g, "$1"),
  );
}

/**
 * Converts an HTML input.
 * @throws {InputError} `BAD_ENCODING` or `EMPTY`.
 */
export function readHtml(input: ReaderInput): ConvertedDocument {
  const decoded = decodeText(input.bytes, input.source, { declared: declaredCharset(input) });
  // Relative links resolve against the document's own location (its final
  // URL, or its file), never against Quire's.
  const base = documentBase(input);
  const html = base ? withBaseUrl(decoded.text, base) : decoded.text;
  const warnings = decoded.how === "detected" ? [`read as ${decoded.encoding}`] : [];
  const scan = scanHtmlTags(html);
  if (scan.depth > MAX_PARSE_DEPTH) {
    throw new InputError(
      "TOO_LARGE",
      `Cannot read '${input.source}': its elements nest more than ` +
        `${MAX_PARSE_DEPTH.toLocaleString("en-US")} levels deep`,
      input.source,
    );
  }
  const page = scan.cutAt === undefined ? html : html.slice(0, scan.cutAt);
  const { document, flattened } = parseDocument(page);
  if (flattened > 0) {
    warnings.push(
      `${flattened} element(s) nested deeper than ${MAX_HTML_DEPTH} levels were reduced to their text`,
    );
  }
  const headingIds = dropPermalinks(document as never);
  const documentTitle = text(document.querySelector("title"));
  const h1 = text(document.querySelector("h1"));
  removeChrome(document);
  let article: ReturnType<Readability["parse"]> = null;
  try {
    // Readability only needs the standard DOM API, which linkedom provides.
    // (Its own `maxElemsToParse` counts nothing on linkedom, hence our count.)
    if (scan.elements <= READABILITY_MAX_ELEMENTS) {
      article = new Readability(document as never, { keepClasses: true }).parse();
    }
  } catch {
    article = null;
  }
  let markdown: string;
  const links = new LinkTable(base);
  if (article?.content && (article.textContent ?? "").trim() !== "") {
    markdown = htmlToMarkdown(htmlWithPlaceholders(article.content, links));
  } else {
    // Readability changes the tree it reads: parse again if it ran.
    const body = scan.elements <= READABILITY_MAX_ELEMENTS
      ? parseDocument(page).document
      : document;
    markdown = htmlToMarkdown(htmlWithPlaceholders(bodyWithoutChrome(body), links));
    warnings.push("no main article found; converted the whole page without its navigation");
  }
  if (scan.cutAt !== undefined) {
    const count = (n: number) => n.toLocaleString("en-US");
    markdown += cutNote(
      `the first ${count(MAX_HTML_ELEMENTS)} of the ${count(scan.elements)} elements of this page`,
      `at most ${count(MAX_HTML_ELEMENTS)} elements of a page are converted`,
    );
  }
  requireText(markdown, input.source);

  let headings = markdownHeadings(markdown);
  const pageTitle = pickTitle((article?.title ?? "").trim(), documentTitle, h1);
  const title = pageTitle || headings[0]?.title || plainFirstLine(markdown);
  if (pageTitle && !headings.some((heading) => heading.title === pageTitle)) {
    markdown = `# ${title.replace(/[\\`*_[\]<>|~]/g, "\\$&")}\n\n${markdown}`;
    headings = markdownHeadings(markdown);
  }
  const facts: Record<string, string> = {};
  if (article?.byline) facts.byline = article.byline.replace(/\s+/g, " ").trim();
  if (article?.siteName) facts.siteName = article.siteName.replace(/\s+/g, " ").trim();
  if (input.url) facts.url = input.url;
  const sections = sectionTree(headings);
  attachIds(sections, headingIds);
  return {
    type: "html",
    ext: "html",
    title,
    markdown,
    sections,
    warnings,
    facts,
    links: links.links,
  };
}
