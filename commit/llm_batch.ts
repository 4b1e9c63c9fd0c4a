/**
 * What a batch reports about the model, kept apart from the batch runner:
 * the documents compiled offline because the model failed (`fallbacks`,
 * with their cause), the batch's model usage (`stats.llm`), the running
 * totals in the registry (`llm_usage`, for `status`), and the bound on the
 * prepared-results cache, applied once the batch's workers are done.
 *
 * The totals are added once per batch, after its last input: a run that is
 * killed does not count its usage (the documents it committed stay).
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import type { LlmUsage } from "../core/llm_usage.ts";
import type { StagedDocument } from "../core/types.ts";
import { type LlmCircuit, prunePreparedCache } from "../prepare/mod.ts";

/** One document compiled offline because the model failed. */
export interface FallbackDocument {
  source: string;
  name: string;
  /** The model failure, redacted. */
  cause: string;
}

/** The model's use by one batch; null in `stats.llm` when no model is configured. */
export interface BatchLlmStats extends LlmUsage {
  /** Why the batch stopped calling the model (a dead endpoint, a refused key), or null. */
  stopped: string | null;
}

/** Returns the fallback of a committed document, or null when the model compiled it. */
export function fallbackOf(staged: StagedDocument, name: string): FallbackDocument | null {
  if (staged.compiled.compiler !== "offline-fallback") return null;
  return {
    source: staged.source,
    name,
    cause: staged.compiled.fallbackCause ?? "the model failed",
  };
}

/** The batch's model statistics from its pool. */
export function batchLlmStats(circuit: LlmCircuit): BatchLlmStats {
  return { ...circuit.usage, stopped: circuit.stopped };
}

/** Adds a batch's usage to the registry's running totals. */
export function recordLlmUsage(db: DatabaseSync, usage: LlmUsage): void {
  db.prepare(
    `UPDATE llm_usage SET calls = calls + ?, retries = retries + ?,
       prompt_tokens = prompt_tokens + ?, completion_tokens = completion_tokens + ?,
       cache_hits = cache_hits + ?, fallbacks = fallbacks + ?, not_attempted = not_attempted + ?
     WHERE id = 1`,
  ).run(
    usage.calls,
    usage.retries,
    usage.promptTokens,
    usage.completionTokens,
    usage.cacheHits,
    usage.fallbacks,
    usage.notAttempted,
  );
}

/**
 * After a batch with a model: records its usage in the registry and bounds
 * the cache. Neither is official state, so a failure here is ignored.
 */
export function finishLlmBatch(
  db: DatabaseSync,
  circuit: LlmCircuit,
  cache: { dir: string; maxBytes: number },
): void {
  try {
    recordLlmUsage(db, circuit.usage);
  } catch {
    // The totals are informational.
  }
  try {
    prunePreparedCache(cache.dir, cache.maxBytes);
  } catch {
    // The cache is disposable; the next batch prunes it.
  }
}
