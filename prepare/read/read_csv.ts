/**
 * CSV and TSV files as one markdown table.
 *
 * Choices made where the spec was silent:
 * - The delimiter is a tab for `.tsv` and `text/tab-separated-values`;
 *   otherwise papaparse guesses among `,`, tab, `;` and `|`.
 * - The first row is the header. Empty header cells are named "Column N";
 *   rows longer than the header add "Column N" columns; short rows are padded.
 * - Cells are trimmed and escaped for a table: backslash and markdown marks
 *   (`` ` * _ [ ] < > ~ ``) get a backslash, `|` becomes `\|`, line breaks
 *   become `<br>`.
 * - Blank lines are skipped. Quote errors papaparse reports become warnings
 *   (the first three, with their row numbers).
 * - The title is left "" (the coordinator falls back to the file name).
 *
 * @module
 */

// @ts-types="npm:@types/papaparse@5.5.2"
import Papa from "papaparse";
import type { PrepareSettings } from "../../core/config.ts";
import type { ConvertedDocument } from "../../core/types.ts";
import { decodeText } from "./decode_text.ts";
import { extensionOf, type ReaderInput } from "./detect_type.ts";
import { requireText } from "./text_helpers.ts";

const MAX_PARSE_WARNINGS = 3;

/** Escapes one cell's text for a markdown table. */
export function escapeCell(value: string): string {
  return value.trim()
    .replace(/[\\`*_[\]<>~]/g, "\\$&")
    .replace(/\|/g, "\\|")
    .replace(/\r\n?|\n/g, "<br>");
}

function tableRow(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

function isTabSeparated(input: ReaderInput): boolean {
  const mime = input.contentType?.split(";")[0].trim().toLowerCase();
  return extensionOf(input.fileName) === "tsv" || mime === "text/tab-separated-values";
}

/** Converts a CSV or TSV input into a markdown table. */
export function readCsv(input: ReaderInput, settings: PrepareSettings): ConvertedDocument {
  const decoded = decodeText(input.bytes, input.source);
  const text = decoded.text.replace(/^\uFEFF/, "");
  requireText(text, input.source);
  const parsed = Papa.parse<string[]>(text, {
    delimiter: isTabSeparated(input) ? "\t" : "",
    delimitersToGuess: [",", "\t", ";", "|"],
    skipEmptyLines: "greedy",
  });
  const rows = parsed.data;
  const header = rows[0] ?? [];
  const body = rows.slice(1);
  const shown = body.slice(0, Math.max(0, settings.tableMaxRows));
  const width = shown.reduce((most, row) => Math.max(most, row.length), header.length);
  const names = Array.from({ length: width }, (_, i) => header[i]?.trim() || `Column ${i + 1}`);

  const lines = [
    tableRow(names.map(escapeCell)),
    tableRow(names.map(() => "---")),
    ...shown.map((row) =>
      tableRow(Array.from({ length: width }, (_, i) => escapeCell(row[i] ?? "")))
    ),
  ];
  const warnings = decoded.how === "detected" ? [`read as ${decoded.encoding}`] : [];
  const left = body.length - shown.length;
  let markdown = lines.join("\n") + "\n";
  if (left > 0) {
    const more = left === 1 ? "1 more row" : `${left} more rows`;
    markdown += `\n_${more} not shown: the table is capped at ${shown.length} rows._\n`;
    warnings.push(`only the first ${shown.length} of ${body.length} rows are on the source page`);
  }
  const quoteErrors = parsed.errors.filter((error) => error.type === "Quotes");
  for (const error of quoteErrors.slice(0, MAX_PARSE_WARNINGS)) {
    const row = error.row === undefined ? "" : ` in row ${error.row + 1}`;
    warnings.push(`${error.message}${row}`);
  }
  return {
    type: "csv",
    ext: isTabSeparated(input) ? "tsv" : "csv",
    title: "",
    markdown,
    sections: [],
    warnings,
    facts: { columns: names.join(", "), rows: String(body.length) },
  };
}
