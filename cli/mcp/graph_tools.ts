/**
 * The MCP tools about the knowledge base as a whole: `links` (a page's
 * links both ways, as `quire links`) and `status` (as `quire status`).
 *
 * @module
 */

import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { pageLinks, readStatus, resolveWikiPage } from "../../core/mod.ts";
import type { KbReader } from "./kb_reader.ts";
import { guard, textResult } from "./tool_result.ts";

/** Most links listed each way by one `links` call. */
export const LINKS_LIMIT = 100;

/** Registers `links {path}` and `status`. */
export function registerGraphTools(server: McpServer, reader: KbReader): void {
  server.registerTool("links", {
    title: "Links of a page",
    description:
      "The pages a wiki page links to, and the pages that link to it (backlinks: documents' summaries and full texts, and saved explorations). path is as for read_page; for a document name it is the document's summary.",
    inputSchema: {
      path: z.string().describe("page path inside the wiki, a [[wikilink]], or a document name"),
    },
  }, ({ path }: { path: string }) =>
    guard(async () => {
      const page = resolveWikiPage(reader.layout, reader.db, path);
      const links = await pageLinks(reader.layout, reader.db, page, { limit: LINKS_LIMIT });
      const lines = [`page: ${links.page}`, "", `links to (${links.outgoingTotal}):`];
      for (const link of links.outgoing) {
        const anchor = link.anchor === null ? "" : `#${link.anchor}`;
        lines.push(`- ${link.target}${anchor} → ${link.page ?? "(no such page)"}`);
      }
      if (links.outgoingTotal > links.outgoing.length) {
        lines.push(`[cut: showed ${links.outgoing.length} of ${links.outgoingTotal}]`);
      }
      const total = `${links.backlinksCapped ? "more than " : ""}${links.backlinksTotal}`;
      lines.push("", `linked from (${total}):`);
      for (const link of links.backlinks) lines.push(`- ${link.page} (${link.title})`);
      if (links.backlinksTotal > links.backlinks.length) {
        lines.push(`[cut: showed ${links.backlinks.length} of ${total}]`);
      }
      return textResult(lines.join("\n"));
    }));

  server.registerTool("status", {
    title: "Status of the knowledge base",
    description:
      "Counts of documents and concepts, sizes, the last operation, and whether a change is in progress or an interrupted one waits for recovery.",
    inputSchema: {},
  }, () =>
    guard(async () => {
      const s = await readStatus(reader.layout);
      const last = s.lastOperation;
      const lines = [
        `knowledge base: ${s.root}`,
        `documents: ${s.documents} (${s.documentBytes} bytes of originals)`,
        `concepts: ${s.concepts}`,
        `size on disk: ${s.diskBytes} bytes in raw/ and wiki/`,
        `last operation: ${last ? `${last.at} ${last.op} ${last.name}` : "none"}`,
        `change in progress: ${
          s.writer
            ? `yes, pid ${s.writer.pid} on ${s.writer.hostname} since ${s.writer.time}`
            : "no"
        }`,
        `recovery pending: ${s.recoveryPending ? "yes (`quire recover` finishes it)" : "no"}`,
      ];
      return textResult(lines.join("\n"));
    }));
}
