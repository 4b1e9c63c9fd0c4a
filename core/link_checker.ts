/**
 * The link checks of `quire lint`: {@linkcode LinkResolver} resolves a
 * wikilink target against the wiki's files the way Obsidian does (see
 * `lint_knowledge_base.ts` for the rules), and {@linkcode LinkChecker}
 * checks each page's links as soon as the page is read, keeping only what
 * later checks need (linked pages, and anchors into pages not read yet).
 *
 * @module
 */

import { posix } from "node:path";
import type { LintProblem } from "./lint_knowledge_base.ts";
import { headingKey, type ScannedPage } from "./scan_page.ts";

/** Resolves wikilink targets against the set of wiki files. */
export class LinkResolver {
  #byPath = new Map<string, string>();
  #byName = new Map<string, string[]>();

  /** Indexes the wiki's files (wiki-relative paths). */
  constructor(files: string[]) {
    for (const file of files) {
      this.#byPath.set(file.toLowerCase(), file);
      const base = posix.basename(file).toLowerCase();
      const names = base.endsWith(".md") ? [base, base.slice(0, -3)] : [base];
      for (const name of names) {
        const list = this.#byName.get(name);
        if (list) list.push(file);
        else this.#byName.set(name, [file]);
      }
    }
  }

  #exact(path: string): string | undefined {
    const key = path.toLowerCase();
    return this.#byPath.get(`${key}.md`) ?? this.#byPath.get(key);
  }

  /** Returns the file a link from `page` points to, or why there is none. */
  resolve(target: string, page: string): { file: string } | { error: string } {
    if (target === "") return { file: page };
    const clean = target.replace(/^\/+/, "");
    const relative = /^\.\.?\//.test(clean);
    if (!relative) {
      const found = this.#exact(posix.normalize(clean));
      if (found) return { file: found };
    }
    const joined = posix.normalize(posix.join(posix.dirname(page), clean));
    if (!joined.startsWith("../")) {
      const found = this.#exact(joined);
      if (found) return { file: found };
    }
    if (!relative && !clean.includes("/")) {
      const matches = this.#byName.get(clean.toLowerCase()) ?? [];
      if (matches.length === 1) return { file: matches[0] };
      if (matches.length > 1) {
        return {
          error: `'${target}' is ambiguous: ${matches.length} pages have that name (${
            [...matches].sort().slice(0, 3).join(", ")
          }${matches.length > 3 ? ", …" : ""})`,
        };
      }
    }
    return { error: `no page '${target}' in the wiki` };
  }
}

/** A problem with the line it is on, for ordering the report. */
export interface Found {
  problem: LintProblem;
  line: number;
}

/**
 * Checks links page by page as pages are scanned: a link's target resolves
 * against the list of wiki files at once; an anchor is checked at once when
 * its target page was scanned already, and after the scan otherwise. Pages
 * are read in path order, so `sources/` comes before `summaries/`, whose
 * outlines link into it: most anchors are checked at once.
 */
export class LinkChecker {
  /** Broken links found so far, with their lines. */
  readonly found: Found[] = [];
  /** Pages some other page links to. */
  readonly linkedTo = new Set<string>();
  #resolver: LinkResolver;
  #pending: { page: string; file: string; anchor: string; where: string; line: number }[] = [];

  /** Checks links against `resolver`'s files. */
  constructor(resolver: LinkResolver) {
    this.#resolver = resolver;
  }

  /** Checks the links of `page`, just read; `headings` holds the pages read so far. */
  visit(page: string, scanned: ScannedPage, headings: Map<string, Set<string>>): void {
    for (const link of scanned.links) {
      const where = `${link.raw} on line ${link.line}`;
      const resolved = this.#resolver.resolve(link.target, page);
      if ("error" in resolved) {
        // A source page is the document's own text, links and all; its links
        // point into the author's world, not this wiki, and are not ours to fix.
        if (page.startsWith("sources/")) continue;
        this.#report(page, `${where}: ${resolved.error}`, link.line);
        continue;
      }
      if (resolved.file !== page) this.linkedTo.add(resolved.file);
      if (link.anchor === null || link.anchor.startsWith("^")) continue;
      if (!resolved.file.toLowerCase().endsWith(".md")) continue; // Nothing to anchor into.
      const pending = { page, file: resolved.file, anchor: link.anchor, where, line: link.line };
      if (resolved.file === page || headings.has(resolved.file)) {
        this.#checkAnchor(pending, headings);
      } else this.#pending.push(pending);
    }
  }

  /** Checks the anchors whose target page was read after the linking page. */
  finish(headings: Map<string, Set<string>>): void {
    for (const pending of this.#pending) this.#checkAnchor(pending, headings);
    this.#pending = [];
  }

  #checkAnchor(
    link: { page: string; file: string; anchor: string; where: string; line: number },
    headings: Map<string, Set<string>>,
  ): void {
    const target = headings.get(link.file);
    if (target === undefined || target.has(headingKey(link.anchor))) return;
    this.#report(
      link.page,
      `${link.where}: no heading '${link.anchor}' in 'wiki/${link.file}'`,
      link.line,
    );
  }

  #report(page: string, detail: string, line: number): void {
    this.found.push({ problem: { kind: "broken-link", path: `wiki/${page}`, detail }, line });
  }
}
