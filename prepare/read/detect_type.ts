/**
 * Decides what kind of document an input is, from its content (magic bytes)
 * first, then its extension, then an HTTP content type. Content wins over
 * the name: a `.pdf` that is really HTML is read as HTML, and a binary file
 * named `.md` is refused with the type that was detected. Bytes of no known
 * type that decode as text (whatever their extension, or none, and unless
 * an HTTP content type says image, audio, video, font or model) are plain
 * text.
 *
 * @module
 */

import { extname } from "node:path";
import { InputError } from "../../core/errors.ts";
import type { DocumentType } from "../../core/types.ts";
import { decodeText } from "./decode_text.ts";

/** What the reader knows about one input before converting it. */
export interface ReaderInput {
  /** The original bytes. */
  bytes: Uint8Array;
  /** A file name for the input (from its path, URL or headers); used for its extension. */
  fileName: string;
  /** The HTTP `Content-Type`, for fetched inputs. */
  contentType?: string;
  /** The input as the user named it, for messages. */
  source: string;
  /** The final URL of a fetched input (after redirects), to resolve relative links. */
  url?: string;
  /** The caller no longer needs `bytes`: a reader may hand them on without a copy. @default false */
  owned?: boolean;
}

const MAGIC: [string, number[]][] = [
  ["zip", [0x50, 0x4b, 0x03, 0x04]],
  ["PNG image", [0x89, 0x50, 0x4e, 0x47]],
  ["JPEG image", [0xff, 0xd8, 0xff]],
  ["GIF image", [0x47, 0x49, 0x46, 0x38]],
  ["gzip archive", [0x1f, 0x8b]],
  ["ELF executable", [0x7f, 0x45, 0x4c, 0x46]],
  ["SQLite database", [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65]],
  ["OLE2 (old Office) document", [0xd0, 0xcf, 0x11, 0xe0]],
  ["RIFF media", [0x52, 0x49, 0x46, 0x46]],
  ["7-zip archive", [0x37, 0x7a, 0xbc, 0xaf]],
  ["xz archive", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ["bzip2 archive", [0x42, 0x5a, 0x68]],
  ["RAR archive", [0x52, 0x61, 0x72, 0x21]],
  ["WebAssembly module", [0x00, 0x61, 0x73, 0x6d]],
  ["TIFF image", [0x49, 0x49, 0x2a, 0x00]],
  ["TIFF image", [0x4d, 0x4d, 0x00, 0x2a]],
  ["Ogg media", [0x4f, 0x67, 0x67, 0x53]],
  ["MP3 audio", [0x49, 0x44, 0x33]],
  ["PostScript document", [0x25, 0x21, 0x50, 0x53]],
];

const PDF_HEADER = "%PDF-";

const BY_EXTENSION: Record<string, DocumentType> = {
  md: "markdown",
  markdown: "markdown",
  txt: "text",
  text: "text",
  pdf: "pdf",
  docx: "docx",
  html: "html",
  htm: "html",
  xhtml: "html",
  csv: "csv",
  tsv: "csv",
};

const BY_CONTENT_TYPE: Record<string, DocumentType> = {
  "text/markdown": "markdown",
  "text/x-markdown": "markdown",
  "text/plain": "text",
  "application/pdf": "pdf",
  "text/html": "html",
  "application/xhtml+xml": "html",
  "text/csv": "csv",
  "text/tab-separated-values": "csv",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
};

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/** Returns the lowercase extension of a file name, without the dot ("" if none). */
export function extensionOf(fileName: string): string {
  return extname(fileName).slice(1).toLowerCase();
}

function latin1(bytes: Uint8Array): string {
  return new TextDecoder("latin1").decode(bytes);
}

/**
 * A PDF starts with `%PDF-`. PDF readers also accept junk before the header
 * (within 1024 bytes); that is only trusted when the name or type says PDF,
 * so a text file that mentions `%PDF-` stays text.
 */
function isPdf(bytes: Uint8Array, saysPdf: boolean): boolean {
  const head = latin1(bytes.subarray(0, 1024));
  return head.startsWith(PDF_HEADER) || (saysPdf && head.includes(PDF_HEADER));
}

/** A zip whose central directory (at its end) names `word/document.xml`. */
function isDocxZip(bytes: Uint8Array): boolean {
  return latin1(bytes.subarray(Math.max(0, bytes.length - 65536))).includes("word/document.xml");
}

function looksLikeHtml(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 2048)).replace(/^\uFEFF/, "")
    .replace(/^(\s*<!--[\s\S]*?-->)+/, "").trimStart().toLowerCase();
  return head.startsWith("<!doctype html") || head.startsWith("<html") ||
    head.startsWith("<head") || (head.startsWith("<?xml") && head.includes("<html"));
}

function hasUtf16Bom(bytes: Uint8Array): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}

/**
 * True when the bytes look binary: a NUL byte in the first 8 KiB, unless the
 * text is UTF-16 (which is full of NULs) with a BOM, or without one: NULs in
 * at least 10% of the bytes of one parity and in almost none of the other
 * (the same test `decodeText` uses).
 */
export function looksBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 8192);
  if (hasUtf16Bom(head)) return false;
  let nulEven = 0;
  let nulOdd = 0;
  for (let i = 0; i < head.length; i++) {
    if (head[i] === 0) i % 2 === 0 ? nulEven++ : nulOdd++;
  }
  if (nulEven + nulOdd === 0) return false;
  const half = head.length / 2;
  const utf16le = nulOdd >= half * 0.1 && nulEven <= half * 0.01;
  const utf16be = nulEven >= half * 0.1 && nulOdd <= half * 0.01;
  return !(utf16le || utf16be);
}

/**
 * True for inputs that are parsed whole (PDF, zip-based): they cannot be
 * converted from their first bytes only, as text can. Decided by content
 * (the name only admits junk before a PDF header), before the rest is read.
 */
export function isParsedWhole(head: Uint8Array, fileName: string): boolean {
  return isPdf(head, BY_EXTENSION[extensionOf(fileName)] === "pdf") || magicType(head) === "zip";
}

/** Names the binary format of `bytes` when its magic number is known. */
export function magicType(bytes: Uint8Array): string | undefined {
  return MAGIC.find(([, prefix]) => startsWith(bytes, prefix))?.[0];
}

function unsupported(input: ReaderInput, what: string): InputError {
  return new InputError(
    "UNSUPPORTED_TYPE",
    `Cannot add '${input.source}': unsupported type ${what}`,
    input.source,
  );
}

/**
 * Returns the document type of an input.
 * @throws {InputError} `UNSUPPORTED_TYPE` naming the extension or detected type.
 */
export function detectType(input: ReaderInput): DocumentType {
  const ext = extensionOf(input.fileName);
  const byName = BY_EXTENSION[ext];
  const mime = input.contentType?.split(";")[0].trim().toLowerCase() ?? "";
  const byMime = BY_CONTENT_TYPE[mime];
  if (isPdf(input.bytes, byName === "pdf" || byMime === "pdf")) return "pdf";
  const magic = magicType(input.bytes);
  if (magic === "zip") {
    if (byName === "docx" || byMime === "docx" || isDocxZip(input.bytes)) return "docx";
    throw unsupported(input, `zip archive${ext ? ` (.${ext})` : ""}`);
  }
  if (magic !== undefined) throw unsupported(input, `${magic}${ext ? ` named .${ext}` : ""}`);
  if (looksBinary(input.bytes)) {
    throw unsupported(input, `binary data${ext ? ` named .${ext}` : ""}`);
  }
  if (looksLikeHtml(input.bytes) && byName !== "markdown" && byName !== "text") return "html";
  if (byName === "pdf" || byName === "docx") {
    throw unsupported(
      input,
      `text named .${ext} (the content is not a ${byName.toUpperCase()} file)`,
    );
  }
  if (byName !== undefined) return byName;
  if (byMime !== undefined && byMime !== "pdf" && byMime !== "docx") return byMime;
  if (!/^(image|audio|video|font|model)\//.test(mime) && readsAsText(input)) return "text";
  if (ext === "") throw unsupported(input, mime ? `'${mime}'` : "(no extension)");
  throw unsupported(input, `.${ext}`);
}

/**
 * True when bytes of no known type decode as text (the decoder's own rules
 * and confidence; see decode_text.ts), so that `README`, `NEWS`,
 * `copyright` or `README.Debian` are read as plain text.
 */
function readsAsText(input: ReaderInput): boolean {
  if (input.bytes.length === 0) return false;
  try {
    decodeText(input.bytes, input.source);
    return true;
  } catch {
    return false;
  }
}
