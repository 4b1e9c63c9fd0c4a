/**
 * Bytes to text. Order: a byte-order mark (UTF-8, UTF-16LE, UTF-16BE) decides;
 * else strict UTF-8; else the input is refused as `BAD_ENCODING` rather than
 * silently replacing characters.
 *
 * @module
 */

import { InputError } from "../core/errors.ts";

/** The decoded text and the encoding it was read as. */
export interface DecodedText {
  text: string;
  encoding: string;
}

function bomEncoding(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return undefined;
}

/**
 * Decodes `bytes` as text.
 * @throws {InputError} `BAD_ENCODING` when the bytes are not valid text.
 */
export function decodeText(bytes: Uint8Array, source: string): DecodedText {
  const bom = bomEncoding(bytes);
  if (bom !== undefined) {
    return { text: new TextDecoder(bom, { ignoreBOM: false }).decode(bytes), encoding: bom };
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    throw new InputError(
      "BAD_ENCODING",
      `Cannot read '${source}': the text is not valid UTF-8 and has no byte-order mark`,
      source,
    );
  }
}
