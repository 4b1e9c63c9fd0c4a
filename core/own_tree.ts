/**
 * Quire's own tree holds no symbolic links. Quire deletes, renames and reads
 * under `raw/`, `wiki/` and `.quire/`; a link there (a `raw/` that points at
 * a folder elsewhere, a `.quire/staging` that points at someone's home)
 * would make it delete, overwrite or read as its own data files outside the
 * knowledge base. So a knowledge base with one is refused before anything is
 * read or changed, and `lint` reports it.
 *
 * The check is cheap on purpose (it runs for every command): one `lstat` per
 * path of a fixed list ({@linkcode OWN_PATHS}), plus one read of `wiki/`'s
 * top level for other folders linked there, never a walk of the tree. A
 * path under a linked folder is not looked at (the folder is reported).
 *
 * Not checked, by choice: the knowledge base folder itself (the user chose
 * it, a link to it is fine) and single files inside Quire's folders. Those
 * are handled where they are used: replacing a page renames over the link
 * itself (never writes through it), deleting one deletes the link, a linked
 * concept page's text is not read as user text, and `recompile` refuses a
 * linked original.
 *
 * @module
 */

import { QuireError } from "./errors.ts";
import type { KbLayout } from "./layout.ts";

/**
 * The kb-relative paths that must never be symbolic links: the folders
 * Quire writes in, and the files it writes or reads as its own in `.quire/`.
 */
export const OWN_PATHS: readonly string[] = [
  "raw",
  "wiki",
  "wiki/sources",
  "wiki/summaries",
  "wiki/concepts",
  "wiki/explorations",
  ".quire",
  ".quire/staging",
  ".quire/staging/prepare",
  ".quire/staging/rollback",
  ".quire/staging/pages",
  ".quire/staging/init",
  ".quire/staging/repair",
  ".quire/config.json",
  ".quire/registry.db",
  ".quire/registry.db-wal",
  ".quire/registry.db-shm",
  ".quire/lock",
  ".quire/watch.lock",
];

/** A symbolic link found in a knowledge base's own tree. */
export interface OwnSymlink {
  /** kb-relative path of the link. */
  path: string;
  /** What the link points to, as stored in it. */
  target: string;
}

function linkAt(layout: KbLayout, path: string): OwnSymlink | null {
  try {
    if (!Deno.lstatSync(layout.resolve(path)).isSymlink) return null;
  } catch {
    return null; // Missing (or unreadable, reported by whoever uses it).
  }
  let target = "?";
  try {
    target = Deno.readLinkSync(layout.resolve(path));
  } catch {
    // Keep "?": the link is reported either way.
  }
  return { path, target };
}

/** Other folders linked directly under `wiki/` (a link whose target is a folder). */
function linkedWikiFolders(layout: KbLayout, skip: Set<string>): OwnSymlink[] {
  const found: OwnSymlink[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(layout.wiki)];
  } catch {
    return found;
  }
  for (const entry of entries) {
    const path = `wiki/${entry.name}`;
    if (!entry.isSymlink || skip.has(path)) continue;
    try {
      if (!Deno.statSync(layout.resolve(path)).isDirectory) continue;
    } catch {
      continue; // Dangling: nothing is reached through it.
    }
    const link = linkAt(layout, path);
    if (link) found.push(link);
  }
  return found;
}

/** Lists the symbolic links in the knowledge base's own tree, sorted by path. */
export function findOwnSymlinks(layout: KbLayout): OwnSymlink[] {
  const found: OwnSymlink[] = [];
  for (const path of OWN_PATHS) {
    if (found.some((link) => path.startsWith(`${link.path}/`))) continue;
    const link = linkAt(layout, path);
    if (link) found.push(link);
  }
  if (!found.some((link) => link.path === "wiki")) {
    found.push(...linkedWikiFolders(layout, new Set(found.map((link) => link.path))));
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Refuses a knowledge base whose own tree holds a symbolic link.
 * @throws {QuireError} `SYMLINK` naming the first link and where it points.
 */
export function assertNoOwnSymlinks(layout: KbLayout): void {
  const links = findOwnSymlinks(layout);
  if (links.length === 0) return;
  const [first] = links;
  const more = links.length > 1 ? ` (and ${links.length - 1} more; \`quire lint\` lists them)` : "";
  throw new QuireError(
    "SYMLINK",
    `Cannot use knowledge base '${layout.root}': '${first.path}' is a symbolic link to '${first.target}'${more}`,
    {
      hint:
        "Quire never follows links in its own tree (it could delete or read files outside the knowledge base); replace the link with a real folder or file",
    },
  );
}
