/**
 * The LLM ingest (issue 13): 200 small documents added against a local
 * OpenAI-compatible server (tests/_fake_llm.ts) that answers every request
 * after 200 ms, the way a hosted model keeps a batch waiting.
 *
 * - `--jobs 1` cold (a fresh knowledge base, an empty cache) against
 *   `--jobs 8` cold: the jobs keep 8 calls in flight; target ≥ 6×.
 * - A rerun with a warm cache: the same `add --jobs 1` into a fresh
 *   knowledge base whose `.quire/cache/` is a copy of the cold run's (what a
 *   rerun after a crash or a failed batch finds: nothing committed, every
 *   answer paid for): target ≥ 20× faster than the cold `--jobs 1` run, and
 *   no request at all.
 *
 * - For scale, the same `add --jobs 1` with the offline compiler (no model
 *   at all): a warm-cache rerun cannot be faster than that, since both
 *   commit every document (per-document fsyncs).
 *
 * Each figure is the median of its runs (3 of each; 1 in quick mode).
 *
 * Run: `deno run -A tests/bench/llm_bench.ts [--quick]`
 *
 * @module
 */

import { join } from "node:path";
import { startFakeLlm } from "../_fake_llm.ts";
import { type CliRun, removeTree, runCli } from "./_bench_cli.ts";
import { type BenchOptions, isQuick } from "./_bench_options.ts";
import { fixed, markdownTable, median } from "./_bench_stats.ts";

/** `--jobs 8` over `--jobs 1`, wanted. */
export const JOBS_SPEEDUP_TARGET = 6;
/** Cold `--jobs 1` over a warm-cache rerun, wanted. */
export const CACHE_SPEEDUP_TARGET = 20;
/** The server's delay before each answer. */
const DELAY_MS = 200;

async function writeCorpus(dir: string, count: number): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const words = ["harbour", "tide", "vessel", "berth", "cargo", "crane", "pilot", "anchor"];
  for (let i = 0; i < count; i++) {
    const a = words[i % words.length];
    const b = words[(i * 3 + 1) % words.length];
    await Deno.writeTextFile(
      join(dir, `note-${String(i).padStart(3, "0")}.md`),
      `# Note ${i} on ${a}s\n\nThis note ${i} explains how each ${a} relates to the ${b}. ` +
        `The ${a} schedule changes with the ${b} every season.\n`,
    );
  }
}

async function configure(kb: string, baseUrl: string | null): Promise<void> {
  await runCli(["init", kb]);
  if (baseUrl === null) return;
  const path = join(kb, ".quire", "config.json");
  const config = JSON.parse(await Deno.readTextFile(path));
  config.llm = { baseUrl, model: "bench", apiKeyEnv: "", timeoutSeconds: 30, retries: 1 };
  await Deno.writeTextFile(path, JSON.stringify(config, null, 2));
}

interface Run {
  run: CliRun;
  calls: number;
  cacheHits: number;
}

async function addInto(kb: string, input: string, jobs: number, count: number): Promise<Run> {
  const run = await runCli(["--kb", kb, "add", input, "--jobs", String(jobs), "--quiet", "--json"]);
  const result = JSON.parse(run.stdout) as {
    added: unknown[];
    stats: { llm: { calls: number; cacheHits: number } | null };
  };
  if (result.added.length !== count) {
    throw new Error(`add --jobs ${jobs} added ${result.added.length} of ${count}`);
  }
  const llm = result.stats.llm ?? { calls: 0, cacheHits: 0 };
  return { run, calls: llm.calls, cacheHits: llm.cacheHits };
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const a = join(from, entry.name);
    const b = join(to, entry.name);
    if (entry.isDirectory) await copyTree(a, b);
    else await Deno.copyFile(a, b);
  }
}

/** Runs the case and returns its report as markdown lines. */
export async function benchLlm(options: BenchOptions = {}): Promise<string[]> {
  const quick = isQuick(options);
  const count = quick ? 24 : 200;
  const reps = quick ? 1 : 3;
  await using llm = startFakeLlm({ delayMs: DELAY_MS });
  const root = await Deno.makeTempDir({ prefix: "quire-bench-llm-" });
  try {
    const input = join(root, "in");
    await writeCorpus(input, count);
    const cold: Record<1 | 8, Run[]> = { 1: [], 8: [] };
    const warm: Run[] = [];
    const offline: Run[] = [];
    for (let rep = 0; rep < reps; rep++) {
      for (const jobs of rep % 2 === 0 ? [1, 8] as const : [8, 1] as const) {
        const kb = join(root, `cold-${jobs}-${rep}`);
        await configure(kb, llm.baseUrl);
        cold[jobs].push(await addInto(kb, input, jobs, count));
      }
      const kb = join(root, `warm-${rep}`);
      await configure(kb, llm.baseUrl);
      await copyTree(join(root, `cold-1-${rep}`, ".quire", "cache"), join(kb, ".quire", "cache"));
      warm.push(await addInto(kb, input, 1, count));
      const plain = join(root, `offline-${rep}`);
      await configure(plain, null);
      offline.push(await addInto(plain, input, 1, count));
    }
    const ms = (runs: Run[]) => median(runs.map((r) => r.run.ms));
    const t1 = ms(cold[1]);
    const t8 = ms(cold[8]);
    const tw = ms(warm);
    const to = ms(offline);
    const row = (label: string, runs: Run[], t: number) => [
      label,
      fixed(t / 1000, 2),
      fixed(count / (t / 1000), 1),
      String(median(runs.map((r) => r.calls))),
      String(median(runs.map((r) => r.cacheHits))),
    ];
    const jobsRatio = t1 / t8;
    const cacheRatio = t1 / tw;
    return [
      `## llm: ${count} small documents, a server answering after ${DELAY_MS} ms`,
      "",
      ...markdownTable(["run", "seconds", "docs/s", "model calls", "cache hits"], [
        row("cold, --jobs 1", cold[1], t1),
        row("cold, --jobs 8", cold[8], t8),
        row("warm cache, --jobs 1 (fresh knowledge base)", warm, tw),
        row("offline compiler, --jobs 1 (no model: the floor)", offline, to),
      ]),
      "",
      `- --jobs 8 / --jobs 1: **${fixed(jobsRatio, 1)}×** (target ≥ ${JOBS_SPEEDUP_TARGET}×: ${
        jobsRatio >= JOBS_SPEEDUP_TARGET ? "met" : "NOT met"
      })`,
      `- warm-cache rerun / cold --jobs 1: **${
        fixed(cacheRatio, 1)
      }×** (target ≥ ${CACHE_SPEEDUP_TARGET}×: ${
        cacheRatio >= CACHE_SPEEDUP_TARGET ? "met" : "NOT met"
      }); warm / cold --jobs 8: ${fixed(t8 / tw, 1)}×`,
      `- median of ${reps} run(s) each; every run includes Deno's startup and the commits`,
    ];
  } finally {
    await removeTree(root);
  }
}

if (import.meta.main) {
  const lines = await benchLlm({ quick: Deno.args.includes("--quick") ? true : undefined });
  for (const line of lines) console.log(line);
}
