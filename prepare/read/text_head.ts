/**
 * Converting only the start of a long document, and saying so on its page.
 *
 * Text formats (markdown, plain text, CSV, HTML) larger than
 * `limits.maxTextBytes` are converted from their first bytes only:
 * {@linkcode textHead} cuts those bytes after the last complete line, so no
 * character (UTF-8 or UTF-16) and no line is split, and the reader sees a
 * shorter but well-formed text. The source page then ends with
 * {@linkcode cutNote}, which says where it was cut; the `raw/` copy is
 * always the whole file, and the search index holds what the page holds.
 *
 * @module
 */

import { mebibytes } from "../too_large.ts";

function utf16Order(bytes: Uint8Array): "le" | "be" | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "be";
  const sample = bytes.subarray(0, 65536);
  let even = 0;
  let odd = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) i % 2 ? odd++ : even++;
  const half = sample.length / 2;
  if (odd >= half * 0.1 && even <= half * 0.01) return "le";
  if (even >= half * 0.1 && odd <= half * 0.01) return "be";
  return undefined;
}

/** Cuts the first bytes of a longer text after its last line end (see the module notes). */
export function textHead(bytes: Uint8Array): Uint8Array {
  const order = utf16Order(bytes);
  if (order !== undefined) {
    for (let i = (bytes.length & ~1) - 2; i >= 0; i -= 2) {
      const newline = order === "le"
        ? bytes[i] === 0x0a && bytes[i + 1] === 0
        : bytes[i] === 0 && bytes[i + 1] === 0x0a;
      if (newline) return bytes.subarray(0, i + 2);
    }
    return bytes.subarray(0, bytes.length & ~1);
  }
  const newline = bytes.lastIndexOf(0x0a);
  if (newline >= 0) return bytes.subarray(0, newline + 1);
  // One endless line: drop a character that may be incomplete (UTF-8 lead byte and its tail).
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end > 0 && bytes[end - 1] >= 0xc0 ? end - 1 : bytes.length);
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Closes a fenced code block left open where markdown was cut, so the cut
 * note after it is not shown as code.
 */
export function closeOpenFence(markdown: string): string {
  let open: string | undefined;
  for (const line of markdown.split("\n")) {
    const fence = FENCE.exec(line)?.[1];
    if (fence === undefined) continue;
    if (open === undefined) open = fence;
    else if (fence[0] === open[0] && fence.length >= open.length && line.trim() === fence) {
      open = undefined;
    }
  }
  return open === undefined ? markdown : `${markdown.replace(/\n?$/, "\n")}${open}\n`;
}

/** Counts the lines of a text head (line ends in UTF-8 or UTF-16 alike). */
function lineCount(bytes: Uint8Array): number {
  let lines = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) lines++;
  return lines;
}

/**
 * The markdown block that ends a page cut short: what was converted
 * (`"the first 4 MiB (67,000 lines) of this 500 MiB file"`, `"pages
 * 1–2,000 of 100,000"`), why (`"limits.maxTextBytes"`), and that the rest
 * is in the `raw/` copy only.
 */
export function cutNote(converted: string, why = "limits.maxTextBytes"): string {
  return `\n---\n\n> **Cut here.** Quire converted only ${converted} (${why}); ` +
    "the rest is not on this page and not in the search index. The original is kept whole " +
    "in `raw/`.\n";
}

/**
 * What was converted of a text file cut to its first `head.length` of
 * `total` bytes: "the first 4 MiB (67,295 lines) of this 476.8 MiB file".
 */
export function textCutPhrase(head: Uint8Array, total: number): string {
  const lines = lineCount(head).toLocaleString("en-US");
  return `the first ${mebibytes(head.length)} (${lines} lines) of this ${mebibytes(total)} file`;
}

/**
 * Cuts converted markdown longer than `maxChars` characters at the last
 * blank line (else line end) before that, and ends it with a cut note: for
 * readers whose output is not bounded by their input's head (`.docx`);
 * `cut` says what was kept, for a warning.
 */
export function capMarkdown(
  markdown: string,
  maxChars: number,
): { markdown: string; cut?: string } {
  if (markdown.length <= maxChars) return { markdown };
  let end = markdown.lastIndexOf("\n\n", maxChars);
  if (end <= 0) end = markdown.lastIndexOf("\n", maxChars);
  if (end <= 0) end = maxChars;
  const count = (n: number) => n.toLocaleString("en-US");
  const cut = `the first ${count(end)} of the ${count(markdown.length)} characters of its text`;
  return { markdown: markdown.slice(0, end) + "\n" + cutNote(cut), cut };
}
