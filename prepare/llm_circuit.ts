/**
 * The prepare pool's view of the model across a batch. Workers are separate
 * isolates, so no worker knows that others just failed to reach the model;
 * the pool feeds each input's {@linkcode LlmReport} in here, on the main
 * thread, and asks before each dispatch whether to call the model at all.
 *
 * - It sums the reports' counters (calls, retries, tokens, cache hits,
 *   fallbacks, inputs not attempted) and the cache entries written.
 * - It counts connection-level failures in a row (network errors, timeouts,
 *   5xx), across inputs: any other answer from the endpoint resets the
 *   count. At `llm.failFastAfter` of them, or at once when the endpoint
 *   refuses the key (401/403), it opens: {@linkcode LlmCircuit.stopped}
 *   says why, and stays set for the rest of the batch.
 *
 * @module
 */

import type { LlmSettings } from "../core/config.ts";
import { addLlmUsage, emptyLlmUsage, type LlmReport, type LlmUsage } from "../core/llm_usage.ts";

/** The endpoint as shown in messages: no user info, no query string, no final `/`. */
function displayEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, "");
  } catch {
    return url;
  }
}

/** Sums the model's use over a batch and stops calling a dead endpoint. */
export class LlmCircuit {
  #llm: LlmSettings | null;
  #failuresInARow = 0;
  #stopped: string | null = null;
  /** The model's use by every input reported so far. */
  readonly usage: LlmUsage = emptyLlmUsage();
  /** Prepared entries written to the cache. */
  cacheWrites = 0;

  constructor(llm: LlmSettings | null) {
    this.#llm = llm;
  }

  /** Why the model is no longer called, or null while it is. */
  get stopped(): string | null {
    return this.#stopped;
  }

  /** Takes in one input's report. */
  note(report: LlmReport): void {
    addLlmUsage(this.usage, report.usage);
    this.cacheWrites += report.cacheWrites;
    if (this.#stopped !== null) return;
    const endpoint = displayEndpoint(this.#llm?.baseUrl ?? "");
    if (report.keyRefused !== null) {
      this.#stopped = `the model endpoint '${endpoint}' refused the key (${report.keyRefused})`;
      return;
    }
    this.#failuresInARow = report.answered
      ? report.failuresInARow
      : this.#failuresInARow + report.failuresInARow;
    if (this.#failuresInARow >= (this.#llm?.failFastAfter ?? 3)) {
      this.#stopped = `the model endpoint '${endpoint}' failed ${this.#failuresInARow} times ` +
        `in a row (last: ${report.cause ?? "unknown"})`;
    }
  }
}
