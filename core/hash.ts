/**
 * SHA-256 content hashes, streamed with 1 MiB reads (the fastest way measured
 * here; see DEPENDENCIES.md §9).
 *
 * @module
 */

import { createHash } from "node:crypto";

/** Returns the lowercase hex SHA-256 of `bytes`. */
export function sha256Bytes(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Returns the lowercase hex SHA-256 and size of the file at `path`. */
export async function sha256File(path: string): Promise<{ hash: string; bytes: number }> {
  const hash = createHash("sha256");
  using file = await Deno.open(path, { read: true });
  const buffer = new Uint8Array(1 << 20);
  let bytes = 0;
  for (let n; (n = await file.read(buffer)) !== null;) {
    hash.update(buffer.subarray(0, n));
    bytes += n;
  }
  return { hash: hash.digest("hex"), bytes };
}
