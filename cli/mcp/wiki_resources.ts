/**
 * The wiki as MCP resources: every page is `quire://wiki/<path>` (for
 * example `quire://wiki/summaries/report.md`), listable and readable, with
 * the template `quire://wiki/{+path}` for clients that build URIs.
 *
 * The list is paged ({@linkcode RESOURCE_PAGE_SIZE} per call, with
 * `nextCursor`), in a fixed order: the top-level pages (`index.md`,
 * `log.md`, `AGENTS.md`…), the parts of the index (`index/`: document
 * volumes and concept lists, the folder, sorted), summaries and sources
 * (from the registry, in name order, so a page costs an indexed range
 * read), concept pages (the folder, sorted) and explorations (from the
 * registry). A read returns the
 * page as `text/markdown`, cut at {@linkcode RESOURCE_MAX_CHARS} characters
 * with a note; a URI outside the wiki or naming no page is an
 * invalid-params error.
 *
 * @module
 */

import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  ErrorCode,
  type ListResourcesRequest,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  McpError,
  type ReadResourceRequest,
  ReadResourceRequestSchema,
  type Resource,
} from "@modelcontextprotocol/sdk/types.js";
import { errorMessage, resolveWikiPage, rows } from "../../core/mod.ts";
import type { KbReader } from "./kb_reader.ts";
import { withinBudget } from "./tool_result.ts";

/** The URI prefix of wiki pages. */
export const WIKI_URI = "quire://wiki/";
/** Resources listed per `resources/list` call. */
export const RESOURCE_PAGE_SIZE = 500;
/** Most characters of one resource read. */
export const RESOURCE_MAX_CHARS = 1000000;

const SECTIONS = ["top", "index", "summaries", "sources", "concepts", "explorations"] as const;
type Section = typeof SECTIONS[number];

interface Cursor {
  section: number;
  after: string;
}

function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify([cursor.section, cursor.after]));
}

function decodeCursor(text: string | undefined): Cursor {
  if (text === undefined) return { section: 0, after: "" };
  try {
    const [section, after] = JSON.parse(atob(text));
    if (Number.isInteger(section) && section >= 0 && typeof after === "string") {
      return { section, after };
    }
  } catch {
    // Reported below.
  }
  throw new McpError(
    ErrorCode.InvalidParams,
    `Cannot list resources: cursor '${text}' is not one this server gave`,
  );
}

async function markdownFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.endsWith(".md") && !entry.name.startsWith(".")) {
        names.push(entry.name.slice(0, -3));
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

/** Up to `limit` entries of one section after `after`: [key, path, title]. */
async function sectionEntries(
  reader: KbReader,
  section: Section,
  after: string,
  limit: number,
): Promise<[string, string, string][]> {
  const { db, layout } = reader;
  switch (section) {
    case "top":
    case "index":
    case "concepts": {
      const dir = section === "top" ? layout.wiki : `${layout.wiki}/${section}`;
      const prefix = section === "top" ? "" : `${section}/`;
      return (await markdownFiles(dir)).filter((name) => name > after).slice(0, limit)
        .map((name) => [name, `${prefix}${name}.md`, name]);
    }
    case "summaries":
    case "sources":
      return rows<{ name: string; title: string }>(
        db,
        "SELECT name, title FROM documents WHERE name > ? ORDER BY name LIMIT ?",
        after,
        limit,
      ).map((d) => [
        d.name,
        `${section}/${d.name}.md`,
        `${d.title || d.name}${section === "sources" ? " (full text)" : ""}`,
      ]);
    case "explorations":
      return rows<{ name: string; question: string }>(
        db,
        "SELECT name, question FROM explorations WHERE name > ? ORDER BY name LIMIT ?",
        after,
        limit,
      ).map((e) => [e.name, `explorations/${e.name}.md`, e.question]);
  }
}

/** One page of the resource list, from `cursor` (`pageSize` is for tests). */
export async function listResources(
  reader: KbReader,
  cursorText: string | undefined,
  pageSize = RESOURCE_PAGE_SIZE,
): Promise<{ resources: Resource[]; nextCursor?: string }> {
  let { section, after } = decodeCursor(cursorText);
  const resources: Resource[] = [];
  while (section < SECTIONS.length && resources.length < pageSize) {
    const want = pageSize - resources.length;
    const entries = await sectionEntries(reader, SECTIONS[section], after, want);
    for (const [key, path, title] of entries) {
      resources.push({ uri: `${WIKI_URI}${path}`, name: path, title, mimeType: "text/markdown" });
      after = key;
    }
    if (entries.length < want) {
      section++;
      after = "";
    }
  }
  return section < SECTIONS.length
    ? { resources, nextCursor: encodeCursor({ section, after }) }
    : { resources };
}

async function readResource(reader: KbReader, uri: string) {
  if (!uri.startsWith(WIKI_URI)) {
    throw new McpError(
      ErrorCode.InvalidParams,
      `Cannot read resource '${uri}': it is not a ${WIKI_URI} page`,
    );
  }
  let text: string;
  let path: string;
  try {
    path = resolveWikiPage(reader.layout, reader.db, decodeURIComponent(uri.slice(WIKI_URI.length)))
      .path;
    text = await Deno.readTextFile(reader.layout.resolve(path));
  } catch (error) {
    throw new McpError(
      ErrorCode.InvalidParams,
      `Cannot read resource '${uri}': ${errorMessage(error)}`,
    );
  }
  const cut = withinBudget(text, RESOURCE_MAX_CHARS, "read_page reads one section or page range");
  return { contents: [{ uri, mimeType: "text/markdown", text: cut }] };
}

/** Registers the resource handlers (list, templates, read) on `server`. */
export function registerWikiResources(server: McpServer, reader: KbReader): void {
  const low = server.server;
  low.registerCapabilities({ resources: {} });
  low.setRequestHandler(
    ListResourcesRequestSchema,
    (request: ListResourcesRequest) => listResources(reader, request.params?.cursor),
  );
  low.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: [{
      uriTemplate: `${WIKI_URI}{+path}`,
      name: "wiki page",
      title: "A page of the wiki",
      description:
        "path inside wiki/, e.g. summaries/NAME.md, sources/NAME.md, concepts/SLUG.md, index.md",
      mimeType: "text/markdown",
    }],
  }));
  low.setRequestHandler(
    ReadResourceRequestSchema,
    (request: ReadResourceRequest) => readResource(reader, request.params.uri),
  );
}
