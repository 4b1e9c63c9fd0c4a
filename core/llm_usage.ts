/**
 * Counting what the model costs: the `usage` the server returns (prompt and
 * completion tokens), the calls made, the retries among them, the cache hits
 * that saved a call, and the inputs compiled offline or not attempted
 * because the model failed. Workers count per input ({@linkcode LlmReport});
 * the pool sums the reports; a batch's sum goes into `--json` `stats.llm`,
 * the human summary, and the registry's running totals (`status`).
 *
 * @module
 */

/** Model usage counters; every field is a count. */
export interface LlmUsage {
  /** HTTP requests sent to the model. */
  calls: number;
  /** Requests among `calls` that repeated an earlier one (a transport retry or a re-ask). */
  retries: number;
  /** Prompt tokens, as the server reported them. */
  promptTokens: number;
  /** Completion tokens, as the server reported them. */
  completionTokens: number;
  /** Inputs whose prepared result came from the cache (no call). */
  cacheHits: number;
  /** Inputs compiled offline because the model failed (`--fallback offline`). */
  fallbacks: number;
  /** Inputs for which the model was not called because it kept failing (fail-fast). */
  notAttempted: number;
}

/** Returns counters at zero. */
export function emptyLlmUsage(): LlmUsage {
  return {
    calls: 0,
    retries: 0,
    promptTokens: 0,
    completionTokens: 0,
    cacheHits: 0,
    fallbacks: 0,
    notAttempted: 0,
  };
}

/** Adds `from` into `into`, field by field. */
export function addLlmUsage(into: LlmUsage, from: LlmUsage): void {
  for (const key of Object.keys(into) as (keyof LlmUsage)[]) into[key] += from[key];
}

/**
 * What a worker tells the pool about its model use for one input: the
 * counters, and the endpoint's health as this input saw it, from which the
 * pool decides to stop calling a dead endpoint (see `prepare_pool.ts`).
 */
export interface LlmReport {
  usage: LlmUsage;
  /** True when the endpoint answered at least once (any HTTP answer but 401/403/5xx). */
  answered: boolean;
  /** Connection-level failures (network error, timeout, 5xx) after the last answer. */
  failuresInARow: number;
  /** How the endpoint refused the key (`HTTP 401 (check the API key in 'X')`); null when it did not. */
  keyRefused: string | null;
  /** The last connection-level failure, redacted; null when there was none. */
  cause: string | null;
  /** Prepared entries this input wrote to the cache. */
  cacheWrites: number;
}

/** Returns an empty report. */
export function emptyLlmReport(): LlmReport {
  return {
    usage: emptyLlmUsage(),
    answered: false,
    failuresInARow: 0,
    keyRefused: null,
    cause: null,
    cacheWrites: 0,
  };
}
