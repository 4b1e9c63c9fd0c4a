/**
 * The worker's side of `add --from-bundle`: a document prepared on another
 * machine is verified again (its entry's checksums) and its files are
 * copied into the worker's staging directory, so that the coordinator
 * commits it exactly like a document prepared here.
 *
 * @module
 */

import { join } from "node:path";
import { writeFileDurably } from "../core/durable_fs.ts";
import { InputError } from "../core/errors.ts";
import type { StagedDocument } from "../core/types.ts";
import { PreparedEntryError, readPreparedEntry } from "./prepared_entry.ts";

/**
 * Stages the prepared entry at `entryDir` as input `index`.
 * @throws {InputError} `CORRUPT` when the entry no longer verifies.
 */
export function stagePreparedEntry(
  index: number,
  entryDir: string,
  stagingDir: string,
): StagedDocument {
  const started = performance.now();
  let entry;
  try {
    entry = readPreparedEntry(entryDir);
  } catch (error) {
    if (!(error instanceof PreparedEntryError)) throw error;
    throw new InputError("CORRUPT", error.message, entryDir);
  }
  const { document } = entry;
  Deno.mkdirSync(stagingDir, { recursive: true });
  for (const file of [document.rawFile, document.sourceFile]) {
    writeFileDurably(join(stagingDir, file), Deno.readFileSync(join(entryDir, file)));
  }
  return { index, stagingDir, ...document, ms: Math.round(performance.now() - started) };
}
