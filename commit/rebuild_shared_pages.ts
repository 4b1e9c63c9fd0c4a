/**
 * Rebuilding shared pages (`index.md`, `index/*.md`, `log.md`,
 * `concepts/*.md`), and the generated "Linked from" block of summary pages:
 * each is a pure function of the registry, so it is never snapshotted. A
 * queued summary page gets only its block rewritten (the rest of the page
 * is its document's, written by the coordinator), and is left alone when
 * the block is unchanged or the document is gone. Commits queue
 * the pages they affect in `pending_pages`; this rebuilds the queue once per
 * batch (and during recovery) and only then clears the queue. A crash in
 * between leaves the queue full, and the next recovery rebuilds the same
 * pages again.
 *
 * Pages are rebuilt in chunks of {@linkcode REBUILD_CHUNK}: each page of a
 * chunk is rendered and written under a temporary name in staging, all of
 * them are fsynced at once (their waits for the disk overlap), then each is
 * renamed over its page, so that any page is always either its old or its
 * new version. The directories are fsynced together, at the end, before the
 * queue is cleared. Memory holds one chunk of pages, whatever the queue's
 * length.
 *
 * When a concept page appears or disappears, the pages of the concepts it
 * shares documents with list it (or should) under "Related concepts", and
 * so does the concept list of its stretch of the alphabet (`index/concepts-<n>.md`),
 * so they are queued too — durably, before any page of the chunk changes,
 * so that a crash in between cannot leave a link pointing at a page that is
 * gone. (The commit marker queues the document index's volume of every
 * document it adds, updates or removes.)
 *
 * @module
 */

import { basename, dirname } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { crashPoint } from "../core/crash_point.ts";
import {
  conceptListPage,
  conceptPage,
  documentPages,
  INDEX_PAGE,
  type KbLayout,
  LOG_PAGE,
} from "../core/layout.ts";
import { inReadTransaction, inTransaction, row, rows, statement } from "../core/registry.ts";
import { ConceptLookup, type ConceptRule } from "./pages/concept_pages.ts";
import {
  ensureDirectory,
  exists,
  readTextIfExists,
  removeIfExists,
  renamePath,
  syncDirectories,
  writeFiles,
} from "../core/durable_fs.ts";
import { coOccurringConcepts, isLivePage, renderConceptPage } from "./pages/render_concept_page.ts";
import { conceptListOf, cutConceptList } from "./pages/concept_lists.ts";
import { renderConceptListPage } from "./pages/render_concept_list_page.ts";
import { renderIndexPage } from "./pages/render_index_page.ts";
import { renderLogPage } from "./pages/render_log_page.ts";
import { renderVolumePage } from "./pages/render_volume_page.ts";
import { refreshBacklinks } from "./pages/render_backlinks_block.ts";
import type { PublishedFile } from "./publish.ts";
import { recordFiles } from "./write_commit_marker.ts";

const CONCEPT_PAGE = /^wiki\/concepts\/([^/]+)\.md$/;
const VOLUME_PAGE = /^wiki\/index\/documents-(\d+)\.md$/;
const CONCEPT_LIST_PAGE = /^wiki\/index\/concepts-(\d+)\.md$/;
const SUMMARY_PAGE = /^wiki\/summaries\/([^/]+)\.md$/;

/** Renders one shared page; null means the page should not exist. */
function renderSharedPage(
  concepts: ConceptLookup,
  page: string,
  existing: string | null,
): string | null {
  if (page === INDEX_PAGE) return renderIndexPage(concepts);
  if (page === LOG_PAGE) return renderLogPage(concepts.db);
  const concept = CONCEPT_PAGE.exec(page);
  if (concept) return renderConceptPage(concepts, concept[1], existing);
  const volume = VOLUME_PAGE.exec(page);
  if (volume) return renderVolumePage(concepts.db, Number(volume[1]));
  const list = CONCEPT_LIST_PAGE.exec(page);
  if (list) return renderConceptListPage(concepts.db, Number(list[1]), concepts.rule);
  throw new Error(`Unknown shared page '${page}' in the rebuild queue`);
}

/** The size of document `name`'s own files (original, source and summary), or null when it is gone. */
function documentFileBytes(layout: KbLayout, db: DatabaseSync, name: string): number | null {
  const document = row<{ ext: string }>(db, "SELECT ext FROM documents WHERE name = ?", name);
  if (document === undefined) return null;
  const pages = documentPages(name, document.ext);
  let total = 0;
  for (const page of [pages.raw, pages.source, pages.summary]) {
    try {
      total += Deno.lstatSync(layout.resolve(page)).size;
    } catch {
      // A missing file counts nothing; lint reports it.
    }
  }
  return total;
}

/** Options of {@linkcode rebuildSharedPages}. */
export interface RebuildOptions {
  /** The concept-page rule from the config. */
  rule: ConceptRule;
}

/** Pages rendered and written at once. */
export const REBUILD_CHUNK = 256;

/** Where the rebuild writes pages before renaming them into place. */
function pagesStaging(layout: KbLayout): string {
  return `${layout.staging}/pages`;
}

/** A new temporary file in {@linkcode pagesStaging} for the page at `path`. */
function stagedPage(layout: KbLayout, path: string): string {
  return `${pagesStaging(layout)}/${basename(path)}.tmp-${crypto.randomUUID()}`;
}

/** A chunk of queued pages, and what the rebuild has found so far. */
interface Chunk {
  pages: string[];
  /** Pages queued (to render, or rendered) in this rebuild. */
  seen: Set<string>;
  /** Pages rendered in this rebuild. */
  rendered: Set<string>;
  parents: Set<string>;
  files: PublishedFile[];
  /** Documents whose summary was queued: their own files are measured again. */
  summaries: Set<string>;
}

/** A page to write into place (or, with a null `path`, to delete). */
interface PageWrite {
  page: string;
  path: string | null;
  tmp: string;
  data: Uint8Array;
}

/** Rebuilds one chunk of pages; returns the related pages it queued. */
async function rebuildChunk(
  layout: KbLayout,
  concepts: ConceptLookup,
  chunk: Chunk,
): Promise<string[]> {
  ensureDirectory(pagesStaging(layout));
  // Most queued concepts have too few documents for a page, and no file:
  // they stay so, without a read or a write (only their `files` row, if any,
  // is dropped below).
  const absent = inReadTransaction(concepts.db, () =>
    chunk.pages.map((page) => {
      const concept = CONCEPT_PAGE.exec(page);
      return concept !== null && !concepts.hasPage(concept[1]) && !exists(layout.resolve(page));
    }));
  const existing = await Promise.all(
    chunk.pages.map((page, i) => absent[i] ? null : readTextIfExists(layout.resolve(page))),
  );
  // Rendering's reads, the list cuts and the queued related pages are one
  // transaction: the queries share one snapshot and one set of locks (each
  // on its own takes and drops the WAL's read lock), and the cuts are
  // durable before any page is written.
  const { related, writes } = inTransaction(
    concepts.db,
    () => renderChunk(layout, concepts, chunk, existing, absent),
  );
  await writeFiles(
    writes.filter((w) => w.path !== null).map((w) => ({
      path: w.tmp,
      data: w.data,
    })),
  );
  for (const [i, write] of writes.entries()) {
    const path = layout.resolve(write.page);
    if (write.path === null) {
      removeIfExists(path);
    } else {
      ensureDirectory(dirname(path));
      renamePath(write.tmp, path);
    }
    chunk.parents.add(dirname(path));
    if (i === 0) crashPoint("rebuild-partial");
  }
  return related;
}

/**
 * Renders a chunk's pages (`existing`: their current text; `absent`: left
 * alone), cutting concept lists grown too long and queueing the pages found
 * related on the way; the caller holds the transaction.
 */
function renderChunk(
  layout: KbLayout,
  concepts: ConceptLookup,
  chunk: Chunk,
  existing: (string | null)[],
  absent: boolean[],
): { related: string[]; writes: PageWrite[] } {
  const { db } = concepts;
  const related: string[] = [];
  const writes: PageWrite[] = [];
  const encoder = new TextEncoder();
  for (const [i, page] of chunk.pages.entries()) {
    const path = layout.resolve(page);
    const list = CONCEPT_LIST_PAGE.exec(page);
    if (list) {
      // A list grown too long is cut first, with its new parts queued: the
      // page is then rendered with its shorter stretch, and the index, which
      // links every list, again if it was rendered already.
      const added = cutConceptList(db, Number(list[1]), concepts.rule).map(conceptListPage);
      if (added.length > 0) {
        queueSharedPages(db, [...added, INDEX_PAGE]);
        related.push(...added);
        for (const other of added) chunk.seen.add(other);
        if (chunk.rendered.has(INDEX_PAGE) || !chunk.seen.has(INDEX_PAGE)) {
          chunk.rendered.delete(INDEX_PAGE);
          chunk.seen.add(INDEX_PAGE);
          related.push(INDEX_PAGE);
        }
      }
    }
    chunk.rendered.add(page);
    if (absent[i]) {
      chunk.files.push([page, null]);
      continue;
    }
    const summary = SUMMARY_PAGE.exec(page);
    if (summary) {
      // A summary is its document's file: its size is counted in the
      // document's row (measured again below), not in `files`.
      chunk.summaries.add(summary[1]);
      const refreshed = refreshBacklinks(db, summary[1], existing[i]);
      if (refreshed === null) continue;
      const tmp = stagedPage(layout, path);
      writes.push({ page, path, tmp, data: encoder.encode(refreshed) });
      continue;
    }
    const text = renderSharedPage(concepts, page, existing[i]);
    const concept = CONCEPT_PAGE.exec(page);
    if (concept && isLivePage(existing[i]) !== isLivePage(text)) {
      const list = conceptListPage(conceptListOf(db, concept[1]));
      const others = coOccurringConcepts(db, concept[1]).map(conceptPage);
      for (const other of [list, ...others]) {
        if (!chunk.seen.has(other)) {
          chunk.seen.add(other);
          related.push(other);
        }
      }
    }
    const tmp = stagedPage(layout, path);
    const data = encoder.encode(text ?? "");
    writes.push({ page, path: text === null ? null : path, tmp, data });
    chunk.files.push([page, text === null ? null : data.length]);
  }
  queueSharedPages(db, related);
  return { related, writes };
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
  // The index goes last: it links every concept list, which may be cut on the way.
  const queued = rows<{ path: string }>(db, "SELECT path FROM pending_pages ORDER BY path")
    .map((row) => row.path).sort((a, b) => Number(a === INDEX_PAGE) - Number(b === INDEX_PAGE));
  if (queued.length === 0) return 0;
  const seen = new Set(queued);
  const rendered = new Set<string>();
  const parents = new Set<string>();
  const files: PublishedFile[] = [];
  const summaries = new Set<string>();
  const concepts = new ConceptLookup(db, options.rule);
  // Related pages found along the way join the end of the queue.
  for (let start = 0; start < queued.length;) {
    const pages = queued.slice(start, start + REBUILD_CHUNK);
    start += pages.length;
    queued.push(
      ...await rebuildChunk(layout, concepts, { pages, seen, rendered, parents, files, summaries }),
    );
  }
  await syncDirectories([...parents].sort());
  // Measured whether or not the block changed this time, so that a rebuild
  // repeated after a crash still leaves the right sizes.
  const resized = [...summaries].flatMap((name) => {
    const bytes = documentFileBytes(layout, db, name);
    return bytes === null ? [] : [{ name, bytes }];
  });
  inTransaction(db, () => {
    const drop = statement(db, "DELETE FROM pending_pages WHERE path = ?");
    for (const page of queued) drop.run(page);
    recordFiles(db, files);
    const size = statement(db, "UPDATE documents SET disk_bytes = ? WHERE name = ?");
    for (const { name, bytes } of resized) size.run(bytes, name);
  });
  removeIfExists(pagesStaging(layout));
  return seen.size;
}

/** Queues shared pages for the next rebuild (outside a commit marker, e.g. at init). */
export function queueSharedPages(db: DatabaseSync, pages: string[]): void {
  if (pages.length === 0) return;
  const queue = () => {
    const insert = statement(db, "INSERT OR IGNORE INTO pending_pages (path) VALUES (?)");
    for (const page of pages) insert.run(page);
  };
  if (db.isTransaction) queue();
  else inTransaction(db, queue);
}
