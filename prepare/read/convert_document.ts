/**
 * One entry point from bytes to a {@linkcode ConvertedDocument}: detect the
 * type by content and name, then run that type's reader. Readers of heavy
 * formats are imported lazily (string-literal `import()`, which `deno
 * compile` can still see), so adding a folder of markdown never loads them.
 * A gzip-compressed input is inflated first and read as what it contains
 * (see gunzip_input.ts).
 *
 * @module
 */

import type { PrepareSettings } from "../../core/config.ts";
import { InputError } from "../../core/errors.ts";
import type { ConvertedDocument, DocumentType } from "../../core/types.ts";
import { detectType, type ReaderInput } from "./detect_type.ts";
import { gunzipInput, isGzip } from "./gunzip_input.ts";
import { readMarkdown } from "./read_markdown.ts";
import { readText } from "./read_text.ts";

/** A format reader. */
export type Reader = (
  input: ReaderInput,
  settings: PrepareSettings,
) => ConvertedDocument | Promise<ConvertedDocument>;

const READERS: Partial<Record<DocumentType, () => Promise<Reader>>> = {
  markdown: () => Promise.resolve(readMarkdown),
  text: () => Promise.resolve(readText),
  pdf: async () => (await import("./read_pdf.ts")).readPdf,
  docx: async () => (await import("./read_docx.ts")).readDocx,
  html: async () => (await import("./read_html.ts")).readHtml,
  csv: async () => (await import("./read_csv.ts")).readCsv,
};

/**
 * Converts one input to markdown and a section tree.
 * @throws {InputError} when the type is unsupported or the content unreadable.
 */
export async function convertDocument(
  input: ReaderInput,
  settings: PrepareSettings,
): Promise<ConvertedDocument> {
  if (isGzip(input.bytes)) {
    const inner = gunzipInput(input);
    if (isGzip(inner.bytes)) detectType(inner); // Refuses gzip inside gzip, naming it.
    const document = await convertDocument(inner, settings);
    return { ...document, ext: `${document.ext}.gz` };
  }
  const type = detectType(input);
  const load = READERS[type];
  if (load === undefined) {
    throw new InputError(
      "UNSUPPORTED_TYPE",
      `Cannot add '${input.source}': unsupported type ${type}`,
      input.source,
    );
  }
  const reader = await load();
  return await reader(input, settings);
}
