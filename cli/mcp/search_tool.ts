/**
 * The MCP `search` tool: `quire search` for an agent. Same query language
 * (words, `"exact phrase"`, `OR`, `prefix*`; nothing is FTS5 syntax, so no
 * query can fail to parse), the same bm25 ranking, and for each hit the
 * snippet, the score, and the exact `read_page` arguments that open the
 * section (or page) where it matched.
 *
 * @module
 */

import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { ftsExpression, QuireError, searchDocuments, type SearchHit } from "../../core/mod.ts";
import type { KbReader } from "./kb_reader.ts";
import { guard, textResult } from "./tool_result.ts";

/** Most hits one `search` call returns. */
export const SEARCH_MAX_LIMIT = 50;

function openArguments(hit: SearchHit): string {
  const args: Record<string, string> = { path: `sources/${hit.name}` };
  if (hit.pageNumber !== null) args.pages = String(hit.pageNumber);
  else if (hit.heading !== null) args.heading = hit.heading;
  return JSON.stringify(args);
}

/** Formats hits for the model: one numbered entry per hit. */
export function describeSearch(query: string, hits: SearchHit[]): string {
  if (hits.length === 0) return `No matches for ${JSON.stringify(query)}.`;
  const lines = [`${hits.length} results for ${JSON.stringify(query)}, best first:`];
  hits.forEach((hit, i) => {
    const where = hit.heading === null ? "" : ` — section "${hit.heading}"`;
    const page = hit.pageNumber === null ? "" : `, page ${hit.pageNumber}`;
    lines.push(
      "",
      `${i + 1}. ${hit.title || hit.name} (document ${hit.name}, score ${hit.score.toFixed(3)})`,
      `   summary: ${hit.page}`,
      `   matched in: ${hit.source}${where}${page}`,
      `   open: read_page ${openArguments(hit)}`,
      `   ${hit.snippet}`,
    );
  });
  return lines.join("\n");
}

/** Registers `search {query, limit?}`. */
export function registerSearchTool(server: McpServer, reader: KbReader): void {
  server.registerTool("search", {
    title: "Search the knowledge base",
    description:
      'Full-text search over every document (bm25 ranking, title matches weigh more). Query syntax: words (all must match), "exact phrase", OR between terms, prefix* . Returns, best first, each document with a snippet (matches in «»), its score, the section heading or page where it matched, and the read_page arguments that open that place.',
    inputSchema: {
      query: z.string().describe('the query, e.g. vector "nearest neighbour" OR ann*'),
      limit: z.number().int().min(1).max(SEARCH_MAX_LIMIT).optional()
        .describe(`most results (1–${SEARCH_MAX_LIMIT}, default 10)`),
    },
  }, ({ query, limit }: { query: string; limit?: number }) =>
    guard(() => {
      if (ftsExpression(query) === null) {
        throw new QuireError(
          "USAGE",
          `Cannot search for ${JSON.stringify(query)}: it has no word to search for`,
          { hint: 'Give at least one word or number, e.g. "solar panels"' },
        );
      }
      return textResult(describeSearch(query, searchDocuments(reader.db, query, { limit })));
    }));
}
