/**
 * Rebuilding shared pages (`index.md`, `log.md`, `concepts/*.md`): each is a
 * pure function of the registry, so it is never snapshotted. Commits queue
 * the pages they affect in `pending_pages`; this rebuilds the queue once per
 * batch (and during recovery), each page written to staging, fsynced and
 * renamed into place, and only then clears the queue. A crash in between
 * leaves the queue full, and the next recovery rebuilds the same pages again.
 *
 * @module
 */

import { dirname } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { crashPoint } from "../core/crash_point.ts";
import { INDEX_PAGE, type KbLayout, LOG_PAGE } from "../core/layout.ts";
import { inTransaction } from "../core/registry.ts";
import type { ConceptRule } from "./concept_pages.ts";
import {
  ensureDirectory,
  removeIfExists,
  syncDirectory,
  writeFileDurably,
} from "../core/durable_fs.ts";
import { renderConceptPage } from "./render_concept_page.ts";
import { renderIndexPage } from "./render_index_page.ts";
import { renderLogPage } from "./render_log_page.ts";

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Renders one shared page; null means the page should not exist. */
async function renderSharedPage(
  db: DatabaseSync,
  layout: KbLayout,
  page: string,
  rule: ConceptRule,
): Promise<string | null> {
  if (page === INDEX_PAGE) return renderIndexPage(db, rule);
  if (page === LOG_PAGE) return renderLogPage(db);
  const concept = /^wiki\/concepts\/([^/]+)\.md$/.exec(page);
  if (concept) {
    return renderConceptPage(db, concept[1], rule, await readIfExists(layout.resolve(page)));
  }
  throw new Error(`Unknown shared page '${page}' in the rebuild queue`);
}

/** Writes `text` to `path` atomically: staged, fsynced, renamed, directory fsynced. */
async function replaceFile(layout: KbLayout, path: string, text: string): Promise<void> {
  const tmpDir = `${layout.staging}/pages`;
  ensureDirectory(tmpDir);
  const tmp = `${tmpDir}/${crypto.randomUUID()}.tmp`;
  writeFileDurably(tmp, text);
  ensureDirectory(dirname(path));
  await Deno.rename(tmp, path);
  syncDirectory(dirname(path));
}

/** Options of {@linkcode rebuildSharedPages}. */
export interface RebuildOptions {
  /** The concept-page rule from the config. */
  rule: ConceptRule;
}

/**
 * Rebuilds every queued shared page and clears the queue; returns how many
 * pages were written or deleted.
 */
export async function rebuildSharedPages(
  layout: KbLayout,
  db: DatabaseSync,
  options: RebuildOptions,
): Promise<number> {
  const queued = (db.prepare("SELECT path FROM pending_pages ORDER BY path").all() as unknown as {
    path: string;
  }[]).map((row) => row.path);
  let done = 0;
  for (const page of queued) {
    const text = await renderSharedPage(db, layout, page, options.rule);
    const path = layout.resolve(page);
    if (text === null) {
      removeIfExists(path);
      syncDirectory(dirname(path));
    } else {
      await replaceFile(layout, path, text);
    }
    if (++done === 1) crashPoint("rebuild-partial");
  }
  if (queued.length > 0) {
    inTransaction(db, () => {
      const drop = db.prepare("DELETE FROM pending_pages WHERE path = ?");
      for (const page of queued) drop.run(page);
    });
  }
  removeIfExists(`${layout.staging}/pages`);
  return done;
}

/** Queues shared pages for the next rebuild (outside a commit marker, e.g. at init). */
export function queueSharedPages(db: DatabaseSync, pages: string[]): void {
  inTransaction(db, () => {
    const queue = db.prepare("INSERT OR IGNORE INTO pending_pages (path) VALUES (?)");
    for (const page of pages) queue.run(page);
  });
}
