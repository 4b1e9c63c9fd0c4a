/**
 * Finding a wiki page from what a person or an agent names it: a path
 * (`wiki/summaries/x.md`, `summaries/x.md`, `summaries/x`), a wikilink as
 * written (`[[summaries/x#Intro|label]]`), or a bare name (`x`: the document
 * of that name, else the top-level, concept or exploration page of that
 * name). Names compare case-insensitively when the exact spelling is not
 * found.
 *
 * Nothing named can leave the wiki: a NUL, a backslash, an absolute path, a
 * `..` segment, a `.`-prefixed folder, or a page whose real path (after
 * symlinks) is outside the wiki's real path is refused, never read. Only
 * `.md` files are pages.
 *
 * @module
 */

import { posix } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { QuireError } from "./errors.ts";
import type { KbLayout } from "./layout.ts";
import { row } from "./registry.ts";
import { parseWikilink } from "./scan_page.ts";
import { pageKey } from "./wiki_links.ts";

/** A page found in the wiki. */
export interface WikiPage {
  /** kb-relative path, `wiki/…/x.md`. */
  path: string;
  /** The page's link key (`core/wiki_links.ts`). */
  key: string;
  /** The `#anchor` of a wikilink-style request, if it had one. */
  anchor: string | null;
  /** The document whose summary or source page this is, if any. */
  document: string | null;
}

function outside(request: string): QuireError {
  return new QuireError(
    "USAGE",
    `Cannot open page '${request}': it is outside the knowledge base's wiki`,
    { hint: "Name a page by its path inside wiki/ (e.g. summaries/NAME) or a document name" },
  );
}

/** The real path of the wiki folder, or null when there is none. */
function realWiki(layout: KbLayout): string | null {
  try {
    return Deno.realPathSync(layout.wiki);
  } catch {
    return null;
  }
}

/**
 * True when kb-relative `path` is a regular `.md` file inside the wiki.
 * @throws {QuireError} `USAGE` when it exists but its real path leaves the wiki.
 */
function isPage(layout: KbLayout, wiki: string, path: string, request: string): boolean {
  if (!path.toLowerCase().endsWith(".md")) return false;
  let real: string;
  try {
    real = Deno.realPathSync(layout.resolve(path));
  } catch {
    return false;
  }
  if (!real.startsWith(wiki + "/")) throw outside(request);
  try {
    return Deno.statSync(real).isFile;
  } catch {
    return false;
  }
}

/** Checks a client-given path for ways out of the wiki; returns it cleaned. */
function cleanRequest(request: string): string {
  const text = request.trim();
  if (
    text.includes("\0") || text.includes("\\") || text.startsWith("/") || /^[A-Za-z]:/.test(text) ||
    text.split("/").some((part) => part === ".." || (part.startsWith(".") && part !== "."))
  ) throw outside(request);
  return posix.normalize(text).replace(/^(\.\/)+/, "").replace(/^wiki\//, "");
}

function documentOf(path: string): string | null {
  const match = /^wiki\/(?:summaries|sources)\/([^/]+)\.md$/.exec(path);
  return match ? match[1] : null;
}

/**
 * Finds the page a request names (see the module comment).
 * @throws {QuireError} `USAGE` for a path outside the wiki, `NOT_FOUND` when no page matches.
 */
export function resolveWikiPage(layout: KbLayout, db: DatabaseSync, request: string): WikiPage {
  let text = request.trim();
  let anchor: string | null = null;
  const link = /^!?\[\[([^[\]\n]*)\]\]$/.exec(text);
  if (link) {
    const parsed = parseWikilink(link[1]);
    text = parsed?.target ?? "";
    anchor = parsed?.anchor ?? null;
  }
  const clean = cleanRequest(text);
  if (clean === "" || clean === ".") {
    throw new QuireError("USAGE", `Cannot open page '${request}': no page is named`, {
      hint: "Name a page by its path inside wiki/ (e.g. summaries/NAME) or a document name",
    });
  }
  const wiki = realWiki(layout);
  const candidates: string[] = [];
  const bare = clean.replace(/\.md$/i, "");
  if (!bare.includes("/")) {
    for (const name of [bare, bare.toLowerCase()]) {
      if (row(db, "SELECT 1 FROM documents WHERE name = ?", name) !== undefined) {
        candidates.push(`wiki/summaries/${name}.md`);
      }
    }
  }
  for (const form of [bare, bare.toLowerCase()]) {
    candidates.push(`wiki/${form}.md`);
    if (!form.includes("/")) {
      candidates.push(`wiki/concepts/${form}.md`, `wiki/explorations/${form}.md`);
    }
  }
  if (wiki !== null) {
    for (const path of new Set(candidates)) {
      if (isPage(layout, wiki, path, request)) {
        return { path, key: pageKey(path), anchor, document: documentOf(path) };
      }
    }
  }
  throw new QuireError(
    "NOT_FOUND",
    `Cannot find page '${request}': no page of the wiki has this path or name`,
    { hint: "Find pages with `quire search` or `quire list`; paths look like summaries/NAME" },
  );
}

/**
 * Returns the page a wikilink target on page `from` (kb-relative) points
 * to, or null when none exists or it would leave the wiki. Tried in order:
 * the vault path, the path relative to `from`'s folder, then for a bare
 * name what {@linkcode resolveWikiPage} tries.
 */
export function resolveLinkTarget(
  layout: KbLayout,
  db: DatabaseSync,
  from: string,
  target: string,
): string | null {
  const clean = target.trim().replace(/^\/+/, "");
  if (clean === "") return from;
  const tries = [clean, posix.join(posix.dirname(from.replace(/^wiki\//, "")), clean)];
  for (const attempt of tries) {
    try {
      return resolveWikiPage(layout, db, attempt).path;
    } catch {
      // Try the next form.
    }
  }
  return null;
}
