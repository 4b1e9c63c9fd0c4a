import assert from "node:assert/strict";
import { assignShards, parseShard, shardFromEnv } from "../prepare/shard_inputs.ts";
import type { QuireError } from "../core/mod.ts";

Deno.test("parseShard() reads I/N and refuses anything out of range", () => {
  assert.deepEqual(parseShard("2/4"), { index: 2, total: 4 });
  assert.deepEqual(parseShard(" 1 / 1 "), { index: 1, total: 1 });
  for (const bad of ["0/4", "5/4", "1/0", "a/b", "1", "1/2/3", "-1/2", "1.5/2"]) {
    assert.throws(() => parseShard(bad), (error: QuireError) => {
      assert.equal(error.code, "USAGE");
      assert.match(error.message, new RegExp(`Cannot use shard '${bad.replace(/[.]/g, "\\.")}'`));
      return true;
    });
  }
});

Deno.test("shardFromEnv() reads the variables of each engine, with their numbering", () => {
  const from = (vars: Record<string, string>) => shardFromEnv((name) => vars[name]);
  assert.equal(from({}), undefined);
  assert.deepEqual(from({ QUIRE_SHARD: "3/5" }), { index: 3, total: 5 });
  assert.deepEqual(from({ JOB_COMPLETION_INDEX: "0", QUIRE_SHARD_TOTAL: "4" }), {
    index: 1,
    total: 4,
  });
  assert.equal(from({ JOB_COMPLETION_INDEX: "0" }), undefined, "k8s needs QUIRE_SHARD_TOTAL");
  assert.deepEqual(
    from({ SLURM_ARRAY_TASK_ID: "12", SLURM_ARRAY_TASK_MIN: "10", SLURM_ARRAY_TASK_COUNT: "3" }),
    { index: 3, total: 3 },
  );
  assert.deepEqual(from({ CI_NODE_INDEX: "2", CI_NODE_TOTAL: "2" }), { index: 2, total: 2 });
  assert.deepEqual(from({ CIRCLE_NODE_INDEX: "1", CIRCLE_NODE_TOTAL: "2" }), {
    index: 2,
    total: 2,
  });
  assert.deepEqual(from({ BUILDKITE_PARALLEL_JOB: "0", BUILDKITE_PARALLEL_JOB_COUNT: "8" }), {
    index: 1,
    total: 8,
  });
  // QUIRE_SHARD wins over an engine's variables.
  assert.deepEqual(from({ QUIRE_SHARD: "1/2", CI_NODE_INDEX: "2", CI_NODE_TOTAL: "2" }), {
    index: 1,
    total: 2,
  });
  assert.throws(() => from({ CI_NODE_INDEX: "3", CI_NODE_TOTAL: "2" }), /Cannot use shard '3\/2'/);
});

Deno.test("assignShards() balances by weight, heaviest first, and depends only on order and weights", () => {
  assert.deepEqual(assignShards([10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 2), [
    1,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
  ]);
  assert.deepEqual(assignShards([5, 5, 5, 5], 2), [1, 2, 1, 2]);
  assert.deepEqual(assignShards([0, 0, 0], 3), [1, 2, 3]);
  assert.deepEqual(assignShards([], 3), []);
  // Balanced within one input's weight, for many random weights.
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const weights = Array.from({ length: 500 }, () => Math.floor(random() * 100_000));
  for (const total of [2, 3, 7]) {
    const shards = assignShards(weights, total);
    const load = new Array(total).fill(0);
    shards.forEach((s, i) => (load[s - 1] += weights[i]));
    assert.ok(Math.max(...load) - Math.min(...load) <= Math.max(...weights));
    assert.deepEqual(assignShards(weights, total), shards);
  }
});
