/**
 * Scale (issue 15): one knowledge base grown to 100,000 documents with the
 * real CLI, and what each command costs at 0, 10,000 and 100,000 documents.
 *
 * - **Build**: generated markdown and text documents (200 B to 20 KB,
 *   log-uniform, each ending with a keyword only it has and one shared by 25
 *   files, see `_bench_corpus.ts`), added in batches of 10,000 with
 *   `add DIR --jobs 2 --quiet`: the rate and maximum RSS of each batch.
 * - **Adding 100 documents** (whole process: startup, recovery check,
 *   prepare, commit, shared-page rebuild; default `--jobs 1`), five times at
 *   each size, each time a new set of 100, into the grown knowledge base
 *   (which so gains 500 documents at each size, 5% at 10,000), each paired
 *   with an add into a fresh empty one, pairs in alternating order. Targets: 10,000 / empty at most
 *   {@linkcode RATIO_10K}, 100,000 / empty at most {@linkcode RATIO_100K}.
 * - **Read commands** at 10,000 and 100,000 (whole process, median of five,
 *   maximum RSS): `status` (target {@linkcode STATUS_TARGET_MS} ms),
 *   `search` of a rare word (one document's own keyword) and of a common
 *   word (`the`, in every document), `list --json --limit 100`, and `lint`
 *   (once: it reads every page).
 *
 * Run: `deno run -A tests/bench/scale_bench.ts [--quick]` (about 15 minutes
 * on a 2-core machine; `--quick` builds 1,500 documents).
 *
 * @module
 */

import { join } from "node:path";
import { type CliRun, removeTree, runCli } from "./_bench_cli.ts";
import { fileTags, writeTextCorpus } from "./_bench_corpus.ts";
import { type BenchOptions, isQuick } from "./_bench_options.ts";
import { fixed, markdownTable, median } from "./_bench_stats.ts";
import { LARGE_KB_SIZES } from "./_large_kb.ts";

/** Largest acceptable ratio: adding 100 documents into 10,000 over into an empty kb. */
export const RATIO_10K = 1.15;
/** Largest acceptable ratio: adding 100 documents into 100,000 over into an empty kb. */
export const RATIO_100K = 1.3;
/** Timed adds of 100 documents at each size (and as many into empty knowledge bases). */
const REPS = 5;
/** Longest acceptable `status` on 10,000 documents, whole process. */
export const STATUS_TARGET_MS = 150;

interface Sizes {
  /** Knowledge-base sizes at which commands are measured (after 0). */
  stages: number[];
  /** Documents per build batch. */
  batch: number;
  /** Documents added per timed add. */
  add: number;
}

function sizes(quick: boolean): Sizes {
  return quick
    ? { stages: [300, 1500], batch: 300, add: 20 }
    : { stages: [10_000, 100_000], batch: 10_000, add: 100 };
}

const kib = (run: CliRun) => (run.maxRssKib ?? NaN) / 1024;

/** Runs `quire args` `times` times; the median wall and the largest RSS. */
async function timed(args: string[], times: number): Promise<{ ms: number; rss: number }> {
  const runs: CliRun[] = [];
  for (let i = 0; i < times; i++) runs.push(await runCli(args, { measure: true, check: false }));
  return { ms: median(runs.map((r) => r.ms)), rss: Math.max(...runs.map(kib)) };
}

/** The read commands at one size. */
interface ReadFigures {
  documents: number;
  status: { ms: number; rss: number };
  rare: { ms: number; rss: number };
  common: { ms: number; rss: number };
  list: { ms: number; rss: number };
  lint: { ms: number; rss: number };
}

/** Runs the `scale` case and returns the report lines. */
export async function benchScale(options: BenchOptions = {}): Promise<string[]> {
  const quick = isQuick(options);
  const { stages, batch, add } = sizes(quick);
  const root = await Deno.makeTempDir({ prefix: "quire-bench-scale-" });
  const kb = join(root, "kb");
  try {
    // Each timed add uses a set of new documents of its own, written just before.
    let nextSet = 0;
    const addInto = async (target: string): Promise<number> => {
      const dir = join(root, `new-${nextSet}`);
      await writeTextCorpus(dir, {
        count: add,
        seed: 7000 + nextSet,
        prefix: `new${nextSet++}`,
        ...LARGE_KB_SIZES,
      });
      const run = await runCli(["--kb", target, "add", dir, "--quiet"], { measure: true });
      await removeTree(dir);
      return run.ms;
    };
    /** One add into a fresh empty knowledge base. */
    const addIntoEmpty = async (): Promise<number> => {
      const empty = join(root, "empty");
      await runCli(["init", empty]);
      try {
        return await addInto(empty);
      } finally {
        await removeTree(empty);
      }
    };

    const build: { after: number; ms: number; rss: number }[] = [];
    const adds: { documents: number; ms: number[]; empty: number[] }[] = [];
    const reads: ReadFigures[] = [];
    let documents = 0;
    let batchIndex = 0;
    for (const stage of stages) {
      while (documents < stage) {
        const count = Math.min(batch, stage - documents);
        const dir = join(root, `batch-${batchIndex}`);
        await writeTextCorpus(dir, {
          count,
          seed: 1000 + batchIndex,
          prefix: `kb${batchIndex}`,
          tags: true,
          ...LARGE_KB_SIZES,
        });
        const run = await runCli(
          ["--kb", kb, "add", dir, "--jobs", "2", "--quiet", "--json"],
          { measure: true },
        );
        const added = (JSON.parse(run.stdout) as { added: unknown[] }).added.length;
        if (added !== count) {
          throw new Error(`build batch ${batchIndex} added ${added} of ${count}`);
        }
        documents += added;
        build.push({ after: documents, ms: run.ms, rss: kib(run) });
        await removeTree(dir);
        batchIndex++;
      }
      // Pairs in alternating order, so that drift in the host's speed hits both alike.
      const ms: number[] = [];
      const empty: number[] = [];
      for (let rep = 0; rep < REPS; rep++) {
        if (rep % 2 === 0) empty.push(await addIntoEmpty());
        ms.push(await addInto(kb));
        if (rep % 2 === 1) empty.push(await addIntoEmpty());
      }
      documents += REPS * add;
      adds.push({ documents: stage, ms, empty });
      const rare = fileTags("kb0", 7).unique;
      reads.push({
        documents,
        status: await timed(["--kb", kb, "status", "--json"], 5),
        rare: await timed(["--kb", kb, "search", rare, "--json"], 5),
        common: await timed(["--kb", kb, "search", "the", "--json"], 5),
        list: await timed(["--kb", kb, "list", "--json", "--limit", "100"], 5),
        lint: await timed(["--kb", kb, "lint", "--json"], 1),
      });
    }

    const ratioLine = (i: number, target: number) => {
      const ratio = median(adds[i].ms) / median(adds[i].empty);
      return `${fixed(ratio, 2)} (target ≤ ${target}: ${ratio <= target ? "met" : "**missed**"})`;
    };
    const buildMs = build.reduce((s, b) => s + b.ms, 0);
    const lines = [
      "## scale: a knowledge base of 100,000 documents (issue 15)",
      "",
      `Built with ${build.length} \`add DIR --jobs 2\` commands of ${
        batch.toLocaleString("en-US")
      } ` +
      `generated documents (${LARGE_KB_SIZES.minBytes} B–${LARGE_KB_SIZES.maxBytes / 1000} KB): ` +
      `${documents.toLocaleString("en-US")} documents in ${fixed(buildMs / 1000, 0)} s, ` +
      `**${fixed((documents - 3 * add * stages.length) / (buildMs / 1000), 0)} docs/s** overall.`,
      "",
      ...markdownTable(
        ["build batch", "documents after", "wall", "docs/s", "max RSS MiB"],
        build.map((b, i) => [
          String(i + 1),
          b.after.toLocaleString("en-US"),
          `${fixed(b.ms / 1000, 1)} s`,
          fixed(Math.min(batch, b.after) / (b.ms / 1000), 0),
          fixed(b.rss, 0),
        ]),
      ),
      "",
      `Adding ${add} new documents (whole process, default --jobs 1; each time a new set), ` +
      `${REPS} times at each size, each paired with an add into a fresh empty knowledge base ` +
      "(pairs in alternating order):",
      "",
      ...markdownTable(
        ["knowledge base", `add ${add}: median (runs)`, "into empty: median (runs)", "× empty"],
        adds.map((a, i) => [
          `${a.documents.toLocaleString("en-US")} documents`,
          `${fixed(median(a.ms), 0)} ms (${a.ms.map((m) => fixed(m, 0)).join(", ")})`,
          `${fixed(median(a.empty), 0)} ms (${a.empty.map((m) => fixed(m, 0)).join(", ")})`,
          ratioLine(i, i === 0 ? RATIO_10K : RATIO_100K),
        ]),
      ),
      "",
      "Read commands, whole process (median of 5; lint once), and their maximum RSS:",
      "",
      ...markdownTable(
        [
          "documents",
          "status",
          "search rare word",
          "search `the`",
          "list --json --limit 100",
          "lint",
        ],
        reads.map((r) => [
          r.documents.toLocaleString("en-US"),
          ...[r.status, r.rare, r.common, r.list, r.lint].map((f) =>
            `${fixed(f.ms, 0)} ms (${fixed(f.rss, 0)} MiB)`
          ),
        ]),
      ),
      "",
      `- \`status\` at ${reads[0].documents.toLocaleString("en-US")} documents: ${
        fixed(reads[0].status.ms, 0)
      } ms (target ≤ ${STATUS_TARGET_MS} ms: ${
        reads[0].status.ms <= STATUS_TARGET_MS ? "met" : "**missed**"
      }).`,
    ];
    return lines;
  } finally {
    await removeTree(root);
  }
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick") ? true : undefined;
  for (const line of await benchScale({ quick })) console.log(line);
}
