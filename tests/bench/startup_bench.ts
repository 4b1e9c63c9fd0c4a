/**
 * Start-up time of the CLI: `quire --help`, `--version`, and the read-only
 * commands `list`, `status` and `search` on an empty knowledge base, each run
 * as a whole process (`deno run -A main.ts …`, modules already cached), next
 * to Deno's own floor (`deno run` of an empty script). Also the maximum
 * resident set size of `--help`, and a prepare worker's start: the time from
 * creating a one-worker pool (in this process) to its first result, one
 * short markdown note (module loading in the worker, then the note's own
 * work).
 *
 * Run: `deno run -A tests/bench/startup_bench.ts [--quick]`
 *
 * @module
 */

import { join } from "node:path";
import { type CliRun, removeTree, runCli } from "./_bench_cli.ts";
import { type BenchOptions, isQuick } from "./_bench_options.ts";
import { fixed, markdownTable, median, percentile } from "./_bench_stats.ts";
import { preparePoolOnly } from "./_pool_only.ts";

const WORKER_CASE = "prepare worker: first result (one markdown note)";

/** Runs the `startup` case and returns the report lines. */
export async function benchStartup(options: BenchOptions = {}): Promise<string[]> {
  const runs = isQuick(options) ? 3 : 15;
  const dir = await Deno.makeTempDir({ prefix: "quire-bench-startup-" });
  try {
    const kb = join(dir, "kb");
    const empty = join(dir, "empty.ts");
    await Deno.writeTextFile(empty, "// An empty program: Deno's own start-up.\n");
    await runCli(["init", kb]);
    const notes = join(dir, "notes");
    await Deno.mkdir(notes);
    await Deno.writeTextFile(
      join(notes, "harbour.md"),
      "# Harbour\n\nThe tide lifts each vessel at its berth; cranes work the quay.\n",
    );
    const cases: [string, string[], string | undefined][] = [
      ["deno run (empty script): Deno's floor", [], empty],
      ["quire --help", ["--help"], undefined],
      ["quire --version", ["--version"], undefined],
      ["quire list (empty kb)", ["--kb", kb, "list"], undefined],
      ["quire status (empty kb)", ["--kb", kb, "status"], undefined],
      ["quire search (empty kb)", ["--kb", kb, "search", "harbour"], undefined],
    ];
    const times = new Map<string, CliRun[]>(cases.map(([label]) => [label, []]));
    const workerMs: number[] = [];
    // One untimed round caches modules; then rounds interleave the commands.
    for (let round = -1; round < runs; round++) {
      for (const [label, args, main] of cases) {
        const run = await runCli(args, { main, measure: round === 0 });
        if (round >= 0) times.get(label)!.push(run);
      }
      const worker = await preparePoolOnly(notes, { jobs: 1 });
      if (round >= 0) workerMs.push(worker.ms);
    }
    const row = (label: string, ms: number[], rss: number | null) => [
      label,
      fixed(median(ms), 0),
      fixed(percentile(ms, 95), 0),
      fixed(Math.min(...ms), 0),
      rss === null ? "–" : fixed(rss / 1024, 0),
    ];
    const rows = cases.map(([label]) => {
      const all = times.get(label)!;
      return row(label, all.map((r) => r.ms), all[0].maxRssKib);
    });
    rows.push(row(WORKER_CASE, workerMs, null));
    return [
      "## startup",
      "",
      `Each command ${runs} times (interleaved, after one untimed round), whole process; the ` +
      "worker in this process, from creating the pool to the staged note.",
      "",
      ...markdownTable(["command", "median ms", "p95 ms", "min ms", "max RSS MiB"], rows),
    ];
  } finally {
    await removeTree(dir);
  }
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick") ? true : undefined;
  for (const line of await benchStartup({ quick })) console.log(line);
}
