/**
 * Gzip-compressed documents (`README.gz`, `changelog.Debian.gz`, `x.html.gz`)
 * are read as what they contain: the bytes are inflated, the `.gz` suffix is
 * dropped from the file name, and the result goes through type detection
 * like any other input. The original (compressed) bytes are what `raw/`
 * keeps, under the inner extension plus `.gz` (`raw/<name>.txt.gz`).
 *
 * Inflating is bounded: more than {@linkcode MAX_GUNZIP_BYTES} of output is
 * refused as `TOO_LARGE` without inflating further, so a gzip bomb costs
 * little. A damaged stream is `CORRUPT`. Only one level is unpacked: gzip
 * inside gzip, like a `.tar.gz`, is then refused by type detection.
 *
 * @module
 */

import { gunzipSync } from "node:zlib";
import { errorMessage, InputError } from "../../core/errors.ts";
import type { ReaderInput } from "./detect_type.ts";

/** Largest inflated size of a gzip-compressed document (64 MiB). */
export const MAX_GUNZIP_BYTES = 64 * 1024 * 1024;

/** True when the bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The file name without its compression suffix (`a.txt.gz` → `a.txt`, `a.tgz` → `a.tar`). */
export function innerFileName(fileName: string): string {
  if (/\.tgz$/i.test(fileName)) return fileName.slice(0, -4) + ".tar";
  return fileName.replace(/\.(gz|gzip)$/i, "");
}

/** Options of {@linkcode gunzipInput}. */
export interface GunzipOptions {
  /** Largest inflated size accepted. @default MAX_GUNZIP_BYTES */
  maxBytes?: number;
}

/**
 * Returns the input with its bytes inflated and its name and content type
 * describing the content.
 * @throws {InputError} `TOO_LARGE` past the cap, `CORRUPT` for a damaged stream.
 */
export function gunzipInput(input: ReaderInput, options: GunzipOptions = {}): ReaderInput {
  const maxBytes = options.maxBytes ?? MAX_GUNZIP_BYTES;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(gunzipSync(input.bytes, { maxOutputLength: maxBytes }));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError) {
      throw new InputError(
        "TOO_LARGE",
        `Cannot add '${input.source}': it inflates to more than ${maxBytes} bytes ` +
          `(the limit for gzip-compressed documents)`,
        input.source,
      );
    }
    throw new InputError(
      "CORRUPT",
      `Cannot read '${input.source}': the gzip data is damaged (${errorMessage(error)})`,
      input.source,
    );
  }
  const mime = input.contentType?.split(";")[0].trim().toLowerCase();
  const compressedType = mime === "application/gzip" || mime === "application/x-gzip";
  return {
    ...input,
    bytes,
    fileName: innerFileName(input.fileName),
    contentType: compressedType ? undefined : input.contentType,
  };
}
