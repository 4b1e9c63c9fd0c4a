/**
 * Where everything of a knowledge base lives on disk. Paths stored in the
 * registry and the journal are relative to the knowledge base root and use
 * `/`; {@linkcode KbLayout.resolve} turns them into absolute paths.
 *
 * ```
 * <kb>/raw/<name>.<ext>            the original document, byte for byte
 * <kb>/wiki/AGENTS.md              conventions of the wiki (user-editable)
 * <kb>/wiki/index.md, log.md       derived from the registry
 * <kb>/wiki/index/documents-<n>.md every document of volume n (derived)
 * <kb>/wiki/index/concepts-<n>.md  an alphabetical stretch of the concept pages (derived)
 * <kb>/wiki/sources/<name>.md      full text as markdown
 * <kb>/wiki/summaries/<name>.md    front matter + summary + outline
 * <kb>/wiki/concepts/<slug>.md     one page per concept
 * <kb>/wiki/explorations/<name>.md saved answers of `query --save`
 * <kb>/.quire/config.json          settings
 * <kb>/.quire/registry.db          SQLite registry (the source of truth)
 * <kb>/.quire/staging/             private work areas
 * <kb>/.quire/cache/               prepared results by content (disposable)
 * <kb>/.quire/lock                 advisory lock file
 * ```
 *
 * @module
 */

import { join, resolve } from "node:path";

/** The absolute paths of one knowledge base. */
export interface KbLayout {
  root: string;
  raw: string;
  wiki: string;
  quire: string;
  config: string;
  registry: string;
  staging: string;
  /** Prepared results cached by content; never official state (see `prepare/prepared_cache.ts`). */
  cache: string;
  lock: string;
  /** Turns a kb-relative `/` path into an absolute one. */
  resolve(relative: string): string;
}

/** Returns the layout of the knowledge base rooted at `root`. */
export function kbLayout(root: string): KbLayout {
  const abs = resolve(root);
  const quire = join(abs, ".quire");
  return {
    root: abs,
    raw: join(abs, "raw"),
    wiki: join(abs, "wiki"),
    quire,
    config: join(quire, "config.json"),
    registry: join(quire, "registry.db"),
    staging: join(quire, "staging"),
    cache: join(quire, "cache"),
    lock: join(quire, "lock"),
    resolve: (relative: string) => join(abs, ...relative.split("/")),
  };
}

/** The kb-relative paths of a document's own pages. */
export interface DocumentPages {
  raw: string;
  source: string;
  summary: string;
}

/** Returns the kb-relative paths of the pages of document `name`. */
export function documentPages(name: string, ext: string): DocumentPages {
  return {
    raw: `raw/${name}.${ext}`,
    source: `wiki/sources/${name}.md`,
    summary: `wiki/summaries/${name}.md`,
  };
}

/** Shared pages derived from the registry, kb-relative. */
export const INDEX_PAGE = "wiki/index.md";
/** The operations log page, kb-relative. */
export const LOG_PAGE = "wiki/log.md";
/** The wiki conventions page, kb-relative. */
export const AGENTS_PAGE = "wiki/AGENTS.md";

/** Documents per volume of the index: volume n holds ids (n-1)·1000+1 to n·1000. */
export const VOLUME_DOCUMENTS = 1000;

/** Returns the volume of the index that lists the document with registry id `id`. */
export function volumeOf(id: number): number {
  return Math.floor((id - 1) / VOLUME_DOCUMENTS) + 1;
}

/** Returns the kb-relative path of the index page of volume `n`. */
export function volumePage(n: number): string {
  return `wiki/index/documents-${String(n).padStart(3, "0")}.md`;
}

/** Returns the kb-relative path of the index page listing concepts, number `id` (see `concept_lists.ts`). */
export function conceptListPage(id: number): string {
  return `wiki/index/concepts-${String(id).padStart(3, "0")}.md`;
}

/** Returns the wikilink target of a kb-relative wiki page (`wiki/x/y.md` → `x/y`). */
export function pageLink(page: string): string {
  return page.replace(/^wiki\//, "").replace(/\.md$/, "");
}

/** Returns the kb-relative path of the page of concept `slug`. */
export function conceptPage(slug: string): string {
  return `wiki/concepts/${slug}.md`;
}

/** Returns the kb-relative path of the saved exploration `name`. */
export function explorationPage(name: string): string {
  return `wiki/explorations/${name}.md`;
}
