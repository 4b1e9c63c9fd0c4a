/**
 * Group commit against the floor of a durable per-document commit (issue
 * 15). One corpus of 1,000 small documents (markdown and text notes, 200 B
 * to 4 KB, log-uniform), and three whole-process runs on it, each into a
 * fresh folder, in alternating order per repetition:
 *
 * - `floor`: `_floor.ts`, the per-document durable steps and nothing else
 *   (read, SHA-256, write + fsync, rename, directory fsync, one SQLite
 *   transaction with `synchronous=FULL`, per document);
 * - `quire add --jobs 1` and `quire add --jobs 2` (offline compiler): the
 *   whole pipeline, with group commit.
 *
 * Targets: jobs 2 at least {@linkcode JOBS2_TARGET}× the floor's docs/s, and
 * jobs 1 at least {@linkcode JOBS1_TARGET}×.
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
import { ROOT } from "../_helpers.ts";

/** Wanted ratio of `add --jobs 2` docs/s to the floor's. */
export const JOBS2_TARGET = 1.0;
/** Wanted ratio of `add --jobs 1` docs/s to the floor's. */
export const JOBS1_TARGET = 0.7;

type Runner = "floor" | "jobs 1" | "jobs 2";

interface Timed {
  /** Whole process, spawn to exit. */
  ms: number;
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
  return { ms: performance.now() - started, maxRssKib: null };
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
async function runOnce(runner: Runner, input: string, files: number, root: string): Promise<Timed> {
  const dir = await Deno.makeTempDir({ dir: root, prefix: "run-" });
  if (runner === "floor") return await runFloor(input, dir);
  const jobs = runner === "jobs 1" ? "1" : "2";
  const run = await runCli(
    ["--kb", join(dir, "kb"), "add", input, "--jobs", jobs, "--quiet", "--json"],
    { measure: true },
  );
  const added = (JSON.parse(run.stdout) as { added: unknown[] }).added.length;
  if (added !== files) throw new Error(`add --jobs ${jobs} added ${added} of ${files}`);
  return { ms: run.ms, maxRssKib: run.maxRssKib };
}

/** Runs the `commit` case and returns the report lines. */
export async function benchCommit(options: BenchOptions = {}): Promise<string[]> {
  const quick = isQuick(options);
  const count = quick ? 60 : 1000;
  const reps = quick ? 1 : 5;
  const root = await Deno.makeTempDir({ prefix: "quire-bench-commit-corpus-" });
  try {
    const input = join(root, "notes");
    const corpus = await writeTextCorpus(input, { count, minBytes: 200, maxBytes: 4000, seed: 15 });
    // One untimed add compiles and caches the modules.
    await runOnce("jobs 2", input, count, root);
    const runs: Record<Runner, Timed[]> = { "floor": [], "jobs 1": [], "jobs 2": [] };
    const order: Runner[] = ["floor", "jobs 1", "jobs 2"];
    for (let rep = 0; rep < reps; rep++) {
      const turn = [...order.slice(rep % 3), ...order.slice(0, rep % 3)];
      for (const runner of turn) runs[runner].push(await runOnce(runner, input, count, root));
    }
    const rate = (runner: Runner) => count / (median(runs[runner].map((r) => r.ms)) / 1000);
    const floor = rate("floor");
    const row = (runner: Runner, target: number | null) => {
      const times = runs[runner].map((r) => r.ms);
      const rss = runs[runner].map((r) => r.maxRssKib ?? NaN);
      const ratio = rate(runner) / floor;
      return [
        runner === "floor" ? "floor (per-document durable commit)" : `quire add --${runner}`,
        `${fixed(median(times) / 1000, 2)} s (${fixed(Math.min(...times) / 1000, 2)}–${
          fixed(Math.max(...times) / 1000, 2)
        })`,
        fixed(rate(runner), 0),
        runner === "floor" ? "1.00" : fixed(ratio, 2),
        target === null ? "" : `≥ ${fixed(target, 1)}: ${ratio >= target ? "met" : "**missed**"}`,
        Number.isFinite(median(rss)) ? fixed(median(rss) / 1024, 0) : "–",
      ];
    };
    return [
      "## commit: group commit against the per-document floor (issue 15)",
      "",
      `${count} small documents (${
        fixed(corpus.bytes / 1e6, 1)
      } MB, ${corpus.smallest}–${corpus.largest} B, ` +
      `one in four plain text), ${reps} repetitions in rotating order; every run is a whole process ` +
      `(startup included) into a fresh folder. The floor (\`tests/bench/_floor.ts\`) does, per document: ` +
      "read, SHA-256, write + fsync, rename, directory fsync, one SQLite transaction with " +
      "`synchronous=FULL`. `quire add` does everything (conversion, summary, concepts, full-text " +
      "index, shared pages) with group commit.",
      "",
      ...markdownTable(
        ["run", "wall, median (min–max)", "docs/s", "× floor", "target", "max RSS MiB"],
        [row("floor", null), row("jobs 1", JOBS1_TARGET), row("jobs 2", JOBS2_TARGET)],
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
