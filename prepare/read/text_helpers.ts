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
