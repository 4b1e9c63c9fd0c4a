/**
 * The MCP tools about documents: `list_documents` (paged, in name order)
 * and `document_outline` (a document's section tree with page ranges, and
 * the `read_page` arguments that open each section).
 *
 * @module
 */

import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import {
  findDocumentByName,
  inlineText,
  listDocumentsPage,
  QuireError,
  type Section,
} from "../../core/mod.ts";
import type { KbReader } from "./kb_reader.ts";
import { guard, textResult } from "./tool_result.ts";

/** Most documents one `list_documents` call returns. */
export const LIST_MAX_LIMIT = 200;
/** Most outline entries one `document_outline` call returns. */
export const OUTLINE_MAX_ENTRIES = 500;

function pageRange(section: Section): string {
  if (section.startPage === undefined) return "";
  const end = section.endPage ?? section.startPage;
  return end === section.startPage ? ` (page ${end})` : ` (pages ${section.startPage}-${end})`;
}

/** The outline as indented lines, at most `max` of them; returns the lines and the total. */
export function outlineLines(sections: Section[], max: number): { lines: string[]; total: number } {
  const lines: string[] = [];
  let total = 0;
  const visit = (list: Section[], depth: number) => {
    for (const section of list) {
      total++;
      if (lines.length < max) {
        const summary = section.summary ? `: ${inlineText(section.summary)}` : "";
        lines.push(`${"  ".repeat(depth)}- ${section.title}${pageRange(section)}${summary}`);
      }
      visit(section.children, depth + 1);
    }
  };
  visit(sections, 0);
  return { lines, total };
}

/** Registers `list_documents {limit?, offset?}` and `document_outline {name}`. */
export function registerDocumentTools(server: McpServer, reader: KbReader): void {
  server.registerTool("list_documents", {
    title: "List documents",
    description:
      "Lists the knowledge base's documents in name order, one page at a time: name, title, type, when added, and source. Pass offset to get the next page.",
    inputSchema: {
      limit: z.number().int().min(1).max(LIST_MAX_LIMIT).optional()
        .describe(`most documents (1–${LIST_MAX_LIMIT}, default 50)`),
      offset: z.number().int().min(0).optional().describe("documents to skip (default 0)"),
    },
  }, ({ limit, offset }: { limit?: number; offset?: number }) =>
    guard(() => {
      const start = offset ?? 0;
      const page = listDocumentsPage(reader.db, { limit: limit ?? 50, offset: start });
      if (page.documents.length === 0) {
        return textResult(
          page.total === 0
            ? "The knowledge base has no documents yet."
            : `No documents past offset ${start}; there are ${page.total}.`,
        );
      }
      const end = start + page.documents.length;
      const lines = [
        `Documents ${start + 1}–${end} of ${page.total} (name | title | type | added | source):`,
      ];
      for (const d of page.documents) {
        lines.push(
          `${d.name} | ${d.title || "(untitled)"} | ${d.type} | ${d.addedAt} | ${d.source}`,
        );
      }
      if (end < page.total) lines.push("", `[more: call list_documents with offset ${end}]`);
      return textResult(lines.join("\n"));
    }));

  server.registerTool("document_outline", {
    title: "Outline of a document",
    description:
      'The section tree of one document (headings, or a PDF\'s outline with page ranges). Open a section with read_page {path: "sources/NAME", heading: TITLE}, or a page range with read_page {path: "sources/NAME", pages: "3-5"}.',
    inputSchema: {
      name: z.string().describe("the document's name (see list_documents or search)"),
    },
  }, ({ name }: { name: string }) =>
    guard(() => {
      const document = findDocumentByName(reader.db, name.trim());
      if (document === undefined) {
        throw new QuireError("NOT_FOUND", `Cannot outline '${name}': no document has this name`, {
          hint: "Find names with list_documents or search",
        });
      }
      const { lines, total } = outlineLines(document.sections, OUTLINE_MAX_ENTRIES);
      const head = [
        `${document.title || document.name} (document ${document.name}, ${document.type})`,
        `full text: sources/${document.name}; summary: summaries/${document.name}`,
        "",
      ];
      if (total === 0) return textResult([...head, "The document has no sections."].join("\n"));
      const more = total > lines.length
        ? ["", `[cut: showed ${lines.length} of ${total} sections]`]
        : [];
      return textResult([...head, ...lines, ...more].join("\n"));
    }));
}
