/**
 * Small markdown helpers for the pages Quire writes: YAML front matter,
 * escaping for one-line text, and `[[wikilinks]]`.
 *
 * @module
 */

/** A value that front matter can hold. */
export type FrontMatterValue = string | number | boolean | string[];

/**
 * Renders YAML front matter. Strings are written as JSON strings, which are
 * valid YAML double-quoted scalars, so no value can break the block.
 */
export function renderFrontMatter(fields: Record<string, FrontMatterValue>): string {
  const lines = ["---"];
  for (const [key, value] of Object.entries(fields)) {
    if (Array.isArray(value)) {
      lines.push(value.length === 0 ? `${key}: []` : `${key}:`);
      for (const item of value) lines.push(`  - ${JSON.stringify(item)}`);
    } else {
      lines.push(`${key}: ${typeof value === "string" ? JSON.stringify(value) : String(value)}`);
    }
  }
  lines.push("---", "");
  return lines.join("\n");
}

/** Makes one line of text safe to show inside markdown (no line breaks, no link syntax). */
export function inlineText(text: string): string {
  return text.replace(/\s+/g, " ").trim().replace(/[\\[\]`*_<>|]/g, "\\$&");
}

/** Returns `[[target|label]]` (or `[[target]]`), with the label made link-safe. */
export function wikilink(target: string, label?: string): string {
  if (label === undefined) return `[[${target}]]`;
  const safe = label.replace(/\s+/g, " ").replace(/[[\]|]/g, "").trim();
  return safe === "" ? `[[${target}]]` : `[[${target}|${safe}]]`;
}

/** True when a heading can be the `#anchor` of a wikilink (no `[ ] | # ^`). */
export function isLinkableHeading(title: string): boolean {
  return title !== "" && !/[[\]|#^]/.test(title);
}

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
