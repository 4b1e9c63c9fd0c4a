/**
 * `search` through MCP on the 10,000-document knowledge base (issue 14):
 * `quire mcp` runs as a subprocess and the MCP SDK's client calls its
 * `search` tool over stdio, as an agent's client would, in one warm
 * session. Each query of the `search` case (`pickQueries`) is called once
 * to warm up, then the queries are called in interleaved rounds; the
 * median and p95 of those calls are the result (target: median under
 * 20 ms). A call's time is the client's round trip: JSON-RPC over the
 * pipes, argument validation, the query, the section lookup of each hit,
 * and formatting.
 *
 * Run: `deno run -A tests/bench/mcp_bench.ts [--quick]`
 *
 * @module
 */

import { connectMcp } from "../_mcp_client.ts";
import { type BenchOptions, isQuick } from "./_bench_options.ts";
import { fixed, markdownTable, median, percentile } from "./_bench_stats.ts";
import { LargeKb } from "./_large_kb.ts";
import { pickQueries } from "./search_bench.ts";
import { join } from "node:path";

/** The target median of one `search` call through MCP, in milliseconds. */
export const MCP_SEARCH_TARGET_MS = 20;

/** Runs the `mcp` case and returns the report lines. */
export async function benchMcp(options: BenchOptions = {}): Promise<string[]> {
  const quick = isQuick(options);
  const rounds = quick ? 3 : 30;
  const own = options.largeKb === undefined
    ? new LargeKb({ documents: quick ? 300 : 10_000 })
    : null;
  const large = options.largeKb ?? own!;
  try {
    const info = await large.build();
    const queries = pickQueries(join(info.path, ".quire", "registry.db"), info);
    await using mcp = await connectMcp(info.path);
    const times = new Map(queries.map((q) => [q.query, [] as number[]]));
    for (const query of queries) {
      const warmUp = await mcp.call("search", { query: query.query });
      if (warmUp.isError) throw new Error(`search ${query.query} failed: ${warmUp.text}`);
    }
    for (let round = 0; round < rounds; round++) {
      for (const query of queries) {
        const started = performance.now();
        await mcp.call("search", { query: query.query });
        times.get(query.query)!.push(performance.now() - started);
      }
    }
    const all = [...times.values()].flat();
    const kinds = [...new Set(queries.map((q) => q.kind))];
    const rows = kinds.map((kind) => {
      const of = queries.filter((q) => q.kind === kind).flatMap((q) => times.get(q.query)!);
      return [kind, fixed(median(of), 2), fixed(percentile(of, 95), 2)];
    });
    const verdict = median(all) < MCP_SEARCH_TARGET_MS ? "met" : "NOT met";
    return [
      `## mcp: \`search\` through MCP on ${info.documents} documents (issue 14)`,
      "",
      `\`quire mcp\` as a subprocess, the SDK's client over stdio, one warm session; ` +
      `${queries.length} queries (those of the search case), one warm-up call each, then ` +
      `${rounds} interleaved rounds. Limit 10 hits.`,
      "",
      `All calls: median **${fixed(median(all), 2)} ms**, p95 **${
        fixed(percentile(all, 95), 2)
      } ms** (target: median under ${MCP_SEARCH_TARGET_MS} ms, ${verdict}).`,
      "",
      ...markdownTable(["kind", "median ms", "p95 ms"], rows),
    ];
  } finally {
    if (own !== null) await own[Symbol.asyncDispose]();
  }
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick") ? true : undefined;
  for (const line of await benchMcp({ quick })) console.log(line);
}
