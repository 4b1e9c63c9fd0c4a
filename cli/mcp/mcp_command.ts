/**
 * `quire mcp`: serves one knowledge base to an LLM agent over the Model
 * Context Protocol (stdio), with the official TypeScript SDK.
 *
 * Tools (names and arguments are part of Quire's interface): `search`,
 * `read_page`, `list_documents`, `document_outline`, `links`, `status`
 * (read-only: no lock, one read-only registry connection, never blocked by
 * a writer) and `save_note` (writes an exploration page through the
 * coordinator, waiting up to `--wait` seconds, default
 * {@linkcode SAVE_WAIT_SECONDS}, for a busy lock). Every page is also a
 * resource, `quire://wiki/<path>`.
 *
 * The protocol owns stdout; the only other output is one line on stderr
 * when the server starts (unless `--quiet`). The server stops, exit 0, when
 * the client closes stdin or on SIGINT/SIGTERM.
 *
 * @module
 */

import process from "node:process";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { EXIT } from "../exit_code.ts";
import { locateKnowledgeBase } from "../locate_kb.ts";
import { type GlobalOptions, say } from "../output.ts";
import { registerDocumentTools } from "./document_tools.ts";
import { registerGraphTools } from "./graph_tools.ts";
import { KbReader } from "./kb_reader.ts";
import { registerReadPageTool } from "./read_page_tool.ts";
import { registerSaveNoteTool } from "./save_note_tool.ts";
import { registerSearchTool } from "./search_tool.ts";
import { registerWikiResources } from "./wiki_resources.ts";

/** Seconds `save_note` waits for a busy lock unless `--wait` says otherwise. */
export const SAVE_WAIT_SECONDS = 10;

const INSTRUCTIONS =
  "Quire knowledge base: documents compiled into markdown pages with [[wikilinks]]. " +
  "Start with search (or list_documents), open what it points to with read_page " +
  "(a summary: summaries/NAME; the full text: sources/NAME, one section by heading or a page range by pages), " +
  "see a document's sections with document_outline and a page's neighbours with links. " +
  "save_note keeps a useful answer as a page of the wiki.";

/** Builds the MCP server for one knowledge base. */
export function buildMcpServer(reader: KbReader): McpServer {
  const server = new McpServer({ name: "quire", version: "0.1.0" }, { instructions: INSTRUCTIONS });
  registerSearchTool(server, reader);
  registerReadPageTool(server, reader);
  registerDocumentTools(server, reader);
  registerGraphTools(server, reader);
  registerSaveNoteTool(server, reader);
  registerWikiResources(server, reader);
  return server;
}

/** `quire mcp`. */
export async function mcpCommand(options: GlobalOptions): Promise<number> {
  const layout = locateKnowledgeBase(options);
  const reader = new KbReader(layout, options.wait ?? SAVE_WAIT_SECONDS);
  void reader.db; // Fails here, before speaking MCP, when the registry cannot be read.
  const server = buildMcpServer(reader);
  const { promise: stopped, resolve: stop } = Promise.withResolvers<void>();
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, stop);
  process.stdin.on("end", stop);
  server.server.onclose = stop;
  try {
    await server.connect(new StdioServerTransport());
    if (!options.quiet) say(`quire mcp: serving '${layout.root}' over stdio`);
    await stopped;
  } finally {
    for (const signal of signals) Deno.removeSignalListener(signal, stop);
    process.stdin.off("end", stop);
    await server.close();
    reader.close();
  }
  return EXIT.ok;
}
