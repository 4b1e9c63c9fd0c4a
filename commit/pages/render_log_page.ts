/**
 * `wiki/log.md`: the operations timeline, newest first. It shows the newest
 * {@linkcode LOG_PAGE_ENTRIES} entries so that the page (rebuilt after every
 * batch) stays small however long the knowledge base lives; the registry's
 * `log` table keeps every entry. A document (or, for a `save` entry, an
 * exploration) is linked only while it exists, so the page never holds a
 * broken link.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { type LogEntry, recentLog } from "../../core/queries.ts";
import { inlineText, wikilink } from "../../core/markdown.ts";
import { row } from "../../core/registry.ts";

/** Number of entries shown on the log page. */
export const LOG_PAGE_ENTRIES = 500;

/** The names of `entries` that are rows of `table` (`documents` or `explorations`). */
function existingNames(
  db: DatabaseSync,
  table: "documents" | "explorations",
  entries: LogEntry[],
): Set<string> {
  const existing = new Set<string>();
  for (const name of new Set(entries.map((e) => e.name))) {
    const found = row<{ name: string }>(db, `SELECT name FROM ${table} WHERE name = ?`, name);
    if (found) existing.add(found.name);
  }
  return existing;
}

/** Renders the log page from the registry. */
export function renderLogPage(db: DatabaseSync): string {
  const entries = recentLog(db, LOG_PAGE_ENTRIES);
  const isSave = (e: LogEntry) => e.op === "save";
  const existing = existingNames(db, "documents", entries.filter((e) => !isSave(e)));
  const saved = existingNames(db, "explorations", entries.filter(isSave));
  const lines = [
    "# Log",
    "",
    `Operations on this knowledge base, newest first (the latest ${LOG_PAGE_ENTRIES}; the registry keeps all of them). Rebuilt by Quire.`,
    "",
  ];
  if (entries.length === 0) lines.push("Nothing yet.");
  for (const e of entries) {
    const subject = e.name === ""
      ? ""
      : isSave(e) && saved.has(e.name)
      ? ` ${wikilink(`explorations/${e.name}`, e.name)}`
      : !isSave(e) && existing.has(e.name)
      ? ` ${wikilink(`summaries/${e.name}`, e.name)}`
      : ` \`${e.name}\``;
    lines.push(`- ${e.at} **${e.op}**${subject}${e.detail ? ` — ${inlineText(e.detail)}` : ""}`);
  }
  return lines.join("\n") + "\n";
}
