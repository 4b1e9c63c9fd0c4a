/**
 * Publishing: each staged file is renamed over its official path (or the
 * path is deleted). Staged files are already fsynced by whoever wrote them;
 * the directories that changed are fsynced once for a whole group
 * ({@linkcode syncPublished}), and only then may the commit marker be written.
 *
 * @module
 */

import { statSync } from "node:fs";
import { dirname } from "node:path";
import { crashPoint } from "../core/crash_point.ts";
import type { KbLayout } from "../core/layout.ts";
import {
  ensureDirectory,
  removeIfExists,
  renamePath,
  syncDirectories,
} from "../core/durable_fs.ts";
import type { JournalEntry } from "./journal.ts";

/** A published path (kb-relative) and its size, or null once deleted. */
export type PublishedFile = [path: string, bytes: number | null];

/**
 * Moves a journaled mutation's staged files into place, and adds the
 * directories it changed to `parents`; returns each path's new size, for the
 * registry's `files` table. Not durable until {@linkcode syncPublished}.
 */
export function publishChanges(
  layout: KbLayout,
  entry: JournalEntry,
  parents: Set<string>,
): PublishedFile[] {
  const published: PublishedFile[] = [];
  for (const [i, touched] of entry.touched.entries()) {
    const path = layout.resolve(touched.path);
    ensureDirectory(dirname(path));
    if (touched.staged === null) {
      removeIfExists(path);
      published.push([touched.path, null]);
    } else {
      renamePath(layout.resolve(touched.staged), path);
      published.push([touched.path, statSync(path).size]);
    }
    parents.add(dirname(path));
    if (i === 0) crashPoint("publish-partial");
  }
  return published;
}

/**
 * Fsyncs every directory a group's publish changed, so that its renames are
 * durable. The fsyncs run at once (a filesystem commits concurrent ones
 * together); this resolves when all are done.
 */
export async function syncPublished(parents: Set<string>): Promise<void> {
  await syncDirectories([...parents].sort());
}
