/**
 * The prepare pool alone: the real {@linkcode PreparePool} (Web Workers,
 * in-order delivery, bounded buffer) run in this process over a folder of
 * files, with the coordinator replaced by nothing (each staged result's
 * files are just deleted). Comparing its `--jobs 2`/`--jobs 1` ratio with
 * the CLI's isolates what the commit coordinator costs the scaling.
 *
 * Each call starts a new pool (new workers, so module loading and JIT
 * warm-up are paid as in the CLI); only the process start-up is missing.
 * The pool's worker options need `--unstable-worker-options`, which the
 * repository's deno.json turns on: run the benchmarks from the repository.
 *
 * @module
 */

import { join } from "node:path";
import { defaultConfig, prepareSettings } from "../../core/config.ts";
import { PreparePool } from "../../prepare/prepare_pool.ts";
import { removeTree } from "./_bench_cli.ts";
import { stagedFiles } from "../../core/types.ts";

/** Options of {@linkcode preparePoolOnly}. */
export interface PoolOnlyOptions {
  /** Number of workers. */
  jobs: number;
  /**
   * Stage into a new folder under this one and keep what is staged (the
   * caller removes it later). By default each result's files are deleted
   * at once and the staging folder at the end.
   */
  keepUnder?: string;
}

/** What one pool-only run did. */
export interface PoolOnlyRun {
  /** Wall time from creating the pool to the last result, milliseconds. */
  ms: number;
  /** Inputs staged. */
  documents: number;
}

/** Prepares every file of `dir` (not recursive) with a fresh pool of `jobs` workers. */
export async function preparePoolOnly(dir: string, options: PoolOnlyOptions): Promise<PoolOnlyRun> {
  const files = (await Array.fromAsync(Deno.readDir(dir)))
    .filter((entry) => entry.isFile)
    .map((entry) => join(dir, entry.name))
    .sort();
  const keep = options.keepUnder !== undefined;
  const stagingRoot = await Deno.makeTempDir({
    dir: options.keepUnder,
    prefix: "quire-bench-pool-",
  });
  try {
    const started = performance.now();
    using pool = new PreparePool({
      jobs: options.jobs,
      timeoutMs: 600_000,
      stagingRoot,
      settings: prepareSettings(defaultConfig(), { env: () => undefined }),
    });
    let documents = 0;
    for await (
      const outcome of pool.prepareInOrder(
        files.length,
        (index) => Promise.resolve({ kind: "file" as const, path: files[index] }),
      )
    ) {
      if (outcome.kind !== "staged") {
        throw new Error(`The pool failed on '${files[outcome.index]}'`);
      }
      documents++;
      if (keep) continue;
      const { stagingDir, stagingName } = outcome.document;
      const staged = stagedFiles(stagingDir, stagingName);
      await Promise.all([removeTree(staged.raw), removeTree(staged.source)]);
    }
    return { ms: performance.now() - started, documents };
  } finally {
    if (!keep) await removeTree(stagingRoot);
  }
}
