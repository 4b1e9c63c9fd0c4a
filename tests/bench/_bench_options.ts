/**
 * Options shared by the benchmark cases (`benchJobs`, `benchGrowth`, …).
 *
 * @module
 */

import type { LargeKb } from "./_large_kb.ts";

/** Options every benchmark case accepts. */
export interface BenchOptions {
  /**
   * Small inputs and one repetition: only to check that the script runs.
   * @default true when the environment variable `QUIRE_BENCH_QUICK` is set (not `0`)
   */
  quick?: boolean;
  /** Profile with `--cpu-prof` even when the case meets its target. @default false */
  profile?: boolean;
  /** The 10,000-document knowledge base, shared by `growth` and `search`. @default built by the case */
  largeKb?: LargeKb;
}

/** Whether quick mode is on (the option, else `QUIRE_BENCH_QUICK`). */
export function isQuick(options: BenchOptions): boolean {
  if (options.quick !== undefined) return options.quick;
  const env = Deno.env.get("QUIRE_BENCH_QUICK");
  return env !== undefined && env !== "" && env !== "0";
}
