/**
 * Inflating compressed data only to measure it: the data is fed to a
 * `DecompressionStream` 16 KiB at a time (so one inflated piece is at most
 * about 16 MiB, deflate's ratio being at most about 1,032), each inflated
 * piece is handed to a callback and dropped, and the callback can stop the
 * inflating at once by throwing. Used by the zip-bomb and PDF-stream guards.
 *
 * @module
 */

const PIECE = 16 * 1024;

/** Options of {@linkcode inflatePieces}. */
export interface InflatePiecesOptions {
  /** `deflate-raw` (zip entries) or `deflate` (zlib, a PDF's FlateDecode). */
  format: "deflate" | "deflate-raw";
  /** Called with each inflated piece; throwing stops the inflating and is rethrown. */
  onPiece: (piece: Uint8Array) => void;
}

/**
 * Inflates `data` piece by piece; see the module notes.
 * @throws whatever `onPiece` throws, or a `TypeError` when the data does not inflate.
 */
export async function inflatePieces(data: Uint8Array, options: InflatePiecesOptions) {
  const stream = new DecompressionStream(options.format);
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const writing = (async () => {
    for (let at = 0; at < data.length; at += PIECE) {
      await writer.write(data.subarray(at, at + PIECE) as Uint8Array<ArrayBuffer>);
    }
    await writer.close();
  })();
  writing.catch(() => {}); // Its failure shows on the reading side.
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      options.onPiece(value);
    }
    await writing;
  } catch (error) {
    await reader.cancel().catch(() => {});
    await writer.abort().catch(() => {});
    throw error;
  }
}
