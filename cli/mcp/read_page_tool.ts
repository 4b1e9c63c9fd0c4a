/**
 * The MCP `read_page` tool: one wiki page, by its path (`summaries/x`,
 * `wiki/concepts/y.md`), a wikilink as written (`[[sources/x#Intro]]`, whose
 * anchor selects a section) or a bare name (a document's summary, else the
 * concept or exploration of that name); optionally only the section under
 * one heading, or a page range of a paged source page.
 *
 * A document's summary asked for `pages`, or for a heading it does not
 * have, is answered from the document's source page (its full text).
 *
 * The answer is capped at {@linkcode READ_PAGE_BUDGET} characters, cut at a
 * line break, with a note saying how much was shown and how to read the
 * rest by section or pages. Paths never leave the wiki (see
 * `core/resolve_wiki_page.ts`).
 *
 * @module
 */

import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { QuireError, resolveWikiPage } from "../../core/mod.ts";
import type { KbReader } from "./kb_reader.ts";
import { pageRange, sectionByHeading } from "./page_parts.ts";
import { guard, textResult, withinBudget } from "./tool_result.ts";

/** Most characters of page text one `read_page` call returns. */
export const READ_PAGE_BUDGET = 40000;

/** Registers `read_page {path, heading?, pages?}`. */
export function registerReadPageTool(server: McpServer, reader: KbReader): void {
  server.registerTool(
    "read_page",
    {
      title: "Read a wiki page",
      description:
        'Reads one page of the wiki: summaries/NAME (a document\'s summary and outline), sources/NAME (its full text), concepts/SLUG, explorations/NAME, index, log, AGENTS; or a [[wikilink]]; or a bare document name. heading returns only that section (with its subsections); pages returns a page range of a paged source (PDF), e.g. "3-5". Long answers are cut at ' +
        `${READ_PAGE_BUDGET} characters with a note.`,
      inputSchema: {
        path: z.string().describe("page path inside the wiki, a [[wikilink]], or a document name"),
        heading: z.string().optional().describe("only the section under this heading"),
        pages: z.string().optional().describe('only these pages of a paged source: "7" or "3-5"'),
      },
    },
    ({ path, heading, pages }: { path: string; heading?: string; pages?: string }) =>
      guard(async () => {
        const page = resolveWikiPage(reader.layout, reader.db, path);
        const section = heading ?? page.anchor ?? undefined;
        if (section !== undefined && pages !== undefined) {
          throw new QuireError("USAGE", `Cannot read '${path}': give heading or pages, not both`, {
            hint: "Read a page range, then find the heading in it",
          });
        }
        let file = page.path;
        // A document's sections and pages are in its full text: a summary
        // asked for pages, or for a heading it lacks, reads the source page.
        const source = page.document === null ? null : `wiki/sources/${page.document}.md`;
        if (pages !== undefined && source !== null) file = source;
        let text = await Deno.readTextFile(reader.layout.resolve(file));
        let part = text;
        let what = file;
        if (section !== undefined) {
          try {
            part = sectionByHeading(text, section, path);
          } catch (error) {
            if (source === null || path === source) throw error;
            path = what = source;
            text = await Deno.readTextFile(reader.layout.resolve(path));
            part = sectionByHeading(text, section, path);
          }
          what += ` § ${section}`;
        } else if (pages !== undefined) {
          part = pageRange(text, pages, file);
          what += `, pages ${pages}`;
        }
        const how = section === undefined && pages === undefined
          ? "read one section with heading (document_outline lists a document's sections) or a page range with pages"
          : "ask for a smaller section or page range";
        return textResult(`page: ${what}\n\n${withinBudget(part, READ_PAGE_BUDGET, how)}`);
      }),
  );
}
