/**
 * Resolving a document's links at commit, the coordinator's half of the
 * link design (the worker's half is prepare/read/document_links.ts).
 *
 * Design: workers do not know document names (the coordinator chooses them
 * at commit, in input order), so a worker stages the source page with
 * `[text](quire-link:N)` placeholders and hands over each link's target as
 * data (an absolute path or URL, and a fragment). At commit, each
 * placeholder becomes, from the registry as it stands at that instant:
 *
 * - a wikilink `[[sources/<name>|text]]` when the target is a document of
 *   the knowledge base (one indexed lookup by source per distinct link, so
 *   the cost of a commit does not grow with the knowledge base), with
 *   `#Heading` when the fragment names a heading of it (a heading's HTML
 *   ids, its slug, or its text);
 * - for a link into the document itself, a wikilink to the heading in its
 *   own sources page when one matches, else plain text;
 * - an external link `[text](url)` for an `http(s)` URL outside it;
 * - plain text otherwise (a local file that is not in the knowledge base):
 *   never a `file://` link.
 *
 * A link to a document that comes later in the same batch cannot resolve
 * yet (its name does not exist); it is written as plain text and reported
 * as `forward`. After the batch, the batch runner prepares and commits
 * again, as ordinary updates, the documents whose forward targets were
 * committed (run_batch.ts), so a folder of interlinked pages ends up
 * interlinked. Every step is a normal mutation: crash safety is unchanged,
 * and the result does not depend on `--jobs` (commits stay in input order).
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { isLinkableHeading, LINK_PLACEHOLDER_PATTERN, wikilink } from "../core/markdown.ts";
import { findDocumentBySource } from "../core/queries.ts";
import { headingKey } from "../core/scan_page.ts";
import type { DocumentLink, Section } from "../core/types.ts";

/** The document whose links are resolved. */
export interface LinkingDocument {
  name: string;
  source: string;
  sections: Section[];
}

/** Options of {@linkcode resolveLinks}. */
export interface ResolveLinksOptions {
  /** The registry, to find linked documents by source. */
  db: DatabaseSync;
  /** Sources of inputs still to come in this batch. @default none */
  pending?: ReadonlySet<string>;
}

/** Resolved text, and the targets that are later inputs of the batch. */
export interface ResolvedLinks {
  markdown: string;
  forward: string[];
}

function slug(text: string): string {
  return text.normalize("NFKC").toLowerCase().trim().replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s+/g, "-");
}

function* flatten(sections: readonly Section[]): Generator<Section> {
  for (const section of sections) {
    yield section;
    yield* flatten(section.children);
  }
}

/** Returns the heading of `sections` that `anchor` names, as its text in the page, or null. */
export function headingForAnchor(sections: readonly Section[], anchor: string): string | null {
  const wanted = [anchor, slug(anchor), headingKey(anchor)];
  for (const section of flatten(sections)) {
    const text = section.anchor ?? section.title;
    const matches = section.ids?.includes(anchor) || slug(section.title) === wanted[1] ||
      headingKey(section.title) === wanted[2];
    if (matches && isLinkableHeading(text)) return text;
  }
  return null;
}

function externalLink(text: string, link: DocumentLink): string {
  const fragment = link.anchor === null ? "" : `#${encodeURI(link.anchor)}`;
  return `[${text}](<${link.target}${fragment}>)`;
}

/** Replaces the link placeholders of `markdown`; see the module notes. */
export function resolveLinks(
  markdown: string,
  links: readonly DocumentLink[],
  self: LinkingDocument,
  options: ResolveLinksOptions,
): ResolvedLinks {
  const forward = new Set<string>();
  const found = new Map<string, { name: string; sections: Section[] } | null>();
  const lookup = (source: string) => {
    if (!found.has(source)) {
      const document = findDocumentBySource(options.db, source);
      found.set(source, document ? { name: document.name, sections: document.sections } : null);
    }
    return found.get(source)!;
  };
  const text = markdown.replace(LINK_PLACEHOLDER_PATTERN, (_, label: string, index: string) => {
    const link = links[Number(index)];
    if (link === undefined) return label;
    const isSelf = link.target === "" || link.target === self.source;
    const target = isSelf ? { name: self.name, sections: self.sections } : lookup(link.target);
    if (target !== null) {
      const heading = link.anchor === null ? null : headingForAnchor(target.sections, link.anchor);
      if (isSelf && heading === null) return label;
      const path = `sources/${target.name}${heading === null ? "" : `#${heading}`}`;
      return wikilink(path, label);
    }
    if (/^https?:\/\//.test(link.target)) return externalLink(label, link);
    if (options.pending?.has(link.target)) forward.add(link.target);
    return label;
  });
  return { markdown: text, forward: [...forward] };
}
