/**
 * PageIndex Cloud answers → a Quire document. Checks the shape of the three
 * answers (metadata, tree, OCR pages) of one document, keeps a canonical copy
 * for `raw/<name>.json`, and converts that copy into a
 * {@linkcode ConvertedDocument}. Pure: no I/O. See `/work/shared/PAGEINDEX.md`.
 *
 * Choices made where PAGEINDEX.md is silent, or where Quire differs from OpenKB:
 *
 * - **Canonical raw JSON** `{doc_id, metadata, tree, pages}` is built field by
 *   field in a fixed order, so the same remote content gives the same bytes
 *   whatever order the server sends keys in (2-space indent, trailing newline,
 *   non-ASCII kept as is). It keeps what a later re-conversion needs and drops
 *   what changes without the content changing: metadata keeps `name`,
 *   `description`, `pageNum`, `createdAt` (not `status` or `folderId`); tree
 *   nodes keep `title`, `node_id`, `page_index`, `summary`, `prefix_summary`,
 *   `nodes` but not `text`, which repeats the pages' text and would double the
 *   file; pages keep `page_index`, `markdown` as received and the images that
 *   have a string `path` (with `width`/`height` when numeric).
 * - **Shape checks:** the tree is strict (objects with a string `title` and a
 *   positive integer `page_index`; `nodes` a list when present; at most 100
 *   levels). Pages follow OpenKB: a missing `markdown` is "", a missing or
 *   invalid `page_index` becomes the page's 1-based position, and pages are
 *   sorted by page number (stable).
 * - **Markdown:** `# <display name>`, the description as a paragraph when it is
 *   not empty, then for every page a `<!-- page N -->` marker line and the
 *   page's trimmed markdown. Blank pages keep their marker, so every page
 *   number stays findable in the source page. Images are not linked: cloud
 *   image paths do not resolve locally and would show as broken embeds; their
 *   paths stay in the raw JSON.
 * - **Section page ranges** (PAGEINDEX.md §4.2 gives the SDK's rule, whose
 *   ranges overlap and whose parents end where their first child starts):
 *   walk the tree depth-first; a node ends on the page before the next node
 *   that is not its descendant starts, or at its last descendant's end if that
 *   is later; the last ones end at the page count; no node ends before it
 *   starts. A page where one section ends and the next begins belongs to the
 *   next one. One pass with a stack: linear in the number of nodes.
 * - **Page count:** the larger of metadata `pageNum` and the last OCR page; a
 *   difference between the two is reported as a warning.
 * - A document whose pages are all blank is refused (`NO_TEXT`), as OpenKB
 *   refuses one with no page content.
 *
 * @module
 */

import { InputError } from "../../core/errors.ts";
import type { ConvertedDocument, Section } from "../../core/types.ts";

/** The metadata kept from `GET /doc/{id}/metadata/`. */
export interface PageIndexMetadata {
  /** Upload file name as received, possibly with a path; null when absent. */
  name: string | null;
  description: string | null;
  pageNum: number | null;
  createdAt: string | null;
}

/** One node of the tree as kept from `GET /doc/{id}/?type=tree&summary=true`. */
export interface PageIndexNode {
  title: string;
  node_id: string | null;
  /** First page, 1-based. */
  page_index: number;
  /** Leaves carry `summary`. */
  summary?: string;
  /** Nodes with children carry `prefix_summary`. */
  prefix_summary?: string;
  nodes?: PageIndexNode[];
}

/** An image listed on an OCR page. */
export interface PageIndexImage {
  path: string;
  width?: number;
  height?: number;
}

/** One page as kept from `GET /doc/{id}/?type=ocr&format=page`. */
export interface PageIndexPage {
  page_index: number;
  /** The page's markdown exactly as received. */
  markdown: string;
  images: PageIndexImage[];
}

/** The canonical import, written to `raw/<name>.json`. */
export interface PageIndexRaw {
  doc_id: string;
  metadata: PageIndexMetadata;
  tree: PageIndexNode[];
  pages: PageIndexPage[];
}

/** Reports a shape problem at a place in an answer; never returns. */
export type ShapeFailure = (detail: string) => never;

const MAX_TREE_DEPTH = 100;
const UNTITLED = "Untitled section";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPageNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1;
}

/** The identity of a PageIndex import, used as its source and in messages. */
export function pageIndexSource(docId: string): string {
  return `pageindex-cloud:${docId}`;
}

/** Keeps the metadata fields Quire uses; the body must be a JSON object. */
export function parsePageIndexMetadata(body: unknown, fail: ShapeFailure): PageIndexMetadata {
  if (!isObject(body)) fail("it is not a JSON object");
  return {
    name: typeof body.name === "string" ? body.name : null,
    description: typeof body.description === "string" ? body.description : null,
    pageNum: isPageNumber(body.pageNum) ? body.pageNum : null,
    createdAt: typeof body.createdAt === "string" ? body.createdAt : null,
  };
}

function parseNodes(
  value: unknown,
  where: string,
  depth: number,
  fail: ShapeFailure,
): PageIndexNode[] {
  if (!Array.isArray(value)) fail(`${where} is not a list`);
  if (depth > MAX_TREE_DEPTH) fail(`${where} is nested deeper than ${MAX_TREE_DEPTH} levels`);
  const nodes: PageIndexNode[] = [];
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    if (!isObject(item)) fail(`${where}[${i}] is not an object`);
    if (typeof item.title !== "string") fail(`${where}[${i}].title is not a string`);
    if (!isPageNumber(item.page_index)) {
      fail(`${where}[${i}].page_index is not a page number`);
    }
    const node: PageIndexNode = {
      title: item.title,
      node_id: typeof item.node_id === "string" ? item.node_id : null,
      page_index: item.page_index,
    };
    if (typeof item.summary === "string") node.summary = item.summary;
    if (typeof item.prefix_summary === "string") node.prefix_summary = item.prefix_summary;
    if (item.nodes !== undefined && item.nodes !== null) {
      node.nodes = parseNodes(item.nodes, `${where}[${i}].nodes`, depth + 1, fail);
    }
    nodes.push(node);
  }
  return nodes;
}

/** Checks and keeps the tree (`result` of the tree answer). */
export function parsePageIndexTree(result: unknown, fail: ShapeFailure): PageIndexNode[] {
  return parseNodes(result, "result", 1, fail);
}

function parseImages(value: unknown): PageIndexImage[] {
  if (!Array.isArray(value)) return [];
  const images: PageIndexImage[] = [];
  for (const item of value) {
    if (!isObject(item) || typeof item.path !== "string") continue;
    const image: PageIndexImage = { path: item.path };
    if (typeof item.width === "number") image.width = item.width;
    if (typeof item.height === "number") image.height = item.height;
    images.push(image);
  }
  return images;
}

/** Checks and keeps the OCR pages (`result` of the OCR answer), sorted by page. */
export function parsePageIndexPages(result: unknown, fail: ShapeFailure): PageIndexPage[] {
  if (!Array.isArray(result)) fail("result is not a list");
  const pages: PageIndexPage[] = [];
  let sorted = true;
  for (let i = 0; i < result.length; i++) {
    const item = result[i];
    if (!isObject(item)) fail(`result[${i}] is not an object`);
    const markdown = item.markdown ?? "";
    if (typeof markdown !== "string") fail(`result[${i}].markdown is not a string`);
    const pageIndex = isPageNumber(item.page_index) ? item.page_index : i + 1;
    if (pages.length > 0 && pages[pages.length - 1].page_index > pageIndex) sorted = false;
    pages.push({ page_index: pageIndex, markdown, images: parseImages(item.images) });
  }
  if (!sorted) pages.sort((a, b) => a.page_index - b.page_index);
  return pages;
}

/** Serialises the canonical import: stable key order, 2-space indent, trailing newline. */
export function formatPageIndexRaw(raw: PageIndexRaw): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(raw, null, 2) + "\n");
}

/**
 * The display name of an upload name: `\` read as `/`, trailing `/` dropped,
 * last path segment, final extension removed, trimmed; the DOC_ID when empty.
 */
export function pageIndexDisplayName(name: string, docId: string): string {
  const path = name.replaceAll("\\", "/").replace(/\/+$/, "");
  const last = path.slice(path.lastIndexOf("/") + 1);
  // Like Python's os.path.splitext: leading dots do not start an extension.
  const stem = /^(\.*[^.].*)\.[^.]*$/s.exec(last)?.[1] ?? last;
  return stem.trim() || docId;
}

/**
 * A name suggestion from a display name (PAGEINDEX.md §4.5): NFKC, every run
 * of characters other than letters, digits, `_` and `-` turned into `-`,
 * dashes trimmed; "document" when nothing is left.
 */
export function pageIndexNameHint(displayName: string): string {
  const slug = displayName.normalize("NFKC").replace(/[^\p{L}\p{N}_-]+/gu, "-")
    .replace(/^-+|-+$/g, "");
  return slug || "document";
}

function sectionTitle(title: string): string {
  return title.replace(/\s+/g, " ").trim() || UNTITLED;
}

/**
 * Converts the tree into sections with page ranges (see the module notes).
 * `lastPage` is where the last sections end.
 */
export function pageIndexSections(tree: PageIndexNode[], lastPage: number): Section[] {
  const roots: Section[] = [];
  // The open chain: the ancestors of the node being visited, and the
  // previous node's unfinished subtree. `latest` is the latest end among the
  // entry's closed descendants.
  const open: { section: Section; start: number; latest: number }[] = [];
  const closeLast = (nextStart: number) => {
    const entry = open.pop()!;
    const end = Math.max(entry.start, nextStart - 1, entry.latest);
    entry.section.endPage = end;
    const parent = open[open.length - 1];
    if (parent !== undefined && end > parent.latest) parent.latest = end;
  };
  const visit = (nodes: PageIndexNode[], level: number) => {
    for (const node of nodes) {
      while (open.length >= level) closeLast(node.page_index);
      const section: Section = {
        title: sectionTitle(node.title),
        level,
        startPage: node.page_index,
        children: [],
      };
      const summary = (node.summary ?? node.prefix_summary)?.trim();
      if (summary) section.summary = summary;
      if (level === 1) roots.push(section);
      else open[level - 2].section.children.push(section);
      open.push({ section, start: node.page_index, latest: 0 });
      if (node.nodes !== undefined) visit(node.nodes, level + 1);
    }
  };
  visit(tree, 1);
  while (open.length > 0) closeLast(lastPage + 1);
  return roots;
}

function escapeHeading(text: string): string {
  return text.replace(/\s+/g, " ").replace(/[\\`*_[\]<>#]/g, "\\$&");
}

/** The document's markdown: title heading, description, then each page after its marker. */
export function pageIndexMarkdown(raw: PageIndexRaw, displayName: string): string {
  const parts = [`# ${escapeHeading(displayName)}`];
  const description = raw.metadata.description?.replace(/\r\n?/g, "\n").trim();
  if (description) parts.push(description);
  for (const page of raw.pages) {
    const marker = `<!-- page ${page.page_index} -->`;
    const text = page.markdown.replace(/\r\n?/g, "\n").trim();
    parts.push(text === "" ? marker : `${marker}\n\n${text}`);
  }
  return parts.join("\n\n") + "\n";
}

/**
 * Converts a canonical import into a document of type "pageindex".
 * @throws {InputError} `NO_TEXT` when no page has any text.
 */
export function pageIndexDocument(raw: PageIndexRaw): ConvertedDocument {
  const source = pageIndexSource(raw.doc_id);
  if (!raw.pages.some((page) => page.markdown.trim() !== "")) {
    throw new InputError(
      "NO_TEXT",
      `Cannot import '${source}': PageIndex returned no page text`,
      source,
    );
  }
  const displayName = pageIndexDisplayName(raw.metadata.name ?? "", raw.doc_id);
  const lastOcrPage = raw.pages[raw.pages.length - 1].page_index;
  const pageNum = raw.metadata.pageNum;
  const pageCount = Math.max(pageNum ?? 0, lastOcrPage);
  const warnings: string[] = [];
  if (pageNum !== null && pageNum !== lastOcrPage) {
    warnings.push(`PageIndex reports ${pageNum} pages but returned text up to page ${lastOcrPage}`);
  }
  if (raw.tree.length === 0) warnings.push("PageIndex returned no section tree");
  const facts: Record<string, string> = { "PageIndex DOC_ID": raw.doc_id };
  if (raw.metadata.createdAt !== null) facts["Uploaded"] = raw.metadata.createdAt;
  return {
    type: "pageindex",
    ext: "json",
    title: displayName,
    markdown: pageIndexMarkdown(raw, displayName),
    sections: pageIndexSections(raw.tree, pageCount),
    pageCount,
    warnings,
    facts,
  };
}
