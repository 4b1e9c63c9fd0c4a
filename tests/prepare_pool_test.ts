import assert from "node:assert/strict";
import { defaultConfig, prepareSettings } from "../core/config.ts";
import { type PoolOutcome, PreparePool, type Settled } from "../prepare/prepare_pool.ts";
import type { PrepareInput } from "../core/types.ts";
import { join } from "node:path";
import { tempDir } from "./_helpers.ts";

const WORKER = new URL("./fixtures/workers/scripted_worker.ts", import.meta.url);
const settings = prepareSettings(defaultConfig(), { env: () => undefined });

function files(...names: string[]): (index: number) => Promise<PrepareInput> {
  return (index) => Promise.resolve({ kind: "file", path: `/in/${names[index]}` });
}

async function drain<T>(generator: AsyncGenerator<PoolOutcome<T>>): Promise<PoolOutcome<T>[]> {
  const out: PoolOutcome<T>[] = [];
  for await (const outcome of generator) out.push(outcome);
  return out;
}

Deno.test("PreparePool.prepareInOrder() yields in input order when the first input is the slowest", async () => {
  await using dir = await tempDir();
  await using pool = new PreparePool({
    jobs: 3,
    timeoutMs: 10_000,
    stagingRoot: dir.path,
    settings,
    workerUrl: WORKER,
  });
  const names = ["slow-400", "a", "b", "c", "d"];
  const outcomes = await drain(pool.prepareInOrder(names.length, files(...names)));
  assert.deepEqual(outcomes.map((o) => o.index), [0, 1, 2, 3, 4]);
  assert.ok(outcomes.every((o) => o.kind === "staged"));
  // While input 0 was slow, later ones finished and waited for it.
  assert.ok(pool.stats.maxWaiting >= 2, `maxWaiting ${pool.stats.maxWaiting}`);
});

Deno.test("PreparePool.prepareInOrder() fails only the input whose worker throws, closes or hangs", async () => {
  await using dir = await tempDir();
  await using pool = new PreparePool({
    jobs: 2,
    timeoutMs: 1_000,
    stagingRoot: dir.path,
    settings,
    workerUrl: WORKER,
  });
  const names = ["a", "throw", "b", "close", "c", "hang", "d", "reject", "e"];
  const outcomes = await drain(pool.prepareInOrder(names.length, files(...names)));
  assert.deepEqual(
    outcomes.map((o) => o.kind === "failed" ? `${o.error.code}` : o.kind),
    ["staged", "WORKER", "staged", "TIMEOUT", "staged", "TIMEOUT", "staged", "EMPTY", "staged"],
  );
  const crashed = outcomes[1];
  assert.ok(
    crashed.kind === "failed" && /worker crashed.*scripted failure/.test(crashed.error.message),
  );
  // Failed inputs leave no staged files behind; staged ones keep theirs for the coordinator.
  const left = [...new Set([...Deno.readDirSync(dir.path)].map((e) => e.name.split("-")[0]))]
    .sort();
  assert.deepEqual(left, ["0", "2", "4", "6", "8"]);
  // Two workers died before the last inputs were dispatched, so at least two replacements.
  assert.ok(pool.stats.workersStarted >= 4, `workers started: ${JSON.stringify(pool.stats)}`);
});

Deno.test("PreparePool.prepareInOrder() keeps at most `bound` inputs ahead of the consumer", async () => {
  await using dir = await tempDir();
  await using pool = new PreparePool({
    jobs: 2,
    timeoutMs: 10_000,
    stagingRoot: dir.path,
    settings,
    workerUrl: WORKER,
  });
  const count = 300;
  let planned = 0;
  let consumed = 0;
  let worstGap = 0;
  const plan = (index: number): Promise<PrepareInput | Settled<string>> => {
    planned++;
    worstGap = Math.max(worstGap, planned - consumed);
    // Every third input settles without a worker (like a cheap dedup skip).
    return Promise.resolve(
      index % 3 === 0
        ? { kind: "settled", index, value: "skip" }
        : { kind: "file", path: `/in/doc-${index}` },
    );
  };
  for await (const outcome of pool.prepareInOrder(count, plan)) {
    assert.equal(outcome.index, consumed);
    consumed++;
    // A slow consumer (the coordinator) must not let the buffer grow.
    if (consumed % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(consumed, count);
  assert.ok(worstGap <= 4 + 1, `planned ${worstGap} ahead of the consumer`);
  assert.ok(pool.stats.maxAhead <= 4 && pool.stats.maxWaiting <= 4, JSON.stringify(pool.stats));
});

Deno.test("PreparePool.stop() ends prepareInOrder() and terminates busy workers", async () => {
  await using dir = await tempDir();
  const pool = new PreparePool({
    jobs: 2,
    timeoutMs: 60_000,
    stagingRoot: dir.path,
    settings,
    workerUrl: WORKER,
  });
  const names = ["a", "hang", "hang", "b"];
  const seen: number[] = [];
  for await (const outcome of pool.prepareInOrder(names.length, files(...names))) {
    seen.push(outcome.index);
    pool.stop();
  }
  assert.deepEqual(seen, [0]);
  pool[Symbol.dispose]();
});

Deno.test("a prepare worker cannot write outside the staging area", async () => {
  await using dir = await tempDir();
  const stagingRoot = join(dir.path, "kb", ".quire", "staging", "prepare");
  await Deno.mkdir(stagingRoot, { recursive: true });
  await using pool = new PreparePool({
    jobs: 1,
    timeoutMs: 10_000,
    stagingRoot,
    settings,
    workerUrl: WORKER,
  });
  const [outcome] = await drain(pool.prepareInOrder(1, files("escape")));
  assert.equal(outcome.kind, "failed");
  assert.ok(
    outcome.kind === "failed" && /NotCapable: Requires write access/.test(outcome.error.message),
  );
  await assert.rejects(
    () => Deno.stat(join(dir.path, "kb", ".quire", "staging", "escaped.txt")),
    Deno.errors.NotFound,
  );
});

Deno.test("PreparePool.waitReady() waits at most its time for an outcome, and returns once it arrives", async () => {
  await using dir = await tempDir();
  await using pool = new PreparePool({
    jobs: 2,
    timeoutMs: 10_000,
    stagingRoot: dir.path,
    settings,
    workerUrl: WORKER,
  });
  const names = ["a", "slow-1500", "b"];
  const outcomes = pool.prepareInOrder(names.length, files(...names));
  const first = await outcomes.next();
  assert.equal(first.value?.index, 0);
  // Input 1 takes 1.5 s: a 50 ms wait gives up, a long one sees it arrive.
  assert.equal(await pool.waitReady(1, 50), false);
  assert.equal(await pool.waitReady(1, 60_000), true);
  assert.equal(pool.isReady(1), true);
  // Once the pool stops, nothing more arrives and waiting ends at once.
  pool.stop();
  assert.equal(await pool.waitReady(5, 60_000), false);
  await drain(outcomes);
});
