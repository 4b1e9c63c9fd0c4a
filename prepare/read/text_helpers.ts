/**
 * Small text helpers shared by the format readers: a document's first line
 * (the title of last resort), the "is there any text" check, and escaping a
 * line of plain text so that markdown shows it as the same text.
 *
 * @module
 */

import { InputError } from "../../core/errors.ts";

/** Returns the first line with letters or digits, trimmed of markdown marks. */
export function firstLine(text: string): string {
  for (const line of text.split("\n")) {
    const plain = line.replace(/^[\s#>*+\-=|`]+/, "").trim();
    if (/[\p{L}\p{N}]/u.test(plain)) return plain.length > 120 ? plain.slice(0, 117) + "…" : plain;
  }
  return "";
}

/**
 * The first non-blank line of a plain text when it reads like a title, else
 * "": at most 100
 * characters and 14 words, starting with a capital letter or a digit, not
 * ending in `,` `;` `:` or (past six words) `.`, with no sentence break
 * inside. An Emacs mode line (`-*- org -*-`) is dropped from it.
 */
export function titleLine(text: string): string {
  const lines = text.split("\n");
  const at = lines.findIndex((line) => line.trim() !== "");
  const first = at < 0 ? "" : lines[at];
  const line = first.replace(/-\*-.*?-\*-/g, "").replace(/^[\s#*=>-]+|[\s=*-]+$/g, "").trim();
  const words = line.split(/\s+/).length;
  if (line.length < 2 || line.length > 100 || words > 14) return "";
  const prose = /[.!?]\s+\p{Lu}/u.test(line) || (words > 6 && /\.$/.test(line));
  if (!/^[\p{Lu}\p{N}]/u.test(line) || /[,;:]$/.test(line) || prose) {
    return "";
  }
  return line;
}

/**
 * A man page's NAME line in converted text: the first line after a `NAME`
 * heading or line, when it reads `name - what it does`; else "".
 */
export function manPageNameLine(markdown: string): string {
  const lines = markdown.split("\n").map((line) => line.replace(/^[#\s*]+|[*\s]+$/g, ""));
  const at = lines.findIndex((line) => /^name$/i.test(line));
  if (at < 0) return "";
  const next = lines.slice(at + 1).find((line) => line !== "") ?? "";
  const name = next.replace(/\\(.)/g, "$1").replace(/\s+/g, " ").trim();
  return /^\S.{0,80}\s[-–—]\s\S/.test(name) ? name : "";
}

/** Checks that decoded text has something in it. */
export function requireText(text: string, source: string): void {
  if (text.trim() === "") {
    throw new InputError("EMPTY", `Cannot add '${source}': the document is empty`, source);
  }
}

const INLINE_SPECIAL = /[\\`*_[\]<>|~]/g;
const LINE_START_MARK = /^[#>+\-=]/;
const LINE_START_NUMBER = /^(\d+)([.)])/;

/**
 * Escapes one line of plain text for markdown. Leading whitespace is dropped,
 * since four spaces would otherwise turn the line into a code block.
 */
export function escapeMarkdownLine(line: string): string {
  return line.trim()
    .replace(INLINE_SPECIAL, "\\$&")
    .replace(LINE_START_MARK, "\\$&")
    .replace(LINE_START_NUMBER, "$1\\$2");
}
