/**
 * Rollback copies. Before a mutation publishes, every official path it will
 * replace or delete gets a second name under the mutation's rollback
 * directory (a hard link, so nothing is copied and the official path never
 * disappears: the publish then renames the new file over it). Rolling back
 * renames each copy back over its path and deletes paths the mutation
 * created. Both are idempotent: a rollback copy that is already back in
 * place is simply no longer there.
 *
 * The mutations of a group share one rollback directory, so each mutation
 * removes only its own copies, and the directory goes with the last of them.
 *
 * @module
 */

import { dirname } from "node:path";
import { crashPoint } from "../core/crash_point.ts";
import type { KbLayout } from "../core/layout.ts";
import {
  ensureDirectory,
  exists,
  linkOrCopy,
  removeIfEmpty,
  removeIfExists,
  renamePath,
  syncDirectory,
} from "../core/durable_fs.ts";
import type { JournalEntry } from "./journal.ts";

/**
 * Makes the rollback copies of a journaled mutation's existing paths; returns
 * whether it made any. They are durable once the caller has fsynced the
 * rollback directory ({@linkcode syncSnapshots}), once for a whole group.
 */
export function takeSnapshot(layout: KbLayout, entry: JournalEntry): boolean {
  const backups = entry.touched.filter((t) => t.backup !== null);
  if (backups.length === 0) return false;
  ensureDirectory(layout.resolve(entry.rollback));
  for (const touched of backups) {
    linkOrCopy(layout.resolve(touched.path), layout.resolve(touched.backup!));
  }
  return true;
}

/** Fsyncs the rollback directory shared by a group's mutations. */
export function syncSnapshots(layout: KbLayout, entry: JournalEntry): void {
  syncDirectory(layout.resolve(entry.rollback));
}

/**
 * Puts every touched path back as it was before the mutation, then removes
 * the mutation's rollback copies and staging. Safe to call on a mutation
 * that never started publishing, and safe to call twice.
 */
export function restoreSnapshot(layout: KbLayout, entry: JournalEntry): void {
  const parents = new Set<string>();
  let restored = 0;
  for (const touched of entry.touched.toReversed()) {
    const path = layout.resolve(touched.path);
    if (touched.backup === null) {
      removeIfExists(path);
    } else {
      const backup = layout.resolve(touched.backup);
      // No copy means the path was never replaced (or is already restored).
      if (!exists(backup)) continue;
      ensureDirectory(dirname(path));
      renamePath(backup, path);
    }
    parents.add(dirname(path));
    if (++restored === 1) crashPoint("rollback-partial");
  }
  for (const parent of [...parents].sort()) syncDirectory(parent);
  discardSnapshot(layout, entry);
}

/**
 * Removes a mutation's rollback copies, the rollback directory once it is
 * empty, and the mutation's staging directory (after commit or rollback).
 */
export function discardSnapshot(layout: KbLayout, entry: JournalEntry): void {
  for (const touched of entry.touched) {
    if (touched.backup !== null) removeIfExists(layout.resolve(touched.backup));
  }
  removeIfEmpty(layout.resolve(entry.rollback));
  if (entry.staging !== null) removeIfExists(layout.resolve(entry.staging));
}
