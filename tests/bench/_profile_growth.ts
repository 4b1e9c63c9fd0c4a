/**
 * Which step of `add` grows with the knowledge base: the same new documents
 * added (under `--cpu-prof`) into a copy of an empty knowledge base and into
 * a copy of the large one, and the main thread's inclusive time of each
 * step compared. Printed by the `growth` case when it misses its target
 * (or with `--profile`).
 *
 * Inclusive times include blocking calls (fsync, SQLite commits). Profiling
 * slows everything down, so compare the two columns, not absolute figures.
 *
 * @module
 */

import { join } from "node:path";
import { copyTree, removeTree, runCli } from "./_bench_cli.ts";
import { inclusiveMs, readProfiles, type ThreadProfile } from "./_cpu_profile.ts";
import { fixed, markdownTable } from "./_bench_stats.ts";

const STEPS: [string, string][] = [
  ["main", "whole process (main thread, busy)"],
  ["openChangeSession", "lock, open registry, load config, recovery"],
  ["recoverKnowledgeBase", "recovery at lock acquisition"],
  ["discoverInputs", "discover the inputs"],
  ["cheapCheck", "dedup pre-check (hash + registry lookup)"],
  ["commitGroup", "commit of each group (plan, fsync wave, apply)"],
  ["planStagedDocument", "plan one document (dedup, name, summary)"],
  ["chooseName", "choose a unique name (disk + registry probes)"],
  ["decideDedup", "dedup decision (registry lookup)"],
  ["writeJournal", "journal row"],
  ["publishChanges", "publish (renames)"],
  ["syncPublished", "directory fsyncs of a group"],
  ["writeCommitMarker", "commit marker (rows, FTS5, fsync)"],
  ["discardSnapshot", "cleanup of rollback copies"],
  ["rebuildSharedPages", "rebuild of shared pages (after the batch)"],
  ["renderIndexPage", "index.md"],
  ["renderVolumePage", "index volumes"],
  ["renderConceptListPage", "concept lists of the index"],
  ["renderLogPage", "log.md"],
  ["renderConceptPage", "concept pages"],
  ["relatedConcepts", "related concepts of each concept page"],
  ["hasConceptPage", "page rule checks"],
  ["coOccurringConcepts", "concepts queued when a page appears"],
  ["writeFiles", "write shared pages (fsync wave)"],
];

/** Adds `input` into a copy of `template` made in `dir`, under the profiler. */
async function profiledAdd(
  template: string,
  options: { input: string; dir: string; main?: string },
) {
  const { input, dir, main } = options;
  const kb = join(dir, "kb");
  const profiles = join(dir, "profiles");
  await copyTree(template, kb);
  const started = Date.now();
  const run = await runCli(["--kb", kb, "add", input, "--quiet"], {
    denoFlags: ["--cpu-prof", `--cpu-prof-dir=${profiles}`],
    main,
  });
  let conceptPagesWritten = 0;
  for await (const entry of Deno.readDir(join(kb, "wiki", "concepts"))) {
    const info = await Deno.stat(join(kb, "wiki", "concepts", entry.name));
    if ((info.mtime?.getTime() ?? 0) >= started) conceptPagesWritten++;
  }
  const index = await Deno.stat(join(kb, "wiki", "index.md"));
  const thread = (await readProfiles(profiles)).find((t) => t.thread === "main")!;
  return { ms: run.ms, main: thread, conceptPagesWritten, indexBytes: index.size };
}

function stepMs(thread: ThreadProfile, fn: string): number {
  return fn === "main" ? thread.wallMs - thread.idleMs : inclusiveMs(thread, fn);
}

/** Where the two knowledge bases and the new documents are. */
export interface GrowthProfileInputs {
  /** An empty knowledge base (copied, not changed). */
  empty: string;
  /** The large knowledge base (copied, not changed). */
  large: string;
  /** The folder of new documents. */
  input: string;
  /** The CLI entry point (a scratch copy, for A/B experiments). @default the repository's main.ts */
  main?: string;
}

/** Profiles the add into both knowledge bases and returns the report lines. */
export async function profileGrowth(inputs: GrowthProfileInputs): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "quire-bench-growth-prof-" });
  try {
    await Deno.mkdir(join(dir, "empty"));
    await Deno.mkdir(join(dir, "large"));
    const small = await profiledAdd(inputs.empty, {
      input: inputs.input,
      dir: join(dir, "empty"),
      main: inputs.main,
    });
    const big = await profiledAdd(inputs.large, {
      input: inputs.input,
      dir: join(dir, "large"),
      main: inputs.main,
    });
    const rows = STEPS.map(([fn, what]) => {
      const a = stepMs(small.main, fn);
      const b = stepMs(big.main, fn);
      return [`${what} (\`${fn}\`)`, fixed(a, 0), fixed(b, 0), fixed(b - a, 0)];
    });
    return [
      "### Profile: the same add into the empty and the large knowledge base (--cpu-prof)",
      "",
      `Wall under the profiler: empty ${fixed(small.ms, 0)} ms, large ${fixed(big.ms, 0)} ms. ` +
      `Concept pages rewritten: ${small.conceptPagesWritten} vs ${big.conceptPagesWritten}; ` +
      `index.md afterwards: ${fixed(small.indexBytes / 1000, 0)} KB vs ${
        fixed(big.indexBytes / 1000, 0)
      } KB.`,
      "",
      ...markdownTable(["main-thread step", "empty kb ms", "large kb ms", "difference ms"], rows),
    ];
  } finally {
    await removeTree(dir);
  }
}
