/**
 * What an MCP tool answers: text content, or an error result (`isError`)
 * that the client shows the model. A tool never throws to the SDK: every
 * failure, expected or not, becomes an error result naming what went wrong
 * and what to do, so one bad call cannot end the session.
 *
 * @module
 */

import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { errorMessage, QuireError } from "../../core/mod.ts";

/** A successful result holding `text`. */
export function textResult(text: string): CallToolResult {
  return { content: [{ type: "text", text }] };
}

/** An error result for `error`: its message, and its hint when it has one. */
export function errorResult(error: unknown): CallToolResult {
  const hint = error instanceof QuireError && error.hint ? `\nhint: ${error.hint}` : "";
  const code = error instanceof QuireError ? ` (${error.code})` : "";
  return {
    content: [{ type: "text", text: `error${code}: ${errorMessage(error)}${hint}` }],
    isError: true,
  };
}

/** Runs a tool body, turning anything it throws into an error result. */
export async function guard(
  body: () => Promise<CallToolResult> | CallToolResult,
): Promise<CallToolResult> {
  try {
    return await body();
  } catch (error) {
    return errorResult(error);
  }
}

/**
 * Cuts `text` to at most `budget` characters at a line break (when one is
 * near), and says so; returns it whole when it fits.
 */
export function withinBudget(text: string, budget: number, how: string): string {
  if (text.length <= budget) return text;
  let end = text.lastIndexOf("\n", budget);
  if (end < budget / 2) end = budget;
  return `${text.slice(0, end)}\n\n[cut: showed ${end} of ${text.length} characters; ${how}]`;
}
