/**
 * `deno task bench`: runs every benchmark case in sequence and prints one
 * markdown report (the machine first, then one section per case).
 *
 *     deno task bench                 # every case
 *     deno task bench jobs growth     # some cases (a leading `--` is ignored)
 *     deno task bench --quick         # tiny inputs: only checks that it runs
 *     deno task bench --profile       # profile even when targets are met
 *
 * Cases: `startup`, `commit` (issue 15: group commit against the
 * per-document floor), `jobs` (issue 3), `growth` and `search` (issue 5),
 * `mcp` (issue 14: `search` through the MCP server; these three share one
 * 10,000-document knowledge base, built once), `scale` (issue 15: a
 * 100,000-document knowledge base), `pdf` (PDF extraction), `bundle` (issue
 * 16: committing prepared bundles), `llm` (issue 13: jobs and the
 * prepared-results cache against a slow model), `memory` (issue 10: peak RSS
 * of large and hostile inputs against 1 GiB). Quick mode is also on when
 * `QUIRE_BENCH_QUICK` is set.
 * Everything is written under the system temp folder and removed afterwards.
 *
 * @module
 */

import { benchBundle } from "./bundle_bench.ts";
import { benchCommit } from "./commit_bench.ts";
import { benchGrowth } from "./growth_bench.ts";
import { benchJobs } from "./jobs_bench.ts";
import { benchMcp } from "./mcp_bench.ts";
import { benchLlm } from "./llm_bench.ts";
import { benchMemory } from "./memory_bench.ts";
import { benchPdf } from "./pdf_bench.ts";
import { benchScale } from "./scale_bench.ts";
import { benchSearch } from "./search_bench.ts";
import { benchStartup } from "./startup_bench.ts";
import { type BenchOptions, isQuick } from "./_bench_options.ts";
import { fixed, markdownTable } from "./_bench_stats.ts";
import { LargeKb } from "./_large_kb.ts";
import { measureParallelism } from "./_parallel_ceiling.ts";
import { ROOT } from "../_helpers.ts";

type Case = (options: BenchOptions) => Promise<string[]>;

const CASES: Record<string, Case> = {
  startup: benchStartup,
  commit: benchCommit,
  jobs: benchJobs,
  growth: benchGrowth,
  search: benchSearch,
  mcp: benchMcp,
  scale: benchScale,
  pdf: async () => ["## pdf: PDF extraction", "", "```text", ...await benchPdf(), "```"],
  llm: benchLlm,
  bundle: benchBundle,
  memory: benchMemory,
};

async function commandOutput(program: string, args: string[]): Promise<string> {
  try {
    const { success, stdout } = await new Deno.Command(program, {
      args,
      cwd: ROOT,
      stderr: "null",
    }).output();
    return success ? new TextDecoder().decode(stdout).trim() : "";
  } catch {
    return "";
  }
}

/** The machine the report was measured on, as markdown lines. */
export async function machineLines(): Promise<string[]> {
  let cpu = "unknown";
  let memory = "unknown";
  try {
    const info = await Deno.readTextFile("/proc/cpuinfo");
    cpu = /^model name\s*:\s*(.+)$/m.exec(info)?.[1] ?? cpu;
    const mem = /^MemTotal:\s*(\d+) kB$/m.exec(await Deno.readTextFile("/proc/meminfo"));
    if (mem) memory = `${fixed(Number(mem[1]) / 1024 / 1024, 1)} GiB`;
  } catch {
    // Not Linux.
  }
  const nproc = await commandOutput("nproc", []) || String(navigator.hardwareConcurrency);
  const commit = await commandOutput("git", ["rev-parse", "--short", "HEAD"]);
  const ceiling = await measureParallelism();
  return markdownTable(["machine", ""], [
    ["nproc", nproc],
    ["CPU", cpu],
    ["memory", memory],
    ["OS", `${Deno.build.os} ${Deno.osRelease()} (${Deno.build.arch})`],
    ["Deno", `${Deno.version.deno} (V8 ${Deno.version.v8}, TypeScript ${Deno.version.typescript})`],
    ["Quire commit", commit || "unknown"],
    [
      "2-thread speedup of a CPU loop",
      `${fixed(ceiling.speedup, 2)} at start (2.00 = two full cores; see _parallel_ceiling.ts)`,
    ],
    ["date", new Date().toISOString()],
  ]);
}

/** Parses the arguments: case names and flags. */
export function parseArgs(args: string[]): { cases: string[]; quick?: boolean; profile: boolean } {
  const cases: string[] = [];
  let quick: boolean | undefined;
  let profile = false;
  for (const arg of args) {
    if (arg === "--") continue;
    else if (arg === "--quick") quick = true;
    else if (arg === "--profile") profile = true;
    else if (arg in CASES) cases.push(arg);
    else {
      throw new Error(
        `Cannot run benchmark '${arg}': expected ${
          Object.keys(CASES).join(", ")
        }, --quick or --profile`,
      );
    }
  }
  return { cases: cases.length > 0 ? cases : Object.keys(CASES), quick, profile };
}

/** Runs the selected cases (see {@linkcode parseArgs}) and prints the report. */
export async function runBenchmarks(
  selection: { cases: string[]; quick?: boolean; profile: boolean },
): Promise<void> {
  const { cases, quick, profile } = selection;
  const options: BenchOptions = { quick, profile };
  const small = isQuick(options);
  console.log(
    `# Quire benchmark${small ? " (quick mode: tiny inputs, figures not meaningful)" : ""}`,
  );
  console.log("");
  for (const line of await machineLines()) console.log(line);
  const sharesKb = ["growth", "search", "mcp"].some((name) => cases.includes(name));
  await using largeKb = sharesKb ? new LargeKb({ documents: small ? 300 : 10_000 }) : null;
  for (const name of cases) {
    const started = performance.now();
    const lines = await CASES[name]({ ...options, largeKb: largeKb ?? undefined });
    console.log("");
    for (const line of lines) console.log(line);
    console.log("");
    console.log(`_(${name}: ${fixed((performance.now() - started) / 1000, 0)} s)_`);
  }
}

if (import.meta.main) {
  let selection;
  try {
    selection = parseArgs(Deno.args);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
  await runBenchmarks(selection);
}
