/**
 * Word documents (`.docx`): mammoth turns the document into HTML, which the
 * shared converter turns into markdown (headings, lists, tables, links).
 *
 * Choices made where the spec was silent:
 * - Besides mammoth's default style map, the `Title` paragraph style becomes
 *   a level-1 heading, `Subtitle` a plain paragraph, `Quote` a block quote
 *   and pandoc's `Source Code` a code block.
 * - Images are not embedded; only their alt text is kept.
 * - The title is a man page's NAME line, else the first heading, else `dc:title` from the core
 *   properties, else the first line when it reads like a title.
 * - mammoth's messages become warnings (duplicates dropped, at most 10),
 *   except "unrecognised style" for the plain body styles pandoc and Word
 *   use (`First Paragraph`, `Body Text`, `Compact`), which mammoth already
 *   renders as paragraphs or list items.
 * - mammoth inflates the whole archive in memory (about 20 times the size
 *   of its XML), so the archive is first checked by `check_zip_budget.ts`
 *   (zip bombs, `limits.maxInflatedBytes`, `limits.maxCompressionRatio`),
 *   and the markdown is cut at `limits.maxTextBytes` characters with a note.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import mammoth from "mammoth";
import { defaultConfig, type PrepareSettings } from "../../core/config.ts";
import { InputError } from "../../core/errors.ts";
import type { ConvertedDocument } from "../../core/types.ts";
import type { ReaderInput } from "./detect_type.ts";
import { htmlToMarkdown } from "./html_to_markdown.ts";
import { markdownHeadings, sectionTree } from "./markdown_sections.ts";
import { manPageNameLine, requireText, titleLine } from "./text_helpers.ts";
import { readZipEntry } from "./read_zip_entry.ts";
import { checkZipBudget } from "./check_zip_budget.ts";
import { capMarkdown } from "./text_head.ts";

const STYLE_MAP = [
  "p[style-name='Title'] => h1:fresh",
  "p[style-name='Subtitle'] => p:fresh",
  "p[style-name='Quote'] => blockquote > p:fresh",
  "p[style-name='Block Text'] => blockquote > p:fresh",
  "p[style-name='Source Code'] => pre:separator('\\n')",
];
const MAX_WARNINGS = 10;
/** Body styles that mammoth rightly renders as plain paragraphs; mapping them would break lists. */
const PLAIN_STYLES = /^Unrecognised paragraph style: '(First Paragraph|Body Text|Compact)'/;

function decodeXmlText(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

/** Returns `dc:title` from the document's core properties, or "". */
export function docxCoreTitle(bytes: Uint8Array): string {
  const core = readZipEntry(bytes, "docProps/core.xml");
  if (!core) return "";
  const match = /<dc:title(?:\s[^>]*)?>([\s\S]*?)<\/dc:title>/.exec(new TextDecoder().decode(core));
  return match ? decodeXmlText(match[1]).replace(/\s+/g, " ").trim() : "";
}

function toWarnings(messages: { type: string; message: string }[]): string[] {
  const unique = [...new Set(messages.map((m) => m.message.trim()))]
    .filter((message) => !PLAIN_STYLES.test(message));
  const warnings = unique.slice(0, MAX_WARNINGS);
  if (unique.length > MAX_WARNINGS) {
    warnings.push(`${unique.length - MAX_WARNINGS} more conversion warnings not shown`);
  }
  return warnings;
}

/** The archive limits of {@linkcode readDocx}. */
export type DocxLimits = Pick<
  PrepareSettings,
  "maxInflatedBytes" | "maxInputBytes" | "maxCompressionRatio" | "maxTextBytes"
>;

/**
 * Converts a `.docx` input.
 * @throws {InputError} `TOO_LARGE` for a zip bomb or an archive over the limits,
 *   `CORRUPT` when it cannot be opened, `EMPTY` when it has no text.
 */
export async function readDocx(
  input: ReaderInput,
  limits: DocxLimits = defaultConfig().limits,
): Promise<ConvertedDocument> {
  await checkZipBudget(input.bytes, input.source, {
    maxInflatedBytes: limits.maxInflatedBytes,
    maxTotalBytes: limits.maxInputBytes,
    maxCompressionRatio: limits.maxCompressionRatio,
    label: "DOCX file",
  });
  const buffer = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  let result: { value: string; messages: { type: string; message: string }[] };
  try {
    result = await mammoth.convertToHtml({ buffer }, {
      styleMap: STYLE_MAP,
      convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: "data:," })),
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new InputError(
      "CORRUPT",
      `Cannot read '${input.source}': the DOCX file is damaged (${detail.replace(/\.$/, "")})`,
      input.source,
      { cause: error },
    );
  }
  const { markdown, cut } = capMarkdown(htmlToMarkdown(result.value), limits.maxTextBytes);
  requireText(markdown, input.source);
  const headings = markdownHeadings(markdown);
  return {
    type: "docx",
    ext: "docx",
    title: manPageNameLine(markdown) || headings[0]?.title || docxCoreTitle(input.bytes) ||
      titleLine(markdown),
    markdown,
    sections: sectionTree(headings),
    warnings: [
      ...toWarnings(result.messages),
      ...(cut ? [`converted only ${cut} (limits.maxTextBytes)`] : []),
    ],
    facts: {},
  };
}
