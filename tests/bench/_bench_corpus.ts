/**
 * Deterministic benchmark inputs, written to disk:
 *
 * - {@linkcode writeTextCorpus}: many `.md` and `.txt` files whose sizes are
 *   spread log-uniformly between a smallest and a largest size (so most are
 *   small and a few are large, as in a real notes folder).
 * - {@linkcode writePdfCorpus}: multi-page text PDFs (CPU-heavy to read:
 *   pdf.js parses every page's content stream).
 * - {@linkcode writeLargeMarkdown}: a few multi-megabyte markdown files
 *   (CPU-heavy to compile offline).
 *
 * All text comes from `tests/_offline_corpus.ts` (a Zipf-like vocabulary
 * shared by every file), so documents share key phrases the way real ones do
 * and concept pages form. Every file has its own seed, so no two files have
 * the same content (the dedup check would skip them).
 *
 * @module
 */

import { join } from "node:path";
import { generateMarkdown, random as seededRandom } from "../_offline_corpus.ts";
import { makePdf, type PdfLine } from "../_make_pdf.ts";

/** Markdown text turned into plain prose (a `.txt` file). */
function plainText(markdown: string): string {
  return markdown
    .split("\n")
    .filter((line) => !/^(```|\| ---|\|)/.test(line) && !line.startsWith("const "))
    .map((line) => line.replace(/^#+ /, "").replace(/^- /, ""))
    .join("\n");
}

/** Options of {@linkcode writeTextCorpus}. */
export interface TextCorpusOptions {
  /** Number of files. @default 1000 */
  count?: number;
  /** Smallest file size in bytes. @default 200 */
  minBytes?: number;
  /** Largest file size in bytes. @default 200_000 */
  maxBytes?: number;
  /** Seed of the sizes and of each file's text (file i uses seed + i). @default 1 */
  seed?: number;
  /** File name prefix (letters and digits). @default "note" */
  prefix?: string;
  /**
   * End each file with a line of two made-up keywords: one only this file
   * has (`<prefix>u<letters>`), one shared by {@linkcode TAG_GROUP} files
   * (`<prefix>g<letters>`). The generated vocabulary has no rare words at
   * all (its rarest word is in about 2% of the files); these give searches
   * for rare terms something to find. @default false
   */
  tags?: boolean;
}

/** Files sharing one group keyword (see {@linkcode TextCorpusOptions.tags}). */
export const TAG_GROUP = 25;

/** A whole number written in the letters a–z (0 → a, 26 → ba), a token FTS keeps whole. */
export function letters(n: number): string {
  let out = "";
  do {
    out = String.fromCharCode(97 + (n % 26)) + out;
    n = Math.floor(n / 26);
  } while (n > 0);
  return out;
}

/** The two keywords of file `index` of a corpus written with `tags`. */
export function fileTags(prefix: string, index: number): { unique: string; group: string } {
  return {
    unique: `${prefix}u${letters(index)}`,
    group: `${prefix}g${letters(Math.floor(index / TAG_GROUP))}`,
  };
}

/** What a corpus writer wrote. */
export interface CorpusInfo {
  /** Number of files. */
  files: number;
  /** Total bytes. */
  bytes: number;
  /** Smallest and largest file, in bytes. */
  smallest: number;
  largest: number;
}

function describe(sizes: number[]): CorpusInfo {
  return {
    files: sizes.length,
    bytes: sizes.reduce((a, b) => a + b, 0),
    smallest: Math.min(...sizes),
    largest: Math.max(...sizes),
  };
}

/**
 * Writes `count` markdown and text files (one in four is `.txt`) into
 * `dir`, sizes log-uniform in `[minBytes, maxBytes]`.
 */
export async function writeTextCorpus(
  dir: string,
  options: TextCorpusOptions = {},
): Promise<CorpusInfo> {
  const count = options.count ?? 1000;
  const min = options.minBytes ?? 200;
  const max = options.maxBytes ?? 200_000;
  const seed = options.seed ?? 1;
  const prefix = options.prefix ?? "note";
  const next = seededRandom(seed * 7919);
  await Deno.mkdir(dir, { recursive: true });
  const sizes: number[] = [];
  const width = String(count - 1).length;
  for (let i = 0; i < count; i++) {
    const target = Math.round(min * (max / min) ** next());
    const markdown = generateMarkdown(target, { seed: seed * 100_003 + i });
    const isText = i % 4 === 3;
    let text = isText ? plainText(markdown) : markdown;
    if (options.tags) {
      const { unique, group } = fileTags(prefix, i);
      text += `\nKeywords: ${unique}, ${group}.\n`;
    }
    const name = `${prefix}-${String(i).padStart(width, "0")}.${isText ? "txt" : "md"}`;
    await Deno.writeTextFile(join(dir, name), text);
    sizes.push(text.length);
  }
  return describe(sizes);
}

/** Options of {@linkcode pdfBytes} and {@linkcode writePdfCorpus}. */
export interface PdfCorpusOptions {
  /** Number of PDFs (writePdfCorpus only). @default 60 */
  count?: number;
  /** Pages per PDF. @default 30 */
  pages?: number;
  /** Seed (PDF i uses seed + i). @default 1 */
  seed?: number;
}

const LINES_PER_PAGE = 44;
const CHARS_PER_LINE = 95;

/** A text PDF of `pages` pages: a chapter heading every fifth page, 44 lines of prose each. */
export function pdfBytes(pages: number, seed: number): Uint8Array {
  const words = generateMarkdown(pages * LINES_PER_PAGE * CHARS_PER_LINE, { seed })
    .replace(/[#|`*-]/g, " ")
    .split(/\s+/)
    .filter((w) => w !== "");
  let at = 0;
  const line = () => {
    let text = "";
    while (text.length < CHARS_PER_LINE - 10 && at < words.length) text += words[at++] + " ";
    return text.trim() || "end";
  };
  return makePdf({
    title: `Generated report ${seed}`,
    pages: Array.from({ length: pages }, (_, p) => {
      const lines: PdfLine[] = [];
      if (p % 5 === 0) {
        lines.push({ text: `Chapter ${p / 5 + 1}: ${line()}`, size: 16, bold: true });
      }
      while (lines.length < LINES_PER_PAGE) lines.push({ text: line(), size: 10 });
      return { lines };
    }),
  });
}

/** Writes `count` generated PDFs of `pages` pages each into `dir`. */
export async function writePdfCorpus(
  dir: string,
  options: PdfCorpusOptions = {},
): Promise<CorpusInfo> {
  const count = options.count ?? 60;
  const pages = options.pages ?? 30;
  const seed = options.seed ?? 1;
  await Deno.mkdir(dir, { recursive: true });
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = pdfBytes(pages, seed * 10_007 + i);
    await Deno.writeFile(join(dir, `report-${String(i).padStart(3, "0")}.pdf`), bytes);
    sizes.push(bytes.length);
  }
  return describe(sizes);
}

/** Options of {@linkcode writeLargeMarkdown}. */
export interface LargeMarkdownOptions {
  /** Number of files. @default 12 */
  count?: number;
  /** Bytes per file. @default 2_000_000 */
  bytes?: number;
  /** Seed (file i uses seed + i). @default 1 */
  seed?: number;
}

/** Writes `count` large generated markdown files into `dir`. */
export async function writeLargeMarkdown(
  dir: string,
  options: LargeMarkdownOptions = {},
): Promise<CorpusInfo> {
  const count = options.count ?? 12;
  const size = options.bytes ?? 2_000_000;
  const seed = options.seed ?? 1;
  await Deno.mkdir(dir, { recursive: true });
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    const text = generateMarkdown(size, { seed: seed * 50_021 + i });
    await Deno.writeTextFile(join(dir, `big-${String(i).padStart(2, "0")}.md`), text);
    sizes.push(text.length);
  }
  return describe(sizes);
}
