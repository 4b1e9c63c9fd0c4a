/**
 * The worker's side of `add --from-bundle`: a document prepared on another
 * machine is verified again (its entry's checksums) and its files are
 * copied into the batch's staging directory under this input's staging
 * name, so that the coordinator commits it exactly like a document prepared
 * here.
 *
 * @module
 */

import { basename, join } from "node:path";
import { removeIfExists } from "../core/durable_fs.ts";
import { InputError } from "../core/errors.ts";
import { type StagedDocument, stagedFiles } from "../core/types.ts";
import { PreparedEntryError, readPreparedEntry } from "./prepared_entry.ts";

/**
 * Stages the prepared entry at `entryDir` as input `index`.
 * @throws {InputError} `CORRUPT` when the entry no longer verifies.
 */
export function stagePreparedEntry(
  index: number,
  entryDir: string,
  staging: { stagingDir: string; stagingName: string },
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
  const files = stagedFiles(staging.stagingDir, staging.stagingName);
  try {
    // Not fsynced here: the batch fsyncs a group's staged files at once.
    Deno.copyFileSync(join(entryDir, document.rawFile), files.raw);
    Deno.copyFileSync(join(entryDir, document.sourceFile), files.source);
    Deno.writeFileSync(files.summary, new Uint8Array());
  } catch (error) {
    for (const file of [files.raw, files.source, files.summary]) removeIfExists(file);
    throw error;
  }
  return {
    ...document,
    index,
    stagingDir: staging.stagingDir,
    stagingName: staging.stagingName,
    rawFile: basename(files.raw),
    sourceFile: basename(files.source),
    ms: Math.round(performance.now() - started),
  };
}
