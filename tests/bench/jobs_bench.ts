/**
 * `add --jobs 1` against `add --jobs 2` (issue 3): docs/s of each and the
 * ratio, on three generated corpora, each added into a fresh knowledge base:
 *
 * - `text`: 1,000 markdown and text files, 200 B to 200 KB (log-uniform):
 *   a notes folder. Commit-bound: most files are small.
 * - `pdf`: 80 text PDFs of 40 pages: CPU-bound (pdf.js in the workers).
 * - `large markdown`: 24 markdown files of 1 MB: CPU-bound (the offline
 *   compiler in the workers; a large full-text row at each commit).
 *
 * Each repetition measures the machine's parallelism first (see
 * `_parallel_ceiling.ts`), then runs jobs 1 and jobs 2 in alternating order
 * (1-2, then 2-1, …) so that drift in the host's speed hits both alike.
 * Every run is measured with `/usr/bin/time -v` (maximum RSS, CPU) and
 * `/proc` sampling (CPU per thread: main, workers, V8 platform threads).
 *
 * The target is a ratio of at least {@linkcode JOBS_TARGET} for the
 * CPU-bound corpora. For each of those the report adds the CPU budget that
 * bounds the ratio, and when the target is missed (or with `--profile`) one
 * `--jobs 2` run of the PDF corpus is profiled with `--cpu-prof`.
 *
 * Run: `deno run -A tests/bench/jobs_bench.ts [--quick]`
 *
 * @module
 */

import { join } from "node:path";
import { type CliRun, removeTree, runCli } from "./_bench_cli.ts";
import {
  type CorpusInfo,
  writeLargeMarkdown,
  writePdfCorpus,
  writeTextCorpus,
} from "./_bench_corpus.ts";
import { type BenchOptions, isQuick } from "./_bench_options.ts";
import { fixed, markdownTable, median, megabytes } from "./_bench_stats.ts";
import { measureParallelism } from "./_parallel_ceiling.ts";
import { preparePoolOnly } from "./_pool_only.ts";
import { profileJobs } from "./_profile_jobs.ts";

/** The ratio jobs2/jobs1 wanted for CPU-bound inputs on two cores. */
export const JOBS_TARGET = 1.7;

interface Corpus {
  key: string;
  title: string;
  cpuBound: boolean;
  reps: number;
  write: (dir: string) => Promise<CorpusInfo>;
}

function corpora(quick: boolean): Corpus[] {
  return [
    {
      key: "text",
      title: quick
        ? "60 markdown/text files, 200 B–200 KB"
        : "1,000 markdown/text files, 200 B–200 KB",
      cpuBound: false,
      reps: quick ? 1 : 3,
      write: (dir) => writeTextCorpus(dir, { count: quick ? 60 : 1000 }),
    },
    {
      key: "pdf",
      title: quick ? "4 PDFs of 3 pages" : "80 PDFs of 40 pages (3,200 pages)",
      cpuBound: true,
      reps: quick ? 1 : 5,
      write: (dir) =>
        writePdfCorpus(dir, quick ? { count: 4, pages: 3 } : { count: 80, pages: 40 }),
    },
    {
      key: "large-md",
      title: quick ? "2 markdown files of 50 KB" : "24 markdown files of 1 MB",
      cpuBound: true,
      reps: quick ? 1 : 3,
      write: (dir) =>
        writeLargeMarkdown(dir, quick ? { count: 2, bytes: 50_000 } : { count: 24, bytes: 1e6 }),
    },
  ];
}

/** CPU seconds of one thread group in a run (0 when not sampled). */
function groupCpu(run: CliRun, group: string): number {
  return (run.threadCpu.find((g) => g.group === group)?.cpuMs ?? 0) / 1000;
}

function totalCpu(run: CliRun): number {
  return ((run.userMs ?? 0) + (run.sysMs ?? 0)) / 1000 ||
    run.threadCpu.reduce((s, g) => s + g.cpuMs, 0) / 1000;
}

/** Median of a per-run figure. */
function med(runs: CliRun[], figure: (run: CliRun) => number): number {
  return median(runs.map(figure));
}

/** Adds `input` (`files` files) with `--jobs N` into a fresh knowledge base, measured. */
async function addOnce(
  input: string,
  options: { jobs: number; files: number; threads?: boolean },
): Promise<CliRun> {
  const { jobs, files, threads } = options;
  const dir = await Deno.makeTempDir({ prefix: "quire-bench-jobs-" });
  try {
    const run = await runCli(
      ["--kb", join(dir, "kb"), "add", input, "--jobs", String(jobs), "--quiet", "--json"],
      { measure: true, threads },
    );
    const added = (JSON.parse(run.stdout) as { added: unknown[] }).added.length;
    if (added !== files) throw new Error(`add --jobs ${jobs} added ${added} of ${files} files`);
    return run;
  } finally {
    await removeTree(dir);
  }
}

/** What one corpus gave; used by the CPU-budget lines and the summary. */
export interface JobsResult {
  key: string;
  files: number;
  ratio: number;
  /** The timed runs (no thread sampling). */
  runs: Record<1 | 2, CliRun[]>;
  /** One extra run per jobs value with thread sampling, for the split by thread. */
  sampled: Partial<Record<1 | 2, CliRun>>;
  ceilings: number[];
}

function corpusTable(result: JobsResult): string[] {
  const rows = ([1, 2] as const).map((jobs) => {
    const runs = result.runs[jobs];
    const sampled = result.sampled[jobs]!;
    const wall = med(runs, (r) => r.ms);
    const rss = runs.map((r) => r.maxRssKib ?? NaN);
    return [
      String(jobs),
      `${fixed(wall / 1000, 2)} s (${fixed(Math.min(...runs.map((r) => r.ms)) / 1000, 2)}–${
        fixed(Math.max(...runs.map((r) => r.ms)) / 1000, 2)
      })`,
      fixed(result.files / (wall / 1000), 1),
      fixed(med(runs, totalCpu), 2),
      fixed(med(runs, totalCpu) / (wall / 1000), 2),
      `${fixed(median(rss) / 1024, 0)} (max ${fixed(Math.max(...rss) / 1024, 0)})`,
      ["main", "workers", "v8-platform"].map((g) => fixed(groupCpu(sampled, g), 2)).join(" / "),
    ];
  });
  return markdownTable(
    [
      "jobs",
      "wall, median (min–max)",
      "docs/s",
      "CPU s",
      "cores used",
      "max RSS MiB, median (max)",
      "CPU s by thread, sampled run: main / workers / V8 platform",
    ],
    rows,
  );
}

/** The CPU budget that bounds the ratio of a CPU-bound corpus. */
function budgetLines(result: JobsResult): string[] {
  const [one, two] = [result.runs[1], result.runs[2]];
  const [s1, s2] = [result.sampled[1]!, result.sampled[2]!];
  const t1 = med(one, (r) => r.ms) / 1000;
  const t2 = med(two, (r) => r.ms) / 1000;
  const c1 = med(one, totalCpu);
  const c2 = med(two, totalCpu);
  const w1 = groupCpu(s1, "workers");
  const w2 = groupCpu(s2, "workers");
  const m2 = groupCpu(s2, "main");
  const v1 = groupCpu(s1, "v8-platform");
  const v2 = groupCpu(s2, "v8-platform");
  const n = result.files;
  return [
    `- CPU budget (${result.key}): at jobs 2 the process used ${fixed(c2, 2)} CPU-s in ${
      fixed(t2, 2)
    } s, i.e. ${fixed((100 * c2) / (2 * t2), 0)}% of both cores, so jobs 2 cannot beat ` +
    `${fixed(c2 / 2, 2)} s and the ratio cannot beat 2 × ${fixed(t1, 2)} / ${fixed(c2, 2)} = ` +
    `**${fixed((2 * t1) / c2, 2)}** without less CPU work.`,
    `- Split by thread (sampled runs): at jobs 2 the workers used ${fixed(w2, 2)} CPU-s (${
      fixed((1000 * w2) / n, 0)
    } ms per document, against ${fixed((1000 * w1) / n, 0)} ms with one worker), the main ` +
    `thread (coordinator) ${fixed(m2, 2)} (${fixed((1000 * m2) / n, 1)} ms per document), ` +
    `V8's platform threads (JIT compilation and concurrent GC of every isolate) ${fixed(v2, 2)} (${
      fixed(v1, 2)
    } with one worker).`,
    `- At jobs 1 the non-worker work (${fixed(totalCpu(s1) - w1, 2)} CPU-s in the sampled run) ` +
    `runs on the otherwise idle second core, so jobs 1 already uses ${fixed(c1 / t1, 2)} cores: ` +
    `the most jobs 2 can gain is 2 / ${fixed(c1 / t1, 2)} = ${
      fixed(2 / (c1 / t1), 2)
    }× even with no extra cost per worker.`,
  ];
}

/** The prepare pool alone, in this process, without the coordinator (`_pool_only.ts`). */
async function poolOnlyLine(input: string, options: { reps: number }): Promise<string> {
  const times: Record<1 | 2, number[]> = { 1: [], 2: [] };
  for (let rep = 0; rep < options.reps; rep++) {
    for (const jobs of rep % 2 === 0 ? [1, 2] as const : [2, 1] as const) {
      times[jobs].push((await preparePoolOnly(input, { jobs })).ms);
    }
  }
  const [one, two] = [median(times[1]), median(times[2])];
  return `- The prepare pool alone (same inputs, in-process, no coordinator and no commits; ` +
    `median of ${options.reps}): jobs 1 ${fixed(one / 1000, 2)} s, jobs 2 ${
      fixed(two / 1000, 2)
    } s, ratio **${fixed(one / two, 2)}**.`;
}

/** Why a corpus of small files does not scale: the coordinator's share. */
function commitBoundLine(result: JobsResult): string {
  const lines = ([1, 2] as const).map((jobs) => {
    const run = result.sampled[jobs]!;
    const main = groupCpu(run, "main");
    return `jobs ${jobs}: main thread ${fixed(main, 2)} CPU-s (${
      fixed((1000 * main) / result.files, 1)
    } ms per document, busy ${fixed((100 * main) / (run.ms / 1000), 0)}% of the wall), workers ${
      fixed(groupCpu(run, "workers"), 2)
    } CPU-s`;
  });
  return `- Split by thread (sampled runs): ${lines.join("; ")}. The serial coordinator ` +
    "(commits, then the shared-page rebuild) sets the pace, not the preparation.";
}

/** Runs the `jobs` case and returns the report lines. */
export async function benchJobs(options: BenchOptions = {}): Promise<string[]> {
  const quick = isQuick(options);
  const lines = [
    "## jobs: `add --jobs 1` vs `--jobs 2` (issue 3)",
    "",
    "Each run adds the whole corpus into a fresh knowledge base (offline compiler). Wall time is " +
    "the whole command (Deno startup included); CPU and max RSS from /usr/bin/time -v. The " +
    "split by thread comes from one extra run per jobs value sampled from /proc (sampling " +
    "slows a run down, so timed runs are not sampled); " +
    '"V8 platform" is V8\'s background threads (JIT compilation, concurrent GC). ' +
    '"Machine ceiling" is the speedup of a pure CPU loop on 2 threads measured just before ' +
    "each repetition (2.00 = two full cores).",
  ];
  const results: JobsResult[] = [];
  const root = await Deno.makeTempDir({ prefix: "quire-bench-jobs-corpus-" });
  try {
    // One untimed add of a markdown file and a PDF compiles and caches the modules.
    await writeTextCorpus(join(root, "warm-up"), { count: 2, seed: 99 });
    await writePdfCorpus(join(root, "warm-up"), { count: 1, pages: 2, seed: 99 });
    await addOnce(join(root, "warm-up"), { jobs: 2, files: 3 });
    for (const corpus of corpora(quick)) {
      const input = join(root, corpus.key);
      const info = await corpus.write(input);
      const result: JobsResult = {
        key: corpus.key,
        files: info.files,
        ratio: NaN,
        runs: { 1: [], 2: [] },
        sampled: {},
        ceilings: [],
      };
      for (let rep = 0; rep < corpus.reps; rep++) {
        result.ceilings.push((await measureParallelism()).speedup);
        for (const jobs of rep % 2 === 0 ? [1, 2] as const : [2, 1] as const) {
          result.runs[jobs].push(await addOnce(input, { jobs, files: info.files }));
        }
      }
      for (const jobs of [1, 2] as const) {
        result.sampled[jobs] = await addOnce(input, { jobs, files: info.files, threads: true });
      }
      result.ratio = med(result.runs[1], (r) => r.ms) / med(result.runs[2], (r) => r.ms);
      results.push(result);
      const paired = result.runs[1].map((r, i) => r.ms / result.runs[2][i].ms);
      const met = result.ratio >= JOBS_TARGET ? "met" : "**missed**";
      lines.push(
        "",
        `### ${corpus.title} (${megabytes(info.bytes)}, ${corpus.reps} repetitions)`,
        "",
        ...corpusTable(result),
        "",
        `- Ratio jobs2/jobs1 (docs/s of the medians): **${fixed(result.ratio, 2)}**` +
          (corpus.cpuBound ? ` (target ≥ ${JOBS_TARGET}: ${met})` : " (commit-bound; no target)") +
          `; per repetition: ${paired.map((r) => fixed(r, 2)).join(", ")}.`,
        `- Machine ceiling during these runs: median ${fixed(median(result.ceilings), 2)} (${
          result.ceilings.map((c) => fixed(c, 2)).join(", ")
        }).`,
      );
      if (corpus.cpuBound) {
        lines.push(...budgetLines(result), await poolOnlyLine(input, { reps: quick ? 1 : 3 }));
      } else {
        lines.push(commitBoundLine(result));
      }
    }
    const missed = results.some((r) => r.key !== "text" && r.ratio < JOBS_TARGET);
    if (missed || options.profile) {
      lines.push("", ...await profileJobs(join(root, "pdf"), { quick }));
    }
  } finally {
    await removeTree(root);
  }
  return lines;
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick") ? true : undefined;
  for (const line of await benchJobs({ quick, profile: Deno.args.includes("--profile") })) {
    console.log(line);
  }
}
