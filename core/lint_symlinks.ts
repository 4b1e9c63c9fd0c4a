/**
 * The `symlink` problems of `quire lint`: symbolic links among Quire's own
 * files. A folder or file of the fixed list in `own_tree.ts` is reported
 * alone (every other command refuses the knowledge base, and the other
 * checks would read through it); a single file linked under `raw/` or one of
 * Quire's own wiki folders is reported with the rest (`recompile` refuses a
 * linked original; a linked page is replaced, never written through). Links
 * in a person's own wiki folders are theirs and are not reported.
 *
 * @module
 */

import type { LintProblem } from "./lint_knowledge_base.ts";
import type { OwnSymlink } from "./own_tree.ts";

/** Problems for links in the knowledge base's own tree (from `findOwnSymlinks`). */
export function ownTreeProblems(links: OwnSymlink[]): LintProblem[] {
  return links.map((link) => ({
    kind: "symlink",
    path: link.path,
    detail:
      `a symbolic link to '${link.target}': Quire refuses to change or read this knowledge base until it is a real folder or file (other checks skipped)`,
  }));
}

const OWN_WIKI = /^wiki\/((sources|summaries|concepts|explorations)\/|(index|log)\.md$)/;

/** Problems for linked files met while walking `raw/` and `wiki/` (kb-relative paths). */
export function linkedFileProblems(rawLinks: string[], wikiLinks: string[]): LintProblem[] {
  return [...rawLinks, ...wikiLinks.filter((path) => OWN_WIKI.test(path))].map((path) => ({
    kind: "symlink",
    path,
    detail: path.startsWith("raw/")
      ? "a symbolic link: Quire does not read a document's original through a link (`recompile` refuses it); put the file itself here"
      : "a symbolic link: Quire replaces its pages instead of writing through links; put the file itself here",
  }));
}
