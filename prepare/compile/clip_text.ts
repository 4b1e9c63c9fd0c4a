/**
 * Shortening one-line text to a length at word boundaries, marking each cut
 * with `…`. Lengths count UTF-16 code units (JavaScript's `length`); a cut
 * never splits a surrogate pair.
 *
 * @module
 */

/** Options of {@linkcode clipText}. */
export interface ClipTextOptions {
  /** Index the kept window should show (e.g. where a phrase occurs). @default 0 */
  around?: number;
}

function safeEnd(text: string, end: number): number {
  const code = text.charCodeAt(end - 1);
  return code >= 0xd800 && code <= 0xdbff ? end - 1 : end;
}

/**
 * Returns `text` (whitespace collapsed) when it fits in `max` characters;
 * otherwise a window of whole words around `options.around`, with `…` where
 * text was cut. The result is never longer than `max`.
 */
export function clipText(text: string, max: number, options: ClipTextOptions = {}): string {
  const line = text.replace(/\s+/g, " ").trim();
  if (line.length <= max) return line;
  if (max < 2) return "";
  let start = Math.max(0, Math.min((options.around ?? 0) - Math.floor(max / 3), line.length - max));
  if (start > 0) {
    const space = line.indexOf(" ", start);
    start = space >= 0 && space < start + max / 2 ? space + 1 : start;
    const code = line.charCodeAt(start);
    if (code >= 0xdc00 && code <= 0xdfff) start++;
  }
  const room = max - (start > 0 ? 1 : 0) - 1;
  let end = safeEnd(line, Math.min(line.length, start + room));
  if (end < line.length) {
    const space = line.lastIndexOf(" ", end);
    if (space > start + room / 2) end = space;
  }
  const body = line.slice(start, end).trim();
  return (start > 0 ? "…" : "") + body + (end < line.length ? "…" : "");
}
