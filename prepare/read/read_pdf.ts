/**
 * PDF (with unpdf's bundled pdf.js): text page by page, each page preceded by
 * a `<!-- page N -->` marker line, and a section tree.
 *
 * Choices made where the spec was silent:
 * - Headings come from the outline when the PDF has one: an outline entry
 *   whose title matches a line on its destination page (ignoring case,
 *   punctuation and a leading section number) turns that line into a
 *   markdown heading; the font-size guesses are then not used. Without an
 *   outline, headings are guessed from font sizes (see font_size_headings.ts).
 * - `sections` is the outline, with page ranges, whenever there is one.
 *   Without an outline it is the font-size headings: with page ranges when
 *   the document has at least `settings.sectionTreeMinPages` pages, as a
 *   plain heading tree (like a markdown file's) when it is shorter.
 * - Text: lines from glyph positions (pdf_lines.ts: spaces from gaps, not
 *   from kerns; ligatures spelled out; characters without a Unicode mapping
 *   dropped and counted, with a warning that the text layer is partly
 *   unreadable), running headers, footers, page numbers and plot markers
 *   dropped (pdf_running_lines.ts), paragraphs joined, table rows kept and
 *   hyphens undone only inside words (pdf_paragraphs.ts).
 * - Title: see pdf_title.ts (metadata when plausible, a man page's NAME
 *   line, else the first page's largest-font block; never a section
 *   heading).
 * - An outline entry found in the text records that heading's text as its
 *   section's `anchor`, so the summary's outline links into the source
 *   page; so do font-size headings of a page-ranged tree.
 * - A file whose last 1024 bytes hold no `%%EOF` is refused as truncated
 *   (pdf.js would otherwise quietly read only part of a cut-off linearized
 *   file). pdf.js itself fails truncated or garbage files within
 *   milliseconds (checked); it never waits for more data, since it is given
 *   the whole file. The loading task is destroyed on every path.
 * - A page that cannot be read is skipped with a warning; when no page can
 *   be read, the file is `CORRUPT`.
 *
 * @module
 */

import { getResolvedPDFJS } from "unpdf";
import type { PrepareSettings } from "../../core/config.ts";
import { InputError } from "../../core/errors.ts";
import type { ConvertedDocument } from "../../core/types.ts";
import type { ReaderInput } from "./detect_type.ts";
import { type FontSizeHeading, fontSizeHeadings } from "./font_size_headings.ts";
import { flattenOutline, outlineMarks, type OutlineNode } from "./pdf_outline.ts";
import { type PagedHeading, pagedSections } from "./paged_sections.ts";
import { pageLines, type PdfLine, type PdfTextItemLike } from "./pdf_lines.ts";
import { documentWords, renderPdfPage } from "./pdf_paragraphs.ts";
import { dropPageFurniture, runningKeys } from "./pdf_running_lines.ts";
import { pdfTitle } from "./pdf_title.ts";
import { cutNote } from "./text_head.ts";
import { checkPdfStreams } from "./check_pdf_streams.ts";

type PdfDocument = Awaited<
  ReturnType<Awaited<ReturnType<typeof getResolvedPDFJS>>["getDocument"]>["promise"]
>;

function hasEofMarker(bytes: Uint8Array): boolean {
  const tail = new TextDecoder("latin1").decode(bytes.subarray(Math.max(0, bytes.length - 1024)));
  return tail.includes("%%EOF");
}

function loadError(error: unknown, source: string): InputError {
  const name = error instanceof Error ? error.name : "";
  const detail = error instanceof Error ? error.message : String(error);
  if (name === "PasswordException") {
    return new InputError(
      "ENCRYPTED",
      `Cannot read '${source}': the PDF is encrypted and needs a password`,
      source,
      { cause: error },
    );
  }
  return new InputError(
    "CORRUPT",
    `Cannot read '${source}': the PDF is damaged or truncated (${detail.replace(/\.$/, "")})`,
    source,
    { cause: error },
  );
}

interface ReadPages {
  pages: PdfLine[][];
  /** Characters dropped as unreadable (no Unicode mapping), over all pages. */
  unreadable: number;
  /** True when the last page read was cut at the text limit. */
  partial: boolean;
}

/**
 * A page's text items, streamed, keeping about `maxChars` characters: past
 * that the rest of the page is read and dropped, so one page with a content
 * stream of hundreds of megabytes costs time but not memory (kept whole, a
 * 50 MB page took 1.7 GB). The stream is drained rather than cancelled:
 * pdf.js then throws an uncaught error when the page's stream closes, and
 * left half-read it keeps `destroy()` waiting for ever.
 */
async function textItems(
  page: Awaited<ReturnType<PdfDocument["getPage"]>>,
  maxChars: number,
): Promise<{ items: PdfTextItemLike[]; partial: boolean }> {
  const items: PdfTextItemLike[] = [];
  let chars = 0;
  let partial = false;
  for await (const chunk of page.streamTextContent()) {
    if (chars >= maxChars) {
      partial ||= chunk.items.length > 0;
      continue;
    }
    for (const item of chunk.items as PdfTextItemLike[]) {
      items.push(item);
      chars += item.str?.length ?? 0;
    }
  }
  return { items, partial };
}

/** Page-tree steps spent on page lookups at most (see the module notes). */
export const PAGE_LOOKUP_BUDGET = 100_000_000;

/** How many pages of a `pageCount`-page PDF are read at most (see the module notes). */
export function pagesWithinBudget(pageCount: number, budget = PAGE_LOOKUP_BUDGET): number {
  return Math.min(pageCount, Math.max(1, Math.floor(budget / Math.max(1, pageCount))));
}

async function readPages(
  pdf: PdfDocument,
  warnings: string[],
  options: { source: string; maxChars: number; budget: number },
): Promise<ReadPages> {
  const { source } = options;
  const pages: PdfLine[][] = [];
  let unreadable = 0;
  let partial = false;
  const failed: number[] = [];
  let lastError: unknown;
  let chars = 0;
  const last = pagesWithinBudget(pdf.numPages, options.budget);
  for (let n = 1; n <= last && chars < options.maxChars; n++) {
    try {
      const page = await pdf.getPage(n);
      const text = await textItems(page, options.maxChars - chars);
      const read = pageLines(text.items);
      partial = text.partial;
      pages.push(read.lines);
      unreadable += read.unreadable;
      for (const line of read.lines) chars += line.text.length;
      page.cleanup();
    } catch (error) {
      failed.push(n);
      lastError = error;
      pages.push([]);
    }
  }
  if (pages.length > 0 && failed.length === pages.length) throw loadError(lastError, source);
  if (failed.length > 0) {
    const list = failed.length > 10 ? `${failed.slice(0, 10).join(", ")}…` : failed.join(", ");
    warnings.push(`${failed.length} page(s) could not be read and were skipped: ${list}`);
  }
  return { pages, unreadable, partial };
}

/** Options of {@linkcode readPdf}. */
export interface ReadPdfOptions {
  /** Page-tree steps for page lookups (tests lower it). @default PAGE_LOOKUP_BUDGET */
  pageLookupBudget?: number;
}

/**
 * Converts a PDF input.
 * @throws {InputError} `ENCRYPTED`, `CORRUPT` (damaged or truncated) or `NO_TEXT`.
 */
export async function readPdf(
  input: ReaderInput,
  settings: PrepareSettings,
  options: ReadPdfOptions = {},
): Promise<ConvertedDocument> {
  const budget = options.pageLookupBudget ?? PAGE_LOOKUP_BUDGET;
  const source = input.source;
  if (!hasEofMarker(input.bytes)) {
    throw new InputError(
      "CORRUPT",
      `Cannot read '${source}': the PDF is truncated (no %%EOF marker at its end)`,
      source,
    );
  }
  await checkPdfStreams(input.bytes, source, {
    maxCompressionRatio: settings.maxCompressionRatio,
  });
  const pdfjs = await getResolvedPDFJS();
  // pdf.js may transfer (detach) the buffer it is given: copy it unless the caller is done with it.
  const task = pdfjs.getDocument({
    data: input.owned ? input.bytes : input.bytes.slice(),
    useSystemFonts: true,
    disableFontFace: true,
    verbosity: 0,
  });
  try {
    let pdf: PdfDocument;
    try {
      pdf = await task.promise;
    } catch (error) {
      throw loadError(error, source);
    }
    const warnings: string[] = [];
    const { pages, unreadable, partial } = await readPages(pdf, warnings, {
      source,
      maxChars: settings.maxTextBytes,
      budget,
    });
    const meta = await pdf.getMetadata().catch(() => undefined);
    const outlineNodes = await pdf.getOutline().catch(() => null) as OutlineNode[] | null;
    const outline = outlineNodes ? await flattenOutline(pdf, outlineNodes) : [];
    const pageCount = pdf.numPages;
    return buildDocument({
      pages,
      unreadable,
      partial,
      pageCount,
      readable: pagesWithinBudget(pageCount, budget),
      outline,
      warnings,
      settings,
      source,
      meta,
    });
  } finally {
    await task.destroy();
  }
}

interface BuildParts {
  /** The pages read: the first `pages.length` of `pageCount`. */
  pages: PdfLine[][];
  /** Characters dropped as unreadable (no Unicode mapping), over all pages. */
  unreadable: number;
  /** True when the last page read was cut at the text limit. */
  partial: boolean;
  /** Pages the lookup budget allows. */
  readable: number;
  pageCount: number;
  outline: PagedHeading[];
  warnings: string[];
  settings: PrepareSettings;
  source: string;
  meta: { info?: unknown; metadata?: { get(name: string): unknown } | null } | undefined;
}

function buildDocument(parts: BuildParts): ConvertedDocument {
  const { pages, partial, pageCount, readable, outline, warnings, settings, source } = parts;
  const chars = pages.reduce((n, lines) => n + lines.reduce((m, l) => m + l.text.length, 0), 0);
  if (chars === 0) {
    throw new InputError(
      "NO_TEXT",
      `Cannot read '${source}': no text layer: 0 characters extracted from ${pages.length} ` +
        `page(s); a scanned document needs OCR first`,
      source,
    );
  }
  const empty = pages.filter((lines) => lines.length === 0).length;
  if (empty > 0 && empty * 4 >= pages.length) {
    warnings.push(`${empty} of ${pages.length} pages have no text layer (scanned pages need OCR)`);
  }

  if (parts.unreadable > 0) {
    warnings.push(
      `the text layer is partly unreadable: ${parts.unreadable} character(s) without a ` +
        `Unicode mapping (a font without one) were left out`,
    );
  }
  const running = runningKeys(pages);
  const info = (parts.meta?.info ?? {}) as Record<string, unknown>;
  let xmpTitle: unknown;
  try {
    xmpTitle = parts.meta?.metadata?.get("dc:title");
  } catch {
    xmpTitle = undefined;
  }
  const title = pdfTitle({ infoTitle: info.Title, xmpTitle, firstPage: pages[0] ?? [], running });

  const text = dropPageFurniture(pages, running);
  const marks: FontSizeHeading[] = outline.length > 0
    ? outlineMarks(outline, text)
    : fontSizeHeadings(text);
  const marksByPage = new Map<number, FontSizeHeading[]>();
  const anchored = outline.map((entry): PagedHeading => ({ ...entry }));
  for (const mark of marks) {
    marksByPage.set(mark.page, [...(marksByPage.get(mark.page) ?? []), mark]);
    const heading = text[mark.page - 1].slice(mark.first, mark.last + 1).map((l) => l.text);
    if (mark.entry !== undefined) anchored[mark.entry].anchor = heading.join(" ");
  }
  const words = documentWords(text);
  let markdown = text
    .map((lines, i) => {
      const body = renderPdfPage(lines, marksByPage.get(i + 1) ?? [], words);
      return `<!-- page ${i + 1} -->` + (body ? `\n\n${body}` : "");
    })
    .join("\n\n") + "\n";
  if (pages.length < pageCount || partial) {
    const count = (n: number) => n.toLocaleString("en-US");
    const read =
      (partial && pages.length === 1 ? "part of page 1" : `pages 1–${count(pages.length)}`) +
      ` of ${count(pageCount)}` + (partial && pages.length > 1 ? ", the last one in part" : "");
    const why = partial || pages.length < readable
      ? "limits.maxTextBytes"
      : `at most ${count(readable)} pages of a ${count(pageCount)}-page PDF are read`;
    markdown += cutNote(read, why);
    warnings.push(`converted only ${read} (${why})`);
  }

  const withPages = pages.length >= settings.sectionTreeMinPages;
  const sections = outline.length > 0 ? pagedSections(anchored, { pageCount }) : pagedSections(
    // A short document's tree links by title already, like a markdown file's.
    marks.map((mark) => withPages ? { ...mark, anchor: mark.title } : mark),
    { pageCount, withPages },
  );
  return {
    type: "pdf",
    ext: "pdf",
    title,
    markdown,
    sections,
    pageCount,
    warnings,
    facts: {},
  };
}
