/**
 * Publishing: each staged file is renamed over its official path (or the
 * path is deleted). Staged files are already fsynced by whoever wrote them;
 * the directories that changed are fsynced once for a whole group
 * ({@linkcode syncPublished}), and only then may the commit marker be written.
 *
 * @module
 */

import { dirname } from "node:path";
import { crashPoint } from "../core/crash_point.ts";
import type { KbLayout } from "../core/layout.ts";
import { ensureDirectory, removeIfExists, syncDirectory } from "../core/durable_fs.ts";
import type { JournalEntry } from "./journal.ts";

/**
 * Moves a journaled mutation's staged files into place, and adds the
 * directories it changed to `parents`. Not durable until {@linkcode syncPublished}.
 */
export function publishChanges(layout: KbLayout, entry: JournalEntry, parents: Set<string>): void {
  for (const [i, touched] of entry.touched.entries()) {
    const path = layout.resolve(touched.path);
    ensureDirectory(dirname(path));
    if (touched.staged === null) removeIfExists(path);
    else Deno.renameSync(layout.resolve(touched.staged), path);
    parents.add(dirname(path));
    if (i === 0) crashPoint("publish-partial");
  }
}

/** Fsyncs every directory a group's publish changed, so that its renames are durable. */
export function syncPublished(parents: Set<string>): void {
  for (const parent of [...parents].sort()) syncDirectory(parent);
}
