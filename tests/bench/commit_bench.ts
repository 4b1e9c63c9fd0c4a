/**
 * Group commit against the floor of a durable per-document commit (issue
 * 15). One corpus of 1,000 small documents (markdown and text notes, 200 B
 * to 4 KB, log-uniform), and these runs on it, each into a fresh folder, in
 * rotating order per repetition:
 *
 * - `floor`: `_floor.ts`, the per-document durable steps and nothing else
 *   (read, SHA-256, write + fsync, rename, directory fsync, one SQLite
 *   transaction with `synchronous=FULL`, per document);
 * - `quire add --jobs 1` and `quire add --jobs 2` (offline compiler): the
 *   whole pipeline, with group commit;
 * - its two halves apart, to show what bounds it: `prepare only` (the
 *   prepare pool in this process, `--jobs 1` and `2`: read, convert,
 *   summarise, stage; no registry, no commit, no startup) and `commit only`
 *   (`quire add --from-bundle` of the same notes prepared once beforehand,
 *   untimed: startup, verifying the bundle, staging, group commit and the
 *   shared pages, no conversion).
 *
 * Targets: jobs 2 at least {@linkcode JOBS2_TARGET}× the floor's docs/s, and
 * jobs 1 at least {@linkcode JOBS1_TARGET}×. Neither can be met while
 * either half alone is slower than the floor.
 *
 * Run: `deno run -A tests/bench/commit_bench.ts [--quick]`
 *
 * @module
 */

import { join } from "node:path";
import { removeTree, runCli } from "./_bench_cli.ts";
import { writeTextCorpus } from "./_bench_corpus.ts";
import { type BenchOptions, isQuick } from "./_bench_options.ts";
import { fixed, markdownTable, median } from "./_bench_stats.ts";
import { preparePoolOnly } from "./_pool_only.ts";
import { ROOT } from "../_helpers.ts";

/** Wanted ratio of `add --jobs 2` docs/s to the floor's. */
export const JOBS2_TARGET = 1.0;
/** Wanted ratio of `add --jobs 1` docs/s to the floor's. */
export const JOBS1_TARGET = 0.7;

const RUNNERS = [
  "floor",
  "jobs 1",
  "jobs 2",
  "prepare only, jobs 1",
  "prepare only, jobs 2",
  "commit only",
] as const;
type Runner = typeof RUNNERS[number];

interface Timed {
  /** Whole process, spawn to exit (the pool alone for `prepare only`). */
  ms: number;
  /** User plus system CPU time of the process, when GNU time measured it. */
  cpuMs: number | null;
  maxRssKib: number | null;
}

async function runFloor(input: string, out: string): Promise<Timed> {
  const started = performance.now();
  const { success, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", join(ROOT, "tests/bench/_floor.ts"), input, out],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!success) throw new Error(`the floor failed: ${new TextDecoder().decode(stderr)}`);
  return { ms: performance.now() - started, cpuMs: null, maxRssKib: null };
}

/** The arguments of a `quire` run of `runner` into `kb`. */
function quireArgs(runner: Runner, kb: string, input: string, bundle: string): string[] {
  if (runner === "commit only") return ["--kb", kb, "add", "--from-bundle", bundle];
  return ["--kb", kb, "add", input, "--jobs", runner === "jobs 1" ? "1" : "2"];
}

/**
 * One run into a new folder under `root`. The folders are kept until the
 * case ends: on an ext4 filesystem without a journal (this machine's), a
 * file created within seconds of thousands of deletions costs about ten
 * times more, because the inode allocator skips recently deleted inodes one
 * by one (`recently_deleted()` in `fs/ext4/ialloc.c`, seen with `perf`), so
 * removing a run's 6,000 files just before the next run would time the
 * deletions' aftermath rather than the run.
 */
async function runOnce(
  runner: Runner,
  input: string,
  bundle: string,
  files: number,
  root: string,
): Promise<Timed> {
  const dir = await Deno.makeTempDir({ dir: root, prefix: "run-" });
  if (runner === "floor") return await runFloor(input, dir);
  if (runner.startsWith("prepare only")) {
    const jobs = runner.endsWith("1") ? 1 : 2;
    const run = await preparePoolOnly(input, { jobs, keepUnder: dir });
    if (run.documents !== files) throw new Error(`${runner} staged ${run.documents} of ${files}`);
    return { ms: run.ms, cpuMs: null, maxRssKib: null };
  }
  const run = await runCli([
    ...quireArgs(runner, join(dir, "kb"), input, bundle),
    "--quiet",
    "--json",
  ], {
    measure: true,
  });
  const added = (JSON.parse(run.stdout) as { added: unknown[] }).added.length;
  if (added !== files) throw new Error(`${runner} added ${added} of ${files}`);
  const cpuMs = run.userMs === null || run.sysMs === null ? null : run.userMs + run.sysMs;
  return { ms: run.ms, cpuMs, maxRssKib: run.maxRssKib };
}

const TARGETS: Partial<Record<Runner, number>> = { "jobs 1": JOBS1_TARGET, "jobs 2": JOBS2_TARGET };

function label(runner: Runner): string {
  if (runner === "floor") return "floor (per-document durable commit)";
  if (runner === "commit only") return "commit only (`add --from-bundle`)";
  if (runner.startsWith("prepare only")) return `${runner} (pool, no commit)`;
  return `quire add --${runner}`;
}

/** Runs the `commit` case and returns the report lines. */
export async function benchCommit(options: BenchOptions = {}): Promise<string[]> {
  const quick = isQuick(options);
  const count = quick ? 60 : 1000;
  const reps = quick ? 1 : 5;
  const root = await Deno.makeTempDir({ prefix: "quire-bench-commit-corpus-" });
  try {
    const input = join(root, "notes");
    const bundle = join(root, "bundle");
    const corpus = await writeTextCorpus(input, { count, minBytes: 200, maxBytes: 4000, seed: 15 });
    await runCli(["prepare", input, "--shard", "1/1", "--out", bundle, "--quiet"]);
    // One untimed add compiles and caches the modules.
    await runOnce("jobs 2", input, bundle, count, root);
    const runs = Object.fromEntries(RUNNERS.map((r) => [r, [] as Timed[]])) as Record<
      Runner,
      Timed[]
    >;
    for (let rep = 0; rep < reps; rep++) {
      const shift = rep % RUNNERS.length;
      for (const runner of [...RUNNERS.slice(shift), ...RUNNERS.slice(0, shift)]) {
        runs[runner].push(await runOnce(runner, input, bundle, count, root));
      }
    }
    const rate = (runner: Runner) => count / (median(runs[runner].map((r) => r.ms)) / 1000);
    const floor = rate("floor");
    const row = (runner: Runner) => {
      const times = runs[runner].map((r) => r.ms);
      const cpu = runs[runner].map((r) => r.cpuMs ?? NaN);
      const rss = runs[runner].map((r) => r.maxRssKib ?? NaN);
      const ratio = rate(runner) / floor;
      const target = TARGETS[runner];
      return [
        label(runner),
        `${fixed(median(times) / 1000, 2)} s (${fixed(Math.min(...times) / 1000, 2)}–${
          fixed(Math.max(...times) / 1000, 2)
        })`,
        Number.isFinite(median(cpu)) ? `${fixed(median(cpu) / 1000, 2)} s` : "–",
        fixed(rate(runner), 0),
        runner === "floor" ? "1.00" : fixed(ratio, 2),
        target === undefined
          ? ""
          : `≥ ${fixed(target, 1)}: ${ratio >= target ? "met" : "**missed**"}`,
        Number.isFinite(median(rss)) ? fixed(median(rss) / 1024, 0) : "–",
      ];
    };
    return [
      "## commit: group commit against the per-document floor (issue 15)",
      "",
      `${count} small documents (${
        fixed(corpus.bytes / 1e6, 1)
      } MB, ${corpus.smallest}–${corpus.largest} B, ` +
      `one in four plain text), ${reps} repetitions in rotating order; every run but the pool's is a ` +
      `whole process (startup included) into a fresh folder. The floor (\`tests/bench/_floor.ts\`) ` +
      "does, per document: read, SHA-256, write + fsync, rename, directory fsync, one SQLite " +
      "transaction with `synchronous=FULL`. `quire add` does everything (conversion, summary, " +
      "concepts, full-text index, shared pages) with group commit; the last three rows are its two " +
      "halves apart: the prepare pool in-process without commits, and `add --from-bundle` of the " +
      "same notes prepared beforehand.",
      "",
      ...markdownTable(
        [
          "run",
          "wall, median (min–max)",
          "CPU (user + sys)",
          "docs/s",
          "× floor",
          "target",
          "max RSS MiB",
        ],
        RUNNERS.map(row),
      ),
    ];
  } finally {
    await removeTree(root);
  }
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick") ? true : undefined;
  for (const line of await benchCommit({ quick })) console.log(line);
}
