/**
 * `wiki/index/documents-<n>.md`: one volume of the document index. Volume n
 * lists, by name, the documents whose registry id is between (n-1)·1000+1
 * and n·1000 (ids grow as documents are added, so a volume is a stretch of
 * the knowledge base's history), each with its title and one-line
 * description. A batch rewrites only the volumes of the documents it adds,
 * updates or removes, and a volume never holds more than 1,000 entries, so
 * its cost does not grow with the knowledge base. A pure function of the
 * registry.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { VOLUME_DOCUMENTS } from "../../core/layout.ts";
import { inlineText, wikilink } from "../../core/markdown.ts";
import { rows } from "../../core/registry.ts";

/** The ids of volume `n`: first and last. */
export function volumeIds(n: number): [number, number] {
  return [(n - 1) * VOLUME_DOCUMENTS + 1, n * VOLUME_DOCUMENTS];
}

/** Renders volume `n` of the document index; null when it holds no document. */
export function renderVolumePage(db: DatabaseSync, n: number): string | null {
  const [first, last] = volumeIds(n);
  const documents = rows<{ name: string; title: string; description: string }>(
    db,
    "SELECT name, title, description FROM documents WHERE id BETWEEN ? AND ? ORDER BY name",
    first,
    last,
  );
  if (documents.length === 0) return null;
  const lines = [
    `# Documents, volume ${n}`,
    "",
    `${documents.length} ${
      documents.length === 1 ? "document" : "documents"
    }, by name. Back to the [[index]]. This page is rebuilt by Quire from its registry; edits here are lost.`,
    "",
  ];
  for (const d of documents) {
    const description = inlineText(d.description);
    lines.push(
      `- ${wikilink(`summaries/${d.name}`, d.title || d.name)}${
        description ? ` — ${description}` : ""
      }`,
    );
  }
  return lines.join("\n") + "\n";
}
