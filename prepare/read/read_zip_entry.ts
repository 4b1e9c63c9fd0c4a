/**
 * Reads one small file out of a zip archive (an Office document's
 * `docProps/core.xml`, say) without a zip library: find the central
 * directory, find the entry, inflate it with `node:zlib`. Zip64 archives and
 * encrypted entries are not supported (the result is `undefined`), and the
 * inflated size is capped, so a zip bomb costs nothing.
 *
 * @module
 */

import { inflateRawSync } from "node:zlib";

/** Options of {@linkcode readZipEntry}. */
export interface ReadZipEntryOptions {
  /** Largest inflated size accepted; bigger entries give `undefined`. @default 1048576 */
  maxBytes?: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_ENTRY = 0x04034b50;

function findEndOfCentralDirectory(view: DataView): number {
  const last = view.byteLength - 22;
  for (let i = last; i >= Math.max(0, last - 65535); i--) {
    if (view.getUint32(i, true) === END_OF_CENTRAL_DIRECTORY) return i;
  }
  return -1;
}

/** Returns the bytes of entry `name`, or `undefined` when it is missing or unreadable. */
export function readZipEntry(
  zip: Uint8Array,
  name: string,
  options: ReadZipEntryOptions = {},
): Uint8Array | undefined {
  const maxBytes = options.maxBytes ?? 1 << 20;
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = findEndOfCentralDirectory(view);
  if (end < 0) return undefined;
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const decoder = new TextDecoder();
  try {
    for (let i = 0; i < count && at + 46 <= zip.length; i++) {
      if (view.getUint32(at, true) !== CENTRAL_ENTRY) return undefined;
      const flags = view.getUint16(at + 8, true);
      const method = view.getUint16(at + 10, true);
      const size = view.getUint32(at + 20, true);
      const nameLength = view.getUint16(at + 28, true);
      const skip = nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
      const local = view.getUint32(at + 42, true);
      const entryName = decoder.decode(zip.subarray(at + 46, at + 46 + nameLength));
      at += 46 + skip;
      if (entryName !== name) continue;
      if (flags & 1 || view.getUint32(local, true) !== LOCAL_ENTRY) return undefined;
      const start = local + 30 + view.getUint16(local + 26, true) +
        view.getUint16(local + 28, true);
      const data = zip.subarray(start, start + size);
      if (method === 0) return data.length <= maxBytes ? data : undefined;
      if (method !== 8) return undefined;
      return new Uint8Array(inflateRawSync(data, { maxOutputLength: maxBytes }));
    }
  } catch {
    // A truncated archive or an entry over the cap.
    return undefined;
  }
  return undefined;
}
