/**
 * The links of a document's text, made into data for the coordinator.
 *
 * Workers do not know document names (the coordinator chooses them at
 * commit), so a worker resolves each link against the document's own
 * location (a fetched page's final URL, a local file's path) and records
 * where it points as a {@linkcode DocumentLink}; the text keeps the link as
 * `[text](quire-link:N)`. The coordinator turns each placeholder into a
 * wikilink, an external link or plain text (commit/resolve_links.ts).
 *
 * What becomes a placeholder: a link into the same document (`#id`), to an
 * `http(s)` URL, or to a local file (`file:` URLs and relative paths of a
 * local document). Anything else (`javascript:`, `data:`, `mailto:`, a
 * relative link without a known location) is plain text at once. Images
 * keep an absolute `http(s)` source; any other image is its alt text.
 *
 * @module
 */

import { fileURLToPath, pathToFileURL } from "node:url";
import { isAbsolute } from "node:path";
import { LINK_PLACEHOLDER_PATTERN } from "../../core/markdown.ts";
import type { DocumentLink } from "../../core/types.ts";

/** The scheme of link placeholders in staged source pages. */
export const LINK_PLACEHOLDER = "quire-link:";

/** Returns the URL relative links of a document resolve against, if it has one. */
export function documentBase(input: { url?: string; source: string }): string | undefined {
  if (input.url) return input.url;
  return isAbsolute(input.source) ? pathToFileURL(input.source).href : undefined;
}

function decodeFragment(hash: string): string | null {
  if (hash === "" || hash === "#") return null;
  try {
    return decodeURIComponent(hash.slice(1));
  } catch {
    return hash.slice(1);
  }
}

/**
 * Resolves `href` against `base` into a link target; null when the link
 * must become plain text. `self` is the document's own base, so that a link
 * to its own URL or file with a fragment is an in-page link.
 */
export function linkTarget(href: string, base: string | undefined): DocumentLink | null {
  const trimmed = href.trim();
  if (trimmed.startsWith("#")) return { target: "", anchor: decodeFragment(trimmed) };
  let url: URL;
  try {
    url = base === undefined ? new URL(trimmed) : new URL(trimmed, base);
  } catch {
    return null;
  }
  const anchor = decodeFragment(url.hash);
  url.hash = "";
  if (base !== undefined) {
    const own = new URL(base);
    own.hash = "";
    if (url.href === own.href) return { target: "", anchor };
  }
  if (url.protocol === "http:" || url.protocol === "https:") return { target: url.href, anchor };
  if (url.protocol === "file:") {
    try {
      return { target: fileURLToPath(url), anchor };
    } catch {
      return null;
    }
  }
  return null;
}

/** Collects links and hands out their placeholders. */
export class LinkTable {
  readonly links: DocumentLink[] = [];
  readonly #base: string | undefined;
  readonly #seen = new Map<string, number>();

  constructor(base: string | undefined) {
    this.#base = base;
  }

  /** Returns the placeholder URL for `href`, or null when it must be plain text. */
  placeholder(href: string): string | null {
    const link = linkTarget(href, this.#base);
    if (link === null) return null;
    const key = `${link.target}#${link.anchor ?? ""}`;
    let index = this.#seen.get(key);
    if (index === undefined) {
      index = this.links.push(link) - 1;
      this.#seen.set(key, index);
    }
    return `${LINK_PLACEHOLDER}${index}`;
  }

  /** Returns an image source to keep (absolute `http(s)`), or null for its alt text. */
  imageSource(src: string): string | null {
    try {
      const url = this.#base === undefined ? new URL(src) : new URL(src, this.#base);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch {
      return null;
    }
  }
}

const FENCE = /^\s*(`{3,}|~{3,})/;
/**
 * An inline link or image whose `[` is not escaped (an even number of
 * backslashes before it): `\[text](url)` is text in markdown, and a label
 * may not start at an escaped bracket (it would scan on to the next
 * unescaped one, quadratic in a line of many escaped brackets).
 */
const INLINE_LINK =
  /(?<=(?:^|[^\\])(?:\\\\)*)(!?)\[((?:[^\[\]\\]|\\.)*)\]\(\s*<?([^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)>?(?:\s+("[^"]*"|'[^']*'))?\s*\)/g;
const CODE_SPAN = /(`+)[\s\S]*?\1/g;

/**
 * Rewrites the inline links and images of a markdown text (outside code)
 * into placeholders, alt text or absolute image sources; see the module
 * notes. Reference-style links are left as written.
 */
export function markdownWithPlaceholders(markdown: string, table: LinkTable): string {
  let fence: string | null = null;
  return markdown.split("\n").map((line) => {
    const open = FENCE.exec(line);
    if (fence !== null) {
      if (open && open[1][0] === fence[0] && open[1].length >= fence.length) fence = null;
      return line;
    }
    if (open) {
      fence = open[1];
      return line;
    }
    if (!line.includes("](")) return line;
    const spans: string[] = [];
    const masked = line.replace(CODE_SPAN, (span) => `\u0000${spans.push(span) - 1}\u0000`);
    const rewritten = masked.replace(INLINE_LINK, (_, bang: string, text: string, href: string) => {
      if (bang) {
        const src = table.imageSource(href);
        return src === null ? text : `![${text}](${src})`;
      }
      const placeholder = table.placeholder(href);
      return placeholder === null ? text : `[${text}](${placeholder})`;
    });
    // deno-lint-ignore no-control-regex
    return rewritten.replace(/\u0000(\d+)\u0000/g, (_, i: string) => spans[Number(i)]);
  }).join("\n");
}

/** The text with each link placeholder replaced by its label (what the compiler reads). */
export function withoutPlaceholders(markdown: string): string {
  return markdown.replace(LINK_PLACEHOLDER_PATTERN, "$1");
}
