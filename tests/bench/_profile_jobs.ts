/**
 * Where the time of an `add --jobs 2` goes, from V8 CPU profiles
 * (`deno run --cpu-prof`: one profile per thread). Printed by the `jobs`
 * case when the CPU-bound ratio misses its target (or with `--profile`).
 *
 * - Main thread (the commit coordinator): busy time and the inclusive time
 *   of each commit step, per document. Busy includes blocking calls (fsync,
 *   SQLite commits), which are waits rather than CPU.
 * - Workers: busy and idle time, and their self time grouped by component:
 *   pdf.js (unpdf), Quire's PDF layout, Quire's offline compiler, garbage
 *   collection, structured cloning, file system calls.
 *
 * Profiling slows every thread down, and V8 charges a Worker's start-up wait
 * for the inspector to `op_worker_maybe_wait_for_debugger`; that time is a
 * profiling artefact and is left out of the busy figures.
 *
 * @module
 */

import { join } from "node:path";
import { removeTree, runCli } from "./_bench_cli.ts";
import { inclusiveMs, readProfiles, type ThreadProfile } from "./_cpu_profile.ts";
import { fixed, markdownTable } from "./_bench_stats.ts";

const ARTEFACT = "op_worker_maybe_wait_for_debugger (native)";

const STEPS: [string, string][] = [
  ["commitGroup", "whole commit of the groups (plan, fsync wave, apply)"],
  [
    "writeCommitMarker",
    "commit markers: registry rows + FTS5 inserts, one fsynced transaction per group",
  ],
  ["writeJournal", "journal rows (one fsynced transaction per group)"],
  ["publishChanges", "publish: 3 renames per document"],
  ["syncPublished", "directory fsyncs (once per group)"],
  ["writeFiles", "summary pages written (the group's fsync wave is awaited, not busy)"],
  ["discardSnapshot", "cleanup: rollback copies"],
  ["cheapCheck", "dedup pre-check: hash the input file"],
  ["rebuildSharedPages", "shared pages (once, after the batch)"],
];

const COMPONENTS: [string, RegExp][] = [
  ["pdf.js (unpdf)", /\(unpdf\//],
  [
    "Quire PDF layout (read_pdf, pdf_lines, headings)",
    /[(/]prepare\/read\/(read_pdf|pdf_|font_size|paged)/,
  ],
  [
    "Quire offline compiler (key phrases, summary, sentences)",
    /[(/]prepare\/(compile\/|read\/(markdown_sections|read_markdown|read_text))|[(/]core\/concept_slug/,
  ],
  ["garbage collector", /^\(garbage collector\)$/],
  ["structuredClone (pdf.js messages)", /^structuredClone /],
  ["file system ops (writes, fsync)", /^op_(fs|write)/],
];

function busy(thread: ThreadProfile): number {
  const artefact = thread.functions.find((f) => f.label === ARTEFACT)?.ms ?? 0;
  return thread.wallMs - thread.idleMs - artefact;
}

/** Options of {@linkcode profileJobs}. */
export interface ProfileJobsOptions {
  /** Smaller run (quick mode). @default false */
  quick?: boolean;
  /** Number of workers. @default 2 */
  jobs?: number;
}

/** Profiles one `add --jobs N` of `input` and returns the report lines. */
export async function profileJobs(
  input: string,
  options: ProfileJobsOptions = {},
): Promise<string[]> {
  const jobs = options.jobs ?? 2;
  const dir = await Deno.makeTempDir({ prefix: "quire-bench-prof-" });
  try {
    const profiles = join(dir, "profiles");
    const run = await runCli(
      ["--kb", join(dir, "kb"), "add", input, "--jobs", String(jobs), "--quiet", "--json"],
      { denoFlags: ["--cpu-prof", `--cpu-prof-dir=${profiles}`] },
    );
    const documents = (JSON.parse(run.stdout) as { added: unknown[] }).added.length;
    const threads = await readProfiles(profiles);
    const main = threads.find((t) => t.thread === "main")!;
    const workers = threads.filter((t) => t.thread !== "main");
    const lines = [
      `### Profile: \`add --jobs ${jobs}\` of the PDF corpus with --cpu-prof`,
      "",
      `${documents} documents, ${fixed(run.ms / 1000, 2)} s under the profiler (slower than ` +
      `unprofiled). Main thread busy ${fixed(busy(main), 0)} ms of ${fixed(main.wallMs, 0)} ms (${
        fixed((100 * busy(main)) / main.wallMs, 0)
      }%); ` +
      workers.map((w) => `${w.thread} busy ${fixed(busy(w), 0)} ms, idle ${fixed(w.idleMs, 0)} ms`)
        .join("; ") +
      ".",
      "",
      ...markdownTable(
        ["main-thread step", "inclusive ms", "ms per document"],
        STEPS.map(([fn, what]) => [
          `${what} (\`${fn}\`)`,
          fixed(inclusiveMs(main, fn), 0),
          fixed(inclusiveMs(main, fn) / Math.max(1, documents), 1),
        ]),
      ),
    ];
    const workerBusy = workers.reduce((s, w) => s + busy(w), 0);
    const componentRows = COMPONENTS.map(([name, pattern]) => {
      const ms = workers.reduce(
        (s, w) =>
          s + w.functions.filter((f) => pattern.test(f.label)).reduce((a, f) => a + f.ms, 0),
        0,
      );
      return [name, fixed(ms, 0), `${fixed((100 * ms) / workerBusy, 0)}%`];
    });
    const top = new Map<string, number>();
    for (const w of workers) {
      for (const f of w.functions) {
        if (f.label !== "(idle)" && f.label !== ARTEFACT) {
          top.set(f.label, (top.get(f.label) ?? 0) + f.ms);
        }
      }
    }
    const topRows = [...top].sort((a, b) => b[1] - a[1]).slice(0, 10)
      .map(([label, ms]) => [label, fixed(ms, 0), `${fixed((100 * ms) / workerBusy, 1)}%`]);
    lines.push(
      "",
      ...markdownTable(["workers' self time by component", "ms", "share of busy"], componentRows),
      "",
      ...markdownTable(["workers' top functions (self time)", "ms", "share of busy"], topRows),
    );
    return lines;
  } finally {
    await removeTree(dir);
  }
}

if (import.meta.main) {
  // `deno run -A tests/bench/_profile_jobs.ts INPUT_DIR [JOBS]`
  const [input, jobs] = Deno.args;
  for (const line of await profileJobs(input, { jobs: Number(jobs ?? 2) })) console.log(line);
}
