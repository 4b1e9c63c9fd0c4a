/**
 * Rebuilding shared pages (`index.md`, `log.md`, `concepts/*.md`): each is a
 * pure function of the registry, so it is never snapshotted. Commits queue
 * the pages they affect in `pending_pages`; this rebuilds the queue once per
 * batch (and during recovery), each page written to staging, fsynced and
 * renamed into place, and only then clears the queue. A crash in between
 * leaves the queue full, and the next recovery rebuilds the same pages again.
 *
 * A summary page can be queued too: then only its generated "Linked from"
 * block is re-rendered (`pages/render_backlinks_block.ts`), and the file is
 * left alone when the block is unchanged or the document is gone.
 *
 * When a concept page appears or disappears, the pages of the concepts it
 * shares documents with list it (or should) under "Related concepts", so
 * they are queued too — durably, before the page changes, so that a crash in
 * between cannot leave a related link pointing at a page that is gone.
 *
 * @module
 */

import { dirname } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { crashPoint } from "../core/crash_point.ts";
import { conceptPage, INDEX_PAGE, type KbLayout, LOG_PAGE } from "../core/layout.ts";
import { inTransaction, rows } from "../core/registry.ts";
import { ConceptLookup, type ConceptRule } from "./pages/concept_pages.ts";
import { removeIfExists, replaceFile, syncDirectory } from "../core/durable_fs.ts";
import { coOccurringConcepts, isLivePage, renderConceptPage } from "./pages/render_concept_page.ts";
import { renderIndexPage } from "./pages/render_index_page.ts";
import { renderLogPage } from "./pages/render_log_page.ts";
import { refreshBacklinks } from "./pages/render_backlinks_block.ts";

/**
 * Reads the current page, if any. A page that is a symbolic link is not
 * read (its text is not ours to keep) and is then replaced by the rebuilt
 * page: the rename replaces the link, never what it points to.
 */
async function readIfExists(path: string): Promise<string | null> {
  try {
    if ((await Deno.lstat(path)).isSymlink) return null;
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

const CONCEPT_PAGE = /^wiki\/concepts\/([^/]+)\.md$/;
const SUMMARY_PAGE = /^wiki\/summaries\/([^/]+)\.md$/;

/** Renders one shared page; null means the page should not exist. */
function renderSharedPage(
  concepts: ConceptLookup,
  page: string,
  existing: string | null,
): string | null {
  if (page === INDEX_PAGE) return renderIndexPage(concepts.db, concepts.rule);
  if (page === LOG_PAGE) return renderLogPage(concepts.db);
  const concept = CONCEPT_PAGE.exec(page);
  if (concept) return renderConceptPage(concepts, concept[1], existing);
  throw new Error(`Unknown shared page '${page}' in the rebuild queue`);
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
  const queued = (rows<{
    path: string;
  }>(db, "SELECT path FROM pending_pages ORDER BY path")).map((row) => row.path);
  const seen = new Set(queued);
  const concepts = new ConceptLookup(db, options.rule);
  let done = 0;
  for (let i = 0; i < queued.length; i++) {
    const page = queued[i];
    const path = layout.resolve(page);
    const existing = await readIfExists(path);
    const summary = SUMMARY_PAGE.exec(page);
    if (summary) {
      const refreshed = refreshBacklinks(db, summary[1], existing);
      if (refreshed === null) continue;
      replaceFile(path, refreshed, `${layout.staging}/pages`);
      if (++done === 1) crashPoint("rebuild-partial");
      continue;
    }
    const text = renderSharedPage(concepts, page, existing);
    const concept = CONCEPT_PAGE.exec(page);
    if (concept && isLivePage(existing) !== isLivePage(text)) {
      const relatedPages = coOccurringConcepts(db, concept[1]).map(conceptPage)
        .filter((p) => !seen.has(p));
      queueSharedPages(db, relatedPages);
      for (const related of relatedPages) {
        seen.add(related);
        queued.push(related);
      }
    }
    if (text === null) {
      removeIfExists(path);
      syncDirectory(dirname(path));
    } else {
      replaceFile(path, text, `${layout.staging}/pages`);
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
  if (pages.length === 0) return;
  inTransaction(db, () => {
    const queue = db.prepare("INSERT OR IGNORE INTO pending_pages (path) VALUES (?)");
    for (const page of pages) queue.run(page);
  });
}
