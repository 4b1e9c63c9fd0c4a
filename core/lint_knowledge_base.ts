/**
 * `quire lint`, read-only: checks that the wiki's links resolve and that the
 * files on disk and the registry agree. It takes no lock and writes nothing.
 *
 * Problems found:
 *
 * - `symlink`: a symbolic link among Quire's own files (`lint_symlinks.ts`).
 * - `broken-link`: a `[[wikilink]]` in any `wiki/**\/*.md` page whose target
 *   does not resolve, or whose `#heading` is not a heading of the target.
 *   Unresolved links inside `wiki/sources/` pages are not reported: a source
 *   page is the document's own text, and a markdown document written for
 *   another vault links to notes that are not in this one.
 * - `orphan-page`: a page under `summaries/`, `concepts/` or `explorations/`
 *   that no other page links to.
 * - `untracked-file`: a file under `raw/`, `wiki/sources/`,
 *   `wiki/summaries/` or `wiki/explorations/` that belongs to no document or
 *   exploration of the registry.
 * - `missing-file`: a document's original, source page or summary page, or
 *   an exploration's page, that is not on disk.
 * - `leftover-staging`, `pending-journal`, `pending-pages`: traces of an
 *   interrupted change (what `quire recover` cleans up). They are skipped
 *   while another process holds the lock, since they are then the normal
 *   state of a change in progress.
 *
 * How links resolve (choices made where the spec was silent), first match
 * wins, names compared case-insensitively as Obsidian does:
 *
 * 1. `wiki/<target>.md` or `wiki/<target>` (the vault path);
 * 2. the same relative to the linking page's folder (`./x`, `../x`, `x`);
 * 3. for a target without `/`, the one file whose name (without `.md`) is
 *    the target, anywhere in the wiki. Several such files make the link
 *    ambiguous, which is reported as broken.
 *
 * A `#heading` anchor matches a heading of the target page compared by
 * letters and digits only, case-folded (see `scan_page.ts`); a `#^block`
 * anchor is not checked beyond its page. Dot files and dot folders (such
 * as Obsidian's `.obsidian/`) are ignored everywhere; a page that only
 * links to itself is still an orphan. Empty folders under
 * `.quire/staging/` are not reported (they hold nothing); each top-level
 * file, and each entry inside a top-level folder, is.
 *
 * Cost: one walk of `raw/`, `wiki/` and `.quire/staging/`, one read of
 * every wiki page (a few at a time), and a few registry queries; every
 * check after that is a set lookup, so lint is linear in the size of the
 * knowledge base. A page's links are checked as soon as it is read and not
 * kept; what stays in memory is the heading keys of every page (anchors are
 * checked against them) and the set of linked pages.
 *
 * @module
 */

import { rows } from "./registry.ts";
import type { DatabaseSync } from "node:sqlite";
import { documentPages, explorationPage, type KbLayout } from "./layout.ts";
import { activeWriter } from "./read_status.ts";
import { linkedFileProblems } from "./lint_symlinks.ts";
import { type Found, LinkChecker, LinkResolver } from "./link_checker.ts";
import { headingKey, headingText, type ScannedPage, scanPage } from "./scan_page.ts";

/** The kinds of problem lint reports, in the order reports list them. */
export const LINT_KINDS = [
  "symlink",
  "broken-link",
  "orphan-page",
  "untracked-file",
  "missing-file",
  "leftover-staging",
  "pending-journal",
  "pending-pages",
] as const;

/** One kind of problem. */
export type LintKind = typeof LINT_KINDS[number];

/** One problem found by lint. */
export interface LintProblem {
  kind: LintKind;
  /** kb-relative path of the file the problem is in or about. */
  path: string;
  /** What is wrong, in words. */
  detail: string;
}

/** What lint found, sorted by kind (in {@linkcode LINT_KINDS} order), then path. */
export interface LintReport {
  problems: LintProblem[];
}

/** Options of {@linkcode lintKnowledgeBase}. */
export interface LintOptions {
  /**
   * Whether another process is changing the knowledge base now; if so,
   * staging, journals and queued pages are not reported.
   * @default whether the lock file names a live process other than this one
   */
  writerActive?: boolean;
  /** Pages read at once. @default 8 */
  concurrency?: number;
}

/** Pages that are never orphans even when nothing links to them, wiki-relative. */
const ORPHAN_CANDIDATE = /^(summaries|concepts|explorations)\/[^/]+\.md$/;

/**
 * Lists the files under `dir` (recursively, skipping dot entries), relative
 * and `/`-separated; symbolic links among them are also added to `links`.
 */
async function listFiles(dir: string, links: string[], prefix = "", files: string[] = []) {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return files;
    }
    throw error;
  }
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const path = prefix + entry.name;
    if (entry.isSymlink) links.push(path);
    if (entry.isDirectory) await listFiles(`${dir}/${entry.name}`, links, `${path}/`, files);
    else files.push(path);
  }
  return files;
}

/**
 * Reads every page (a few at a time), puts the keys of its headings (what
 * anchors are checked against) in `headings`, and hands its scan to `visit`
 * as soon as it is read, so that no page's links are kept.
 */
async function scanPages(
  wiki: string,
  pages: string[],
  options: {
    concurrency: number;
    headings: Map<string, Set<string>>;
    visit: (page: string, scanned: ScannedPage) => void;
  },
): Promise<void> {
  const headings = options.headings;
  let next = 0;
  const work = async () => {
    while (next < pages.length) {
      const page = pages[next++];
      let text: string;
      try {
        text = await Deno.readTextFile(`${wiki}/${page}`);
      } catch {
        text = ""; // A page that vanished or cannot be read has no links and no headings.
      }
      const scanned = scanPage(text);
      const keys = new Set<string>();
      for (const heading of scanned.headings) {
        keys.add(headingKey(heading));
        keys.add(headingKey(headingText(heading)));
      }
      headings.set(page, keys);
      options.visit(page, scanned);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, work));
}

function checkOrphans(pages: string[], linkedTo: Set<string>): LintProblem[] {
  return pages
    .filter((page) => ORPHAN_CANDIDATE.test(page) && !linkedTo.has(page))
    .map((page) => ({
      kind: "orphan-page" as const,
      path: `wiki/${page}`,
      detail: "no other page links to it",
    }));
}

function checkFiles(db: DatabaseSync, onDisk: Set<string>): LintProblem[] {
  const problems: LintProblem[] = [];
  const expected = new Set<string>();
  const documents = rows<{ name: string; ext: string }>(
    db,
    "SELECT name, ext FROM documents ORDER BY name",
  );
  for (const d of documents) {
    const pages = documentPages(d.name, d.ext);
    const owned = [
      [pages.raw, "original"],
      [pages.source, "source page"],
      [pages.summary, "summary page"],
    ];
    for (const [path, what] of owned) {
      expected.add(path);
      if (!onDisk.has(path)) {
        problems.push({
          kind: "missing-file",
          path,
          detail: `the ${what} of document '${d.name}' is not on disk`,
        });
      }
    }
  }
  const explorations = rows<{ name: string }>(db, "SELECT name FROM explorations ORDER BY name");
  for (const e of explorations) {
    const path = explorationPage(e.name);
    expected.add(path);
    if (!onDisk.has(path)) {
      problems.push({
        kind: "missing-file",
        path,
        detail: `the page of exploration '${e.name}' is not on disk`,
      });
    }
  }
  const tracked = /^(raw\/|wiki\/(sources|summaries|explorations)\/)/;
  for (const path of onDisk) {
    if (!tracked.test(path) || expected.has(path)) continue;
    const owner = path.startsWith("wiki/explorations/") ? "exploration" : "document";
    problems.push({
      kind: "untracked-file",
      path,
      detail: `no ${owner} of the registry owns this file`,
    });
  }
  return problems;
}

async function checkStaging(layout: KbLayout): Promise<LintProblem[]> {
  const problems: LintProblem[] = [];
  let top: Deno.DirEntry[];
  try {
    top = await Array.fromAsync(Deno.readDir(layout.staging));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return problems;
    throw error;
  }
  const detail = "left by an interrupted change; `quire recover` removes it";
  for (const entry of top) {
    const path = `.quire/staging/${entry.name}`;
    if (!entry.isDirectory) {
      problems.push({ kind: "leftover-staging", path, detail });
      continue;
    }
    for await (const child of Deno.readDir(`${layout.staging}/${entry.name}`)) {
      const childPath = `${path}/${child.name}`;
      if (child.isDirectory && (await listFiles(`${layout.root}/${childPath}`, [])).length === 0) {
        continue;
      }
      problems.push({ kind: "leftover-staging", path: childPath, detail });
    }
  }
  return problems;
}

function checkRegistryQueues(db: DatabaseSync): LintProblem[] {
  const problems: LintProblem[] = [];
  const journals = rows<{ id: number; kind: string; status: string; target: string }>(
    db,
    "SELECT id, kind, status, target FROM mutations ORDER BY id",
  );
  for (const j of journals) {
    problems.push({
      kind: "pending-journal",
      path: ".quire/registry.db",
      detail: `journal ${j.id}: ${j.status} ${j.kind} of '${j.target}'; \`quire recover\` ${
        j.status === "active" ? "rolls it back" : "finishes it"
      }`,
    });
  }
  const pages = rows<{ path: string }>(db, "SELECT path FROM pending_pages ORDER BY path");
  for (const p of pages) {
    problems.push({
      kind: "pending-pages",
      path: p.path,
      detail: "queued for rebuilding by an interrupted change; `quire recover` rebuilds it",
    });
  }
  return problems;
}

function compareProblems(a: LintProblem, b: LintProblem): number {
  const kind = LINT_KINDS.indexOf(a.kind) - LINT_KINDS.indexOf(b.kind);
  if (kind !== 0) return kind;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * Checks a knowledge base without changing it; `db` is an open (read-only
 * is enough) registry connection.
 */
export async function lintKnowledgeBase(
  layout: KbLayout,
  db: DatabaseSync,
  options: LintOptions = {},
): Promise<LintReport> {
  const writerActive = options.writerActive ?? activeWriter(layout) !== null;
  const [wikiLinks, rawLinks]: string[][] = [[], []];
  const wikiFiles = (await listFiles(layout.wiki, wikiLinks)).sort();
  const rawFiles = await listFiles(layout.raw, rawLinks);
  const pages = wikiFiles.filter((file) => file.toLowerCase().endsWith(".md"));
  const checker = new LinkChecker(new LinkResolver(wikiFiles));
  const headings = new Map<string, Set<string>>();
  await scanPages(layout.wiki, pages, {
    concurrency: options.concurrency ?? 8,
    headings,
    visit: (page, scanned) => checker.visit(page, scanned, headings),
  });
  checker.finish(headings);
  const onDisk = new Set([
    ...rawFiles.map((file) => `raw/${file}`),
    ...wikiFiles.map((file) => `wiki/${file}`),
  ]);
  const found: Found[] = [
    ...checker.found,
    ...[
      ...linkedFileProblems(rawLinks.map((p) => `raw/${p}`), wikiLinks.map((p) => `wiki/${p}`)),
      ...checkOrphans(pages, checker.linkedTo),
      ...checkFiles(db, onDisk),
    ].map((problem) => ({ problem, line: 0 })),
  ];
  if (!writerActive) {
    for (const problem of [...await checkStaging(layout), ...checkRegistryQueues(db)]) {
      found.push({ problem, line: 0 });
    }
  }
  // By kind, path and line; a stable sort keeps registry order within a path.
  found.sort((a, b) => compareProblems(a.problem, b.problem) || a.line - b.line);
  return { problems: found.map((f) => f.problem) };
}
