/**
 * Publishing: each staged file is renamed over its official path (or the
 * path is deleted), then every directory that changed is fsynced. Staged
 * files are already fsynced by whoever wrote them, so once this returns the
 * new tree is durable, and the commit marker may be written.
 *
 * @module
 */

import { dirname } from "node:path";
import { crashPoint } from "../core/crash_point.ts";
import type { KbLayout } from "../core/layout.ts";
import { ensureDirectory, removeIfExists, syncDirectory } from "../core/durable_fs.ts";
import type { JournalEntry } from "./journal.ts";

/** Moves a journaled mutation's staged files into place and makes that durable. */
export function publishChanges(layout: KbLayout, entry: JournalEntry): void {
  const parents = new Set<string>();
  for (const [i, touched] of entry.touched.entries()) {
    const path = layout.resolve(touched.path);
    ensureDirectory(dirname(path));
    if (touched.staged === null) removeIfExists(path);
    else Deno.renameSync(layout.resolve(touched.staged), path);
    parents.add(dirname(path));
    if (i === 0) crashPoint("publish-partial");
  }
  for (const parent of [...parents].sort()) syncDirectory(parent);
}
