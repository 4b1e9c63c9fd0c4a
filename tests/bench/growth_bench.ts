/**
 * Does a commit cost more in a big knowledge base (issue 5)? The time to add
 * the same 100 new documents (generated, not in either knowledge base) into
 * an empty knowledge base and into one holding 10,000 documents, each run on
 * a fresh `cp -a` copy so every run starts from exactly the same state. The
 * target is a ratio (10,000 / empty) of at most {@linkcode GROWTH_TARGET}.
 *
 * The add runs with the default `--jobs 1` and without `--quiet`: on a pipe
 * the CLI prints one line per document with the milliseconds since the
 * previous one, which splits each run into the batch (sum of those lines;
 * the first line includes the worker's start) and everything outside it
 * (Deno startup, lock, recovery, the final rebuild of shared pages, exit).
 * A `quire recover` on the same copy afterwards times startup + lock +
 * recovery alone, so the rebuild is roughly "outside" minus "recover".
 *
 * When the ratio misses the target (or with `--profile`), both adds are
 * profiled and the coordinator's steps compared (`_profile_growth.ts`).
 *
 * Run: `deno run -A tests/bench/growth_bench.ts [--quick]`
 *
 * @module
 */

import { join } from "node:path";
import { copyTree, removeTree, runCli } from "./_bench_cli.ts";
import { writeTextCorpus } from "./_bench_corpus.ts";
import { type BenchOptions, isQuick } from "./_bench_options.ts";
import { fixed, markdownTable, median } from "./_bench_stats.ts";
import { LARGE_KB_SIZES, LargeKb, type LargeKbInfo } from "./_large_kb.ts";
import { profileGrowth } from "./_profile_growth.ts";

/** Largest acceptable ratio of the add time into 10,000 documents over an empty kb. */
export const GROWTH_TARGET = 1.3;

/** One timed add of the new documents. */
interface AddTiming {
  /** Documents added. */
  documents: number;
  ms: number;
  /** Sum of the per-document lines (the batch). */
  batchMs: number;
  /** The first document's line (worker start + first prepare + commit). */
  firstMs: number;
  /** Median of the other documents' lines. */
  steadyMs: number;
  /** `quire recover` on the same knowledge base afterwards. */
  recoverMs: number;
}

/** Per-document lines of `add` on a pipe: `added NAME (SOURCE) 12 ms`. */
function eventMs(stderr: string): number[] {
  const out: number[] = [];
  for (const line of stderr.split("\n")) {
    const match = /^(?:added|updated) .* (\d+) ms$/.exec(line);
    if (match) out.push(Number(match[1]));
  }
  return out;
}

/** Adds the `count` files of `input` into a fresh copy of `template`, then recovers it. */
async function timeAdd(
  template: string,
  options: { input: string; count: number },
): Promise<AddTiming> {
  const { input, count } = options;
  const dir = await Deno.makeTempDir({ prefix: "quire-bench-growth-" });
  try {
    const kb = join(dir, "kb");
    await copyTree(template, kb);
    const run = await runCli(["--kb", kb, "add", input]);
    const events = eventMs(run.stderr);
    if (events.length !== count) {
      throw new Error(`add printed ${events.length} document lines, expected ${count}`);
    }
    const recover = await runCli(["--kb", kb, "recover"]);
    return {
      documents: count,
      ms: run.ms,
      batchMs: events.reduce((a, b) => a + b, 0),
      firstMs: events[0],
      steadyMs: median(events.slice(1)),
      recoverMs: recover.ms,
    };
  } finally {
    await removeTree(dir);
  }
}

function buildTable(info: LargeKbInfo): string[] {
  return markdownTable(
    ["build batch", "documents after", "added", "wall", "docs/s"],
    info.batches.map((b, i) => [
      String(i + 1),
      String(b.after),
      String(b.added),
      `${fixed(b.ms / 1000, 1)} s`,
      fixed(b.added / (b.ms / 1000), 1),
    ]),
  );
}

function timingRow(label: string, runs: AddTiming[]): string[] {
  const count = runs[0].documents;
  const m = (f: (t: AddTiming) => number) => median(runs.map(f));
  const wall = runs.map((r) => r.ms);
  return [
    label,
    `${fixed(m((t) => t.ms), 0)} ms (${fixed(Math.min(...wall), 0)}–${
      fixed(Math.max(...wall), 0)
    })`,
    fixed(m((t) => t.ms) / count, 1),
    fixed(m((t) => t.batchMs), 0),
    fixed(m((t) => t.firstMs), 0),
    fixed(m((t) => t.steadyMs), 1),
    fixed(m((t) => t.ms - t.batchMs), 0),
    fixed(m((t) => t.recoverMs), 0),
  ];
}

/** Runs the `growth` case and returns the report lines. */
export async function benchGrowth(options: BenchOptions = {}): Promise<string[]> {
  const quick = isQuick(options);
  const count = quick ? 20 : 100;
  const reps = quick ? 1 : 3;
  const own = options.largeKb === undefined
    ? new LargeKb({ documents: quick ? 300 : 10_000 })
    : null;
  const large = options.largeKb ?? own!;
  const root = await Deno.makeTempDir({ prefix: "quire-bench-growth-root-" });
  try {
    const info = await large.build();
    const buildMs = info.batches.reduce((total, b) => total + b.ms, 0);
    const input = join(root, "new");
    await writeTextCorpus(input, { count, seed: 4242, prefix: "new", ...LARGE_KB_SIZES });
    const empty = join(root, "empty");
    await runCli(["init", empty]);

    const timings: Record<"empty" | "large", AddTiming[]> = { empty: [], large: [] };
    for (let rep = 0; rep < reps; rep++) {
      const order = rep % 2 === 0 ? ["empty", "large"] as const : ["large", "empty"] as const;
      for (const which of order) {
        const template = which === "empty" ? empty : info.path;
        timings[which].push(await timeAdd(template, { input, count }));
      }
    }
    const ratio = median(timings.large.map((t) => t.ms)) / median(timings.empty.map((t) => t.ms));
    const met = ratio <= GROWTH_TARGET ? "met" : "**missed**";
    const lines = [
      "## growth: adding 100 documents into an empty vs a 10,000-document knowledge base (issue 5)",
      "",
      `The large knowledge base: ${info.documents} generated markdown/text documents (${
        fixed(info.inputBytes / 1e6, 1)
      } MB, ${LARGE_KB_SIZES.minBytes} B–${LARGE_KB_SIZES.maxBytes / 1000} KB), built with ` +
      `${info.batches.length} \`add --jobs 2 --quiet\` commands in ${fixed(buildMs / 1000, 0)} s:`,
      "",
      ...buildTable(info),
      "",
      `Then ${count} new documents (same size range) are added with the default --jobs 1, ` +
      `${reps} times into fresh copies of each. Columns: wall of the whole command; ` +
      "batch = sum of the per-document progress lines; first = the first of those lines " +
      "(worker start + first document); steady = median of the others; outside = wall − batch " +
      "(Deno startup, lock, recovery, rebuild of shared pages, exit); recover = `quire recover` " +
      "on the same copy afterwards (startup + lock + recovery, no rebuild).",
      "",
      ...markdownTable(
        [
          "knowledge base",
          "add wall, median (min–max)",
          "ms per document",
          "batch ms",
          "first ms",
          "steady ms/doc",
          "outside ms",
          "recover ms",
        ],
        [
          timingRow("empty", timings.empty),
          timingRow(`${info.documents} documents`, timings.large),
        ],
      ),
      "",
      `- Ratio ${info.documents} / empty (median wall): **${
        fixed(ratio, 2)
      }** (target ≤ ${GROWTH_TARGET}: ${met}).`,
    ];
    if (ratio > GROWTH_TARGET || options.profile) {
      lines.push("", ...await profileGrowth({ empty, large: info.path, input }));
    }
    return lines;
  } finally {
    await removeTree(root);
    if (own !== null) await own[Symbol.asyncDispose]();
  }
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick") ? true : undefined;
  for (const line of await benchGrowth({ quick, profile: Deno.args.includes("--profile") })) {
    console.log(line);
  }
}
