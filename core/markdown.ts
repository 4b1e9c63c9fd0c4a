/**
 * Small markdown helpers for the pages Quire writes: YAML front matter,
 * escaping for one-line text, `[[wikilinks]]`, and neutralizing raw HTML in
 * model-written markdown. Every page Quire renders shows text from
 * documents only through these, so text that was text stays text.
 *
 * @module
 */

/** A flat record, written in front matter as a one-line YAML flow mapping. */
export type FrontMatterRecord = Record<string, string | number | boolean>;

/** A value that front matter can hold. */
export type FrontMatterValue = string | number | boolean | string[] | FrontMatterRecord[];

/**
 * Characters YAML does not allow unescaped in a document (outside its
 * printable set: DEL, the C1 controls but NEL, the two noncharacters
 * U+FFFE/U+FFFF) or that some parsers treat as line breaks or a byte order
 * mark (U+2028, U+2029, U+FEFF). JSON leaves all of them as they are.
 */
const YAML_UNSAFE = /[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g;

/**
 * Returns `text` as a YAML double-quoted scalar that any YAML 1.2 parser
 * reads back as the same text: a JSON string (JSON escapes are valid YAML
 * escapes) with the characters YAML forbids also escaped. Lone surrogates,
 * which no UTF-8 file can hold, become U+FFFD first.
 */
export function yamlString(text: string): string {
  return JSON.stringify(text.toWellFormed()).replace(
    YAML_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function yamlScalar(value: string | number | boolean): string {
  if (typeof value === "string") return yamlString(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  return String(value);
}

/**
 * Renders YAML front matter. Strings are written by {@linkcode yamlString},
 * so no value can break the block; records are one-line flow mappings.
 */
export function renderFrontMatter(fields: Record<string, FrontMatterValue>): string {
  const lines = ["---"];
  for (const [key, value] of Object.entries(fields)) {
    if (Array.isArray(value)) {
      lines.push(value.length === 0 ? `${key}: []` : `${key}:`);
      for (const item of value) {
        if (typeof item === "string") {
          lines.push(`  - ${yamlString(item)}`);
        } else {
          const pairs = Object.entries(item).map(([k, v]) => `${k}: ${yamlScalar(v)}`);
          lines.push(`  - {${pairs.join(", ")}}`);
        }
      }
    } else {
      lines.push(`${key}: ${yamlScalar(value)}`);
    }
  }
  lines.push("---", "");
  return lines.join("\n");
}

/** Characters escaped wherever text is shown as markdown (CommonMark backslash escapes). */
const MARKDOWN_SPECIAL = /[\\`*_[\]<>|]|&(?=#?[0-9a-z]+;)/gi;

/** Escapes a line's leading block marker (heading, quote, list item, setext underline). */
function escapeLineStart(text: string): string {
  return text.replace(/^[#>+\-=~]/, "\\$&").replace(/^(\d+)([.)])/, "$1\\$2");
}

/**
 * Makes one line of text safe to show inside markdown: runs of whitespace
 * and control characters become one space, and everything markdown (or HTML) could read as
 * syntax is backslash-escaped, so that text that was text stays text:
 * `\ \` * _ [ ] < > |`, an `&` that starts a character reference, and a
 * leading block marker.
 */
export function inlineText(text: string): string {
  return escapeLineStart(oneLine(text).replace(MARKDOWN_SPECIAL, "\\$&"));
}

// deno-lint-ignore no-control-regex
const BLANKS = /[\s\x00-\x1f\x7f-\x9f]+/g;

/** Text as one trimmed line: runs of whitespace and control characters become one space. */
export function oneLine(text: string): string {
  return text.toWellFormed().replace(BLANKS, " ").trim();
}

/**
 * Returns `[[target|label]]` (or `[[target]]`). The label is one line of
 * text: `[`, `]` and `|` (which would end the link) are dropped, the rest is
 * escaped like {@linkcode inlineText}.
 */
export function wikilink(target: string, label?: string): string {
  if (label === undefined) return `[[${target}]]`;
  const safe = inlineText(label.replace(/[[\]|]/g, ""));
  return safe === "" ? `[[${target}]]` : `[[${target}|${safe}]]`;
}

/**
 * True when a heading can be the `#anchor` of a wikilink: no `[ ] | # ^`
 * (wikilink syntax), and nothing markdown or HTML would read inside the
 * link (`< > & \` and backticks); such headings are shown as text instead.
 */
export function isLinkableHeading(title: string): boolean {
  return title !== "" && !/[[\]|#^<>&\\`\n]/.test(title);
}

/**
 * Keeps markdown written by a model (a summary, an answer) as markdown but
 * makes any raw HTML in it text: every `<` that is not already escaped and
 * not inside a fenced code block is backslash-escaped, so no tag, comment or
 * autolink survives. (Inside an inline code span the backslash then shows;
 * that is the price of never guessing a span wrong.)
 */
export function neutralizeHtml(markdown: string): string {
  let fence: string | null = null;
  return markdown.split("\n").map((line) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== null) {
      if (
        marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length &&
        /^ {0,3}[`~]+[ \t]*$/.test(line)
      ) fence = null;
      return line;
    }
    if (marker !== undefined) {
      fence = marker;
      return line;
    }
    return line.replace(
      /(\\*)</g,
      (match, slashes: string) => slashes.length % 2 === 1 ? match : `${slashes}\\<`,
    );
  }).join("\n");
}

/**
 * A link placeholder `[label](quire-link:N)` of a staged source page (see
 * `prepare/read/document_links.ts`): group 1 is the label, group 2 is N. Its
 * `[` is not escaped (an even number of backslashes before it): matched
 * from an escaped `\[`, the label would run on to the next unescaped
 * bracket, so a page of many escaped brackets cost quadratic time (1.1 s
 * for 200 KB of them, 0.4 ms now).
 */
export const LINK_PLACEHOLDER_PATTERN =
  /(?<=(?:^|[^\\])(?:\\\\)*)\[((?:[^[\]\\]|\\.)*)\]\(quire-link:(\d+)\)/g;

const ENTITY = /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos|nbsp));/gi;
const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

/**
 * Decodes numeric character references and the few named entities markdown
 * text commonly holds (`&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&nbsp;`).
 * An out-of-range code point becomes a space; other names are left as they are.
 */
export function decodeEntities(text: string): string {
  return text.replace(ENTITY, (_, dec?: string, hex?: string, name?: string) => {
    if (name !== undefined) return NAMED_ENTITIES[name.toLowerCase()];
    const code = dec !== undefined ? Number(dec) : parseInt(hex ?? "", 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : " ";
  });
}
