/**
 * The HTML side of links: permalink decorations dropped, heading ids
 * collected, and every `<a href>` and `<img src>` of the converted content
 * made into data (see document_links.ts).
 *
 * Permalinks are not content: an `<a>` inside a heading whose text is a
 * mark (`¶`, `#`, `§`, `🔗`, nothing) or whose class, title or label says
 * permalink or anchor (Sphinx's `headerlink`, MkDocs', Docusaurus'
 * `hash-link`, GitHub's `anchor`, markdown-it's `header-anchor`), and any
 * such classed link elsewhere, is removed; its `#id`, with the heading's own
 * `id` and those of empty `<a id|name>` inside it, names the heading.
 *
 * @module
 */

import { parseHTML } from "linkedom";
import type { LinkTable } from "./document_links.ts";

/** The DOM fields used here (typed locally: the project does not load the DOM lib). */
interface ElementLike {
  textContent: string | null;
  innerHTML: string;
  tagName: string;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  remove(): void;
  replaceWith(...nodes: unknown[]): void;
  querySelectorAll(selector: string): Iterable<ElementLike>;
}
interface DocumentLike {
  querySelectorAll(selector: string): Iterable<ElementLike>;
  createTextNode(text: string): unknown;
  body: ElementLike | null;
}

const PERMALINK_CLASS =
  "a.headerlink, a.anchor-link, a.hash-link, a.header-anchor, a.heading-anchor, a.permalink, " +
  "a.anchorjs-link, a[aria-label*=ermalink], a[title*=ermalink]";
const PERMALINK_WORDS = /permalink|link to (this|the) (heading|section)|^anchor|direct link/i;
const MARK_TEXT = /^[\s¶#§🔗⚓\u00b6]*$/u;

function plain(text: string | null): string {
  return (text ?? "").replace(/\s+/g, " ").trim();
}

function isPermalink(link: ElementLike): boolean {
  const words = `${link.getAttribute("class") ?? ""} ${link.getAttribute("title") ?? ""} ` +
    `${link.getAttribute("aria-label") ?? ""}`;
  return MARK_TEXT.test(link.textContent ?? "") || PERMALINK_WORDS.test(words) ||
    /\b(anchor|headerlink|permalink|hash-link)\b/.test(link.getAttribute("class") ?? "");
}

/**
 * Removes permalink decorations from a parsed page and returns the ids that
 * name each heading, keyed by the heading's plain text.
 */
export function dropPermalinks(document: DocumentLike): Map<string, string[]> {
  const ids = new Map<string, string[]>();
  for (const heading of [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]) {
    const names: string[] = [];
    const own = heading.getAttribute("id");
    if (own) names.push(own);
    for (const link of [...heading.querySelectorAll("a")]) {
      const href = link.getAttribute("href") ?? "";
      const name = link.getAttribute("id") ?? link.getAttribute("name");
      if (name && plain(link.textContent) === "") names.push(name);
      if (href.startsWith("#") && isPermalink(link)) {
        names.push(decodeURIComponent(href.slice(1)));
        link.remove();
      } else if (!href && plain(link.textContent) === "") link.remove();
    }
    const text = plain(heading.textContent).replace(/[¶§🔗]+$/u, "").trim();
    if (text !== "" && names.length > 0) ids.set(text, [...(ids.get(text) ?? []), ...names]);
  }
  for (const link of [...document.querySelectorAll(PERMALINK_CLASS)]) link.remove();
  return ids;
}

/**
 * Rewrites the links and images of an HTML fragment: link targets become
 * placeholders of `table` (or plain text), images keep an absolute
 * `http(s)` source or become their alt text.
 */
export function htmlWithPlaceholders(html: string, table: LinkTable): string {
  const { document } = parseHTML(`<!DOCTYPE html><html><body>${html}</body></html>`) as unknown as {
    document: DocumentLike;
  };
  const body = document.body;
  if (!body) return html;
  for (const link of [...body.querySelectorAll("a")]) {
    const href = link.getAttribute("href");
    const placeholder = href === null ? null : table.placeholder(href);
    if (placeholder === null) link.replaceWith(document.createTextNode(link.textContent ?? ""));
    else link.setAttribute("href", placeholder);
  }
  for (const image of [...body.querySelectorAll("img")]) {
    const src = table.imageSource(image.getAttribute("src") ?? "");
    if (src === null) image.replaceWith(document.createTextNode(image.getAttribute("alt") ?? ""));
    else image.setAttribute("src", src);
  }
  return body.innerHTML;
}
