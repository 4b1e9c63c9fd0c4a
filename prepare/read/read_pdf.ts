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
 * - Within a page, a vertical gap of more than 1.8 line heights starts a new
 *   paragraph, and a word hyphenated at the end of a line is joined again
 *   when the next line starts with a lowercase letter.
 * - A file whose last 1024 bytes hold no `%%EOF` is refused as truncated
 *   (pdf.js would otherwise quietly read only part of a cut-off linearized
 *   file). pdf.js itself fails truncated or garbage files within
 *   milliseconds (checked); it never waits for more data, since it is given
 *   the whole file. The loading task is destroyed on every path.
 * - A page that cannot be read is skipped with a warning; when no page can
 *   be read, the file is `CORRUPT`. A metadata `/Title` that is a file name
 *   or "untitled" is ignored.
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
import { type PdfLine, pdfLines, type PdfTextItemLike } from "./pdf_lines.ts";
import { escapeMarkdownLine } from "./text_helpers.ts";
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

/** Escapes heading text: inline marks, and a trailing `#` run that would close the heading. */
function escapeHeading(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, "\\$&").replace(/(^|\s)(#+)$/, "$1\\$2");
}

function renderPage(lines: PdfLine[], marks: FontSizeHeading[]): string {
  const byFirst = new Map(marks.map((m) => [m.first, m]));
  const blocks: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) blocks.push(paragraph.join("\n"));
    paragraph = [];
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
    const previous = lines[i - 1];
    const gap = previous ? previous.y - line.y : 0;
    if (previous && (gap < 0 || gap > 1.8 * Math.max(line.size, previous.size))) flush();
    const text = escapeMarkdownLine(line.text);
    const last = paragraph.length - 1;
    if (last >= 0 && /\p{L}-$/u.test(paragraph[last]) && /^\p{Ll}/u.test(text)) {
      paragraph[last] = paragraph[last].slice(0, -1) + text;
    } else paragraph.push(text);
  }
  flush();
  return blocks.join("\n\n");
}

function usableTitle(value: unknown): string {
  if (typeof value !== "string") return "";
  const title = value.replace(/\s+/g, " ").trim();
  if (/^untitled\b/i.test(title) || /\.(pdf|docx?|odt|rtf|tex|dvi|indd|pptx?|txt)$/i.test(title)) {
    return "";
  }
  return title;
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
): Promise<{ pages: PdfLine[][]; partial: boolean }> {
  const { source } = options;
  const pages: PdfLine[][] = [];
  let partial = false;
  const failed: number[] = [];
  let lastError: unknown;
  let chars = 0;
  const last = pagesWithinBudget(pdf.numPages, options.budget);
  for (let n = 1; n <= last && chars < options.maxChars; n++) {
    try {
      const page = await pdf.getPage(n);
      const text = await textItems(page, options.maxChars - chars);
      const lines = pdfLines(text.items);
      partial = text.partial;
      pages.push(lines);
      for (const line of lines) chars += line.text.length;
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
  return { pages, partial };
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
    const { pages, partial } = await readPages(pdf, warnings, {
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

  const marks: FontSizeHeading[] = outline.length > 0
    ? outlineMarks(outline, pages)
    : fontSizeHeadings(pages);
  const marksByPage = new Map<number, FontSizeHeading[]>();
  for (const mark of marks) {
    marksByPage.set(mark.page, [...(marksByPage.get(mark.page) ?? []), mark]);
  }
  let markdown = pages
    .map((lines, i) => {
      const body = renderPage(lines, marksByPage.get(i + 1) ?? []);
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
      : `at most ${count(readable)} pages of a ${count(pageCount)}-page PDF ` +
        "are read";
    markdown += cutNote(read, why);
    warnings.push(`converted only ${read} (${why})`);
  }

  const sections = outline.length > 0
    ? pagedSections(outline, { pageCount })
    : pagedSections(marks, {
      pageCount,
      withPages: pages.length >= settings.sectionTreeMinPages,
    });
  const info = (parts.meta?.info ?? {}) as Record<string, unknown>;
  let xmpTitle: unknown;
  try {
    xmpTitle = parts.meta?.metadata?.get("dc:title");
  } catch {
    xmpTitle = undefined;
  }
  const firstLine = pages.flat().find((line) => /[\p{L}\p{N}]/u.test(line.text))?.text ?? "";
  const title = usableTitle(info.Title) || usableTitle(xmpTitle) || outline[0]?.title ||
    marks[0]?.title || firstLine.slice(0, 120);
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
