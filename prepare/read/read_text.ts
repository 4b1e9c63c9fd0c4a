/**
 * Plain text (`.txt`): decoded, then escaped so that it reads as the same
 * text in markdown (a line starting with `#` or `-` stays text). Line breaks
 * inside paragraphs are kept as hard breaks. The title is a man page's NAME
 * line, else the first line when it reads like a title (`titleLine`), else
 * none (the file name stands in).
 *
 * @module
 */

import type { ConvertedDocument } from "../../core/types.ts";
import { decodeText } from "./decode_text.ts";
import type { ReaderInput } from "./detect_type.ts";
import { escapeMarkdownLine, manPageNameLine, requireText, titleLine } from "./text_helpers.ts";

/** Turns plain text into markdown that renders as the same text. */
export function textToMarkdown(text: string): string {
  const paragraphs = text.split(/\n[ \t]*\n+/);
  return paragraphs
    .map((p) => p.replace(/^\n+|\n+$/g, "").split("\n").map(escapeMarkdownLine).join("  \n"))
    .filter((p) => p.trim() !== "")
    .join("\n\n") + "\n";
}

/** Converts a plain-text input. */
export function readText(input: ReaderInput): ConvertedDocument {
  const { text: decoded, encoding } = decodeText(input.bytes, input.source);
  const text = decoded.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  requireText(text, input.source);
  return {
    type: "text",
    ext: "txt",
    title: manPageNameLine(text) || titleLine(text),
    markdown: textToMarkdown(text),
    sections: [],
    warnings: encoding === "utf-8" ? [] : [`read as ${encoding}`],
    facts: { encoding },
  };
}
