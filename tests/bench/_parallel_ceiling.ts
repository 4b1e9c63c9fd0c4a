/**
 * How much parallelism the machine gives right now: the same pure-CPU loop
 * (no allocation, no I/O) run on one thread, then on two threads at once.
 * The speedup `2 × one / two` is 2.0 on two idle, dedicated cores; a virtual
 * machine whose host is busy (or whose two vCPUs share one physical core)
 * gives less, and then no `--jobs 2` run can scale better than that.
 *
 * Measured right next to each `--jobs` run, so the report can tell "Quire
 * does not scale" from "the host did not give us two cores at that moment".
 *
 * @module
 */

const SPIN = `
function spin(n) {
  let x = 0;
  for (let i = 0; i < n; i++) x = (x * 31 + i) % 1000003;
  return x;
}
self.onmessage = (event) => {
  const started = performance.now();
  const x = spin(event.data);
  self.postMessage({ ms: performance.now() - started, x });
};
`;

/** One measurement of the machine's parallelism. */
export interface ParallelCeiling {
  /** One thread alone, milliseconds. */
  oneMs: number;
  /** Two threads at once, wall milliseconds until both finished. */
  twoMs: number;
  /** `2 × oneMs / twoMs`: 2.0 means two full cores. */
  speedup: number;
}

/** Options of {@linkcode measureParallelism}. */
export interface ParallelismOptions {
  /** Loop iterations per thread (5e7 is about 0.2 s here). @default 5e7 */
  iterations?: number;
}

function spinOn(workers: Worker[], iterations: number): Promise<number> {
  const started = performance.now();
  return Promise.all(workers.map((worker) =>
    new Promise<void>((resolve) => {
      worker.onmessage = () => resolve();
      worker.postMessage(iterations);
    })
  )).then(() => performance.now() - started);
}

/** Measures one-thread and two-thread time of the same loop (after one warm-up). */
export async function measureParallelism(
  options: ParallelismOptions = {},
): Promise<ParallelCeiling> {
  const iterations = options.iterations ?? 5e7;
  const url = `data:text/javascript,${encodeURIComponent(SPIN)}`;
  const workers = [new Worker(url, { type: "module" }), new Worker(url, { type: "module" })];
  try {
    await spinOn(workers, iterations / 10);
    const oneMs = await spinOn(workers.slice(0, 1), iterations);
    const twoMs = await spinOn(workers, iterations);
    return { oneMs, twoMs, speedup: (2 * oneMs) / twoMs };
  } finally {
    for (const worker of workers) worker.terminate();
  }
}
