/**
 * The compression-bomb guard for PDFs, run before pdf.js sees the file.
 *
 * pdf.js decodes a stream it parses (a page's content, a font, an object
 * stream) whole into memory, about twice its decoded size, so one
 * `/FlateDecode` stream of 2 MB that inflates to 1 GB would take the process
 * down. Every such stream that is not an image (pdf.js does not decode
 * images to extract text) is therefore inflated once, in pieces that are
 * counted and dropped (`inflate_pieces.ts`), and the file is refused with
 * `TOO_LARGE` as soon as one stream passes:
 *
 * - `limits.maxCompressionRatio` times its compressed size (once past
 *   1 MiB): the mark of a bomb;
 * - {@linkcode MAX_PDF_STREAM_BYTES}: a bound on what pdf.js then holds.
 *
 * Streams are found by scanning the bytes for the `stream` keyword after a
 * dictionary (`>> stream`), whose text, back to its `obj`, tells the
 * filters and whether it is an image; the data runs to the next
 * `endstream`. Data that does not inflate (an encrypted file, a false
 * match inside binary data) is left to pdf.js.
 *
 * @module
 */

import { InputError } from "../../core/errors.ts";
import { mebibytes, tooLarge } from "../too_large.ts";
import { inflatePieces } from "./inflate_pieces.ts";

/** The most one non-image PDF stream may inflate to. */
export const MAX_PDF_STREAM_BYTES = 256 * 1024 * 1024;

const RATIO_FLOOR = 1 << 20;
const STREAM = new TextEncoder().encode("stream");
const END_STREAM = new TextEncoder().encode("endstream");
/** How far back from `stream` the dictionary (and its `obj`) is looked for. */
const DICTIONARY_REACH = 4096;

function indexOf(bytes: Uint8Array, word: Uint8Array, from: number): number {
  for (let at = bytes.indexOf(word[0], from); at >= 0; at = bytes.indexOf(word[0], at + 1)) {
    let match = true;
    for (let i = 1; i < word.length && match; i++) match = bytes[at + i] === word[i];
    if (match) return at;
  }
  return -1;
}

/** The dictionary text before `stream` at `at`, or "" when `at` does not follow one. */
function dictionaryBefore(bytes: Uint8Array, at: number): string {
  let end = at - 1;
  while (end >= 0 && (bytes[end] === 0x20 || bytes[end] === 0x0a || bytes[end] === 0x0d)) end--;
  if (bytes[end] !== 0x3e || bytes[end - 1] !== 0x3e) return ""; // Not after `>>`.
  const text = new TextDecoder("latin1").decode(
    bytes.subarray(Math.max(0, end - DICTIONARY_REACH), end + 1),
  );
  const obj = text.lastIndexOf("obj");
  return obj >= 0 ? text.slice(obj) : text;
}

/** Where a stream's data starts: after `stream` and its end of line. */
function dataStart(bytes: Uint8Array, at: number): number {
  let start = at + STREAM.length;
  if (bytes[start] === 0x0d) start++;
  if (bytes[start] === 0x0a) start++;
  return start;
}

/** Options of {@linkcode checkPdfStreams}. */
export interface PdfStreamOptions {
  /** `limits.maxCompressionRatio`. */
  maxCompressionRatio: number;
  /** @default MAX_PDF_STREAM_BYTES */
  maxStreamBytes?: number;
}

/**
 * Checks every non-image `/FlateDecode` stream of a PDF; see the module notes.
 * @throws {InputError} `TOO_LARGE` naming the limit.
 */
export async function checkPdfStreams(
  bytes: Uint8Array,
  source: string,
  options: PdfStreamOptions,
): Promise<void> {
  const maxStreamBytes = options.maxStreamBytes ?? MAX_PDF_STREAM_BYTES;
  for (let at = indexOf(bytes, STREAM, 0); at >= 0; at = indexOf(bytes, STREAM, at + 1)) {
    if (bytes[at - 3] === 0x65 && bytes[at - 2] === 0x6e && bytes[at - 1] === 0x64) continue;
    const dictionary = dictionaryBefore(bytes, at);
    if (dictionary === "") continue;
    const start = dataStart(bytes, at);
    const end = indexOf(bytes, END_STREAM, start);
    if (end >= 0) at = end + END_STREAM.length - 1;
    if (!/\/FlateDecode\b/.test(dictionary) || /\/Subtype\s*\/Image\b/.test(dictionary)) continue;
    const data = bytes.subarray(start, end < 0 ? bytes.length : end);
    let inflated = 0;
    try {
      await inflatePieces(data, {
        format: "deflate",
        onPiece: (piece) => {
          inflated += piece.length;
          if (inflated > RATIO_FLOOR && inflated > options.maxCompressionRatio * data.length) {
            throw tooLarge(source, "a stream of the PDF inflates to", {
              value: options.maxCompressionRatio,
              key: "maxCompressionRatio",
              unit: "times",
            });
          }
          if (inflated > maxStreamBytes) {
            throw new InputError(
              "TOO_LARGE",
              `Cannot read '${source}': a stream of the PDF inflates to more than ` +
                `${mebibytes(maxStreamBytes)}`,
              source,
            );
          }
        },
      });
    } catch (error) {
      if (error instanceof InputError) throw error;
      // Not inflatable here (encrypted, or not really a stream): pdf.js decides.
    }
  }
}
