/**
 * Drives `quire mcp` the way an agent's client does: spawned as a
 * subprocess and spoken to over stdio with the MCP SDK's own client.
 *
 * @module
 */

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { EPOCH, MAIN, ROOT } from "./_helpers.ts";

/** A connected client that `await using` closes (which stops the server). */
export interface McpSession extends AsyncDisposable {
  client: Client;
  /** Calls a tool; returns its text and whether it is an error result. */
  call(name: string, args?: Record<string, unknown>): Promise<{ text: string; isError: boolean }>;
}

/** Starts `quire --kb KB [args] mcp` and connects a client to it. */
export async function connectMcp(kb: string, args: string[] = []): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", "-A", "--quiet", MAIN, "--kb", kb, ...args, "mcp"],
    cwd: ROOT,
    env: { ...Deno.env.toObject(), SOURCE_DATE_EPOCH: EPOCH, NO_COLOR: "1", QUIRE_KB: "" },
    stderr: "ignore",
  });
  const client = new Client({ name: "quire-tests", version: "1.0.0" });
  await client.connect(transport);
  return {
    client,
    async call(name, callArgs = {}) {
      const result = await client.callTool({ name, arguments: callArgs });
      const content = result.content as { type: string; text?: string }[];
      return {
        text: content.map((c) => c.text ?? "").join("\n"),
        isError: result.isError === true,
      };
    },
    [Symbol.asyncDispose]: () => client.close(),
  };
}
