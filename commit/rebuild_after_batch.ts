/**
 * Rebuilding the shared pages once a batch is committed, without ever
 * undoing the batch: a failure of the disk or the registry leaves the pages
 * queued (`pagesPending`) for the next recovery.
 *
 * @module
 */

import { join } from "node:path";
import { InjectedFault } from "../core/crash_point.ts";
import { removeIfExists } from "../core/durable_fs.ts";
import { errorMessage, isDiskFull, QuireError } from "../core/errors.ts";
import { sqliteCode } from "../core/registry_file.ts";
import type { ChangeSession } from "./change_session.ts";

/**
 * Rebuilds the shared pages after a batch. A failure of the disk or the
 * registry (full, read-only, damaged) does not undo anything committed: it
 * is recorded as `pagesPending` (the pages stay queued for the next
 * recovery) and the half-written temporary pages are removed. After a failed
 * rollback any failure here is left to recovery. Other errors are thrown.
 */
export async function rebuildAfterBatch(
  session: ChangeSession,
  result: { rollbackFailed: string | null; pagesPending: string | null },
): Promise<void> {
  try {
    await session.rebuild();
  } catch (error) {
    if (result.rollbackFailed !== null) return;
    if (!isPageFailure(error)) throw error;
    try {
      removeIfExists(join(session.layout.staging, "pages"));
    } catch {
      // Recovery removes it.
    }
    const full = isDiskFull(error) || (error instanceof QuireError && error.code === "NO_SPACE");
    result.pagesPending =
      `Cannot rebuild the shared pages (index, log, concepts) of '${session.layout.root}': ${
        full ? "the disk is full" : "an I/O error"
      } (${errorMessage(error)}); everything above is committed; ${
        full ? "free some space, then " : "fix the cause, then "
      }run \`quire recover\` to rebuild them`;
  }
}

/**
 * True for a failure of the disk or the registry rather than of Quire's code
 * (an `InjectedFault` stands for an I/O error in the tests).
 */
function isPageFailure(error: unknown): boolean {
  if (error instanceof QuireError) {
    return ["NO_SPACE", "IO", "REGISTRY_DAMAGED"].includes(error.code);
  }
  if (error instanceof InjectedFault) return true;
  if (isDiskFull(error) || sqliteCode(error) !== undefined) return true;
  return Object.values(Deno.errors).some((kind) => error instanceof kind) ||
    /\(os error \d+\)/.test(errorMessage(error));
}
