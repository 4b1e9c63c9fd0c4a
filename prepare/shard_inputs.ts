/**
 * Splitting a batch's inputs into N shards, so that N machines (a CI matrix,
 * a Kubernetes Indexed Job, a Slurm array, GNU parallel) can each prepare
 * one part and a single `add --from-bundle` commits them all.
 *
 * The partition is a pure function of the inputs in their global order and
 * their sizes, so every machine given the same inputs computes the same one,
 * whatever order its file system lists folders in (discovery sorts them):
 *
 * 1. Each input weighs its size in bytes; an input whose size is not known
 *    before fetching (a URL, a PageIndex document) weighs
 *    {@linkcode REMOTE_INPUT_WEIGHT}; an input that could not be discovered
 *    (a missing path) weighs nothing but still belongs to a shard, so that
 *    exactly one shard reports it.
 * 2. Inputs are taken heaviest first (ties: earlier input first) and each is
 *    given to the shard with the least weight so far (ties: the one with
 *    fewer inputs, then the lowest shard number). This greedy rule keeps shards within one input's weight of
 *    each other.
 *
 * Shards are numbered from 1 to N, as in `--shard 2/4`.
 *
 * @module
 */

import { QuireError } from "../core/errors.ts";

/** The weight of an input whose size is unknown until it is fetched: 64 KiB. */
export const REMOTE_INPUT_WEIGHT = 64 * 1024;

/** One shard of N, numbered from 1. */
export interface Shard {
  index: number;
  total: number;
}

/**
 * Parses `I/N` (1 ≤ I ≤ N ≤ 10,000).
 * @throws {QuireError} `USAGE` for anything else.
 */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const total = Number(match?.[2]);
  if (!match || index < 1 || total < 1 || index > total || total > 10_000) {
    throw new QuireError("USAGE", `Cannot use shard '${text}': expected I/N with 1 ≤ I ≤ N`, {
      hint: "For example `--shard 2/4` prepares the second of four shards",
    });
  }
  return { index, total };
}

/**
 * The shard the environment names, for engines that number their workers
 * themselves; undefined when none of them is set. Checked in this order:
 *
 * | variables | engine | numbering |
 * | --- | --- | --- |
 * | `QUIRE_SHARD=I/N` | any (set it yourself) | 1-based |
 * | `JOB_COMPLETION_INDEX` + `QUIRE_SHARD_TOTAL` | Kubernetes Indexed Job | 0-based |
 * | `SLURM_ARRAY_TASK_ID` − `SLURM_ARRAY_TASK_MIN`, `SLURM_ARRAY_TASK_COUNT` | Slurm job array | 0-based |
 * | `CI_NODE_INDEX`, `CI_NODE_TOTAL` | GitLab CI `parallel:` | 1-based |
 * | `CIRCLE_NODE_INDEX`, `CIRCLE_NODE_TOTAL` | CircleCI `parallelism` | 0-based |
 * | `BUILDKITE_PARALLEL_JOB`, `BUILDKITE_PARALLEL_JOB_COUNT` | Buildkite `parallelism` | 0-based |
 *
 * GitHub Actions has no such variables: pass
 * `--shard ${{ matrix.shard }}/${{ strategy.job-total }}` (see the README).
 * @throws {QuireError} `USAGE` when a variable is set but not a valid shard.
 */
export function shardFromEnv(env: (name: string) => string | undefined): Shard | undefined {
  const quire = env("QUIRE_SHARD");
  if (quire) return parseShard(quire);
  const pair = (index: string | undefined, total: string | undefined, base: number) =>
    index !== undefined && index !== "" && total !== undefined && total !== ""
      ? parseShard(`${Number(index) - base + 1}/${total}`)
      : undefined;
  const slurm = env("SLURM_ARRAY_TASK_ID");
  return pair(env("JOB_COMPLETION_INDEX"), env("QUIRE_SHARD_TOTAL"), 0) ??
    pair(
      slurm === undefined
        ? undefined
        : String(Number(slurm) - Number(env("SLURM_ARRAY_TASK_MIN") ?? 0)),
      env("SLURM_ARRAY_TASK_COUNT"),
      0,
    ) ??
    pair(env("CI_NODE_INDEX"), env("CI_NODE_TOTAL"), 1) ??
    pair(env("CIRCLE_NODE_INDEX"), env("CIRCLE_NODE_TOTAL"), 0) ??
    pair(env("BUILDKITE_PARALLEL_JOB"), env("BUILDKITE_PARALLEL_JOB_COUNT"), 0);
}

/**
 * Returns, for each input (by its position in `weights`), the shard number
 * (1-based) it belongs to among `total` shards.
 */
export function assignShards(weights: readonly number[], total: number): number[] {
  const order = weights.map((weight, index) => ({ weight, index }))
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  const load = new Array<number>(total).fill(0);
  const count = new Array<number>(total).fill(0);
  const shardOf = new Array<number>(weights.length);
  for (const { weight, index } of order) {
    let lightest = 0;
    for (let s = 1; s < total; s++) {
      const lighter = load[s] < load[lightest] ||
        (load[s] === load[lightest] && count[s] < count[lightest]);
      if (lighter) lightest = s;
    }
    load[lightest] += weight;
    count[lightest]++;
    shardOf[index] = lightest + 1;
  }
  return shardOf;
}
