/**
 * The MCP `save_note` tool, its one writing tool: keeps an answer as an
 * exploration page (`wiki/explorations/<name>.md`), the path of
 * `quire query --save`. It goes through a change session like every
 * mutation (the exclusive lock, recovery, the coordinator, the rebuild of
 * the shared pages), waiting up to the server's `--wait` bound for a busy
 * lock; a lock still busy then, or any other failure, is a tool error. As
 * with `query --save`, links in the answer to pages that do not exist are
 * turned into plain text, and those that do are its citations.
 *
 * @module
 */

import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { openChangeSession, saveExploration } from "../../commit/mod.ts";
import { checkCitations } from "../answer_query.ts";
import type { KbReader } from "./kb_reader.ts";
import { guard, textResult } from "./tool_result.ts";

/** Longest answer `save_note` keeps, in characters. */
export const NOTE_MAX_CHARS = 200000;

/** Registers `save_note {question, answer}`. */
export function registerSaveNoteTool(server: McpServer, reader: KbReader): void {
  server.registerTool("save_note", {
    title: "Save an answer as a wiki page",
    description:
      "Saves a question and its answer (markdown; cite pages as [[summaries/NAME]]) as a new page under explorations/, listed in the index and on the cited summaries. It waits briefly if another process is changing the knowledge base, and fails with a tool error if it stays busy.",
    inputSchema: {
      question: z.string().min(1).max(2000).describe(
        "the question the note answers; it names the page",
      ),
      answer: z.string().min(1).max(NOTE_MAX_CHARS).describe(
        "the answer, markdown with [[wikilinks]]",
      ),
    },
  }, ({ question, answer }: { question: string; answer: string }) =>
    guard(async () => {
      const checked = await checkCitations(reader.layout, answer);
      await using session = await openChangeSession(reader.layout, {
        waitSeconds: reader.waitSeconds,
      });
      const saved = await saveExploration(session, {
        question,
        answer: checked.answer,
        citations: checked.citations,
      });
      const cites = checked.citations.length === 0 ? "none" : checked.citations.join(", ");
      return textResult(
        `saved: ${saved.page} (read it with read_page {"path": "explorations/${saved.name}"}); citations: ${cites}`,
      );
    }));
}
