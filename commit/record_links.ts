/**
 * Writing the link graph: replaces the recorded links of one page in the
 * registry's `wiki_links` table (see `core/wiki_links.ts`). Runs inside the
 * commit marker transaction, so a page's links change exactly when its
 * mutation commits.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { safeName } from "../core/naming.ts";

/** Replaces the link keys recorded for page `page` (a page key) with `links`. */
export function recordLinks(db: DatabaseSync, page: string, links: string[]): void {
  db.prepare("DELETE FROM wiki_links WHERE page = ?").run(page);
  if (links.length === 0) return;
  const insert = db.prepare("INSERT OR IGNORE INTO wiki_links (page, target) VALUES (?, ?)");
  for (const target of links) insert.run(page, target);
}

/** The document a link key names, if it names one: `summaries/<n>` or a bare `<n>`. */
function documentOfKey(key: string): string | null {
  if (key.startsWith("summaries/")) return key.slice("summaries/".length);
  return key.includes("/") ? null : key;
}

/**
 * The summary pages (kb-relative) whose "Linked from" block changes when a
 * page's recorded links go from `before` to `after`: those of the documents
 * named by a key in one list but not the other, or in either list when
 * `all` (the linking page's title changed, and the blocks show it). A key
 * need not name a registered document yet (it may be committed later in the
 * same group); the rebuild leaves a page alone when its document does not
 * exist. Only names Quire could have given are queued.
 */
export function backlinkPages(
  before: string[],
  after: string[],
  all = false,
): string[] {
  const old = new Set(before);
  const now = new Set(after);
  const changed = all
    ? new Set([...old, ...now])
    : new Set([...old, ...now].filter((key) => old.has(key) !== now.has(key)));
  const pages = new Set<string>();
  for (const key of changed) {
    const name = documentOfKey(key);
    if (name !== null && safeName(name) === name) pages.add(`wiki/summaries/${name}.md`);
  }
  return [...pages].sort();
}
