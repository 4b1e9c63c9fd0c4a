/**
 * What a batch reports: its result (the `--json` shape of `add`, `sync`,
 * `recompile`), its progress events and its options, and the bounds of its
 * commit groups and of the prepare pool.
 *
 * @module
 */

import type { DocumentOutcome } from "./commit_document.ts";
import type { BatchLlmStats, FallbackDocument } from "./llm_batch.ts";

/** Most documents in one commit group. */
export const GROUP_DOCUMENTS = 64;
/** Bytes of originals at which a commit group closes (a larger document is a group of its own). */
export const GROUP_BYTES = 32 * 1024 * 1024;

/**
 * Inputs the pool may plan ahead of the coordinator: two per worker, plus a
 * full group, so that workers keep preparing while a group commits.
 */
export function poolBound(jobs: number): number {
  return 2 * jobs + GROUP_DOCUMENTS;
}

/** One failed input. */
export interface FailedInput {
  source: string;
  code: string;
  error: string;
}

/** One progress event, sent after each input is done. */
export type BatchEvent =
  | (DocumentOutcome & { done: number; total: number; ms: number; fallback?: FallbackDocument })
  | { kind: "failed"; source: string; error: string; done: number; total: number; ms: number }
  | { kind: "removed"; name: string; source: string; done: number; total: number; ms: number };

/** What a batch did. */
export interface BatchResult {
  added: { name: string; hash: string; source: string }[];
  updated: { name: string; hash: string; source: string }[];
  /**
   * Inputs not added: `duplicate` (with the `existing` document's name),
   * `unsupported` (a file of a type Quire does not read, found by walking a
   * folder), or `outside-folder` (a symlink in a walked folder whose
   * `target` is outside it, not followed).
   */
  skipped: {
    source: string;
    reason: "duplicate" | "unsupported" | "outside-folder";
    existing?: string;
    target?: string;
  }[];
  failed: FailedInput[];
  /** Documents (among added and updated) compiled offline because the model failed. */
  fallbacks: FallbackDocument[];
  /** True when the batch was stopped by an abort (Ctrl-C). */
  interrupted: boolean;
  /** The message of a rollback failure that stopped the batch. */
  rollbackFailed: string | null;
  /**
   * Why the shared pages could not be rebuilt after the batch (a full disk,
   * an I/O error), or null. What the batch committed stays committed; the
   * pages stay queued for the next change or `quire recover`.
   */
  pagesPending: string | null;
  /** Pool counters (jobs, the buffer bound, the largest buffer seen) and the model's use. */
  stats: {
    jobs: number;
    bound: number;
    maxAhead: number;
    maxWaiting: number;
    llm: BatchLlmStats | null;
  };
}

/** Options of {@linkcode runBatch}. */
export interface BatchOptions {
  /** Number of prepare workers. @default 1 */
  jobs?: number;
  /** Seconds one input may take in a worker. @default the config's `limits.prepareTimeoutSeconds` */
  timeoutSeconds?: number;
  /** What to do when the LLM keeps failing. @default "fail" */
  llmFallback?: "fail" | "offline";
  /** Aborting stops the batch after the current document. */
  signal?: AbortSignal;
  /** Called after each input. */
  onEvent?: (event: BatchEvent) => void;
  /** Replace documents even when their content is unchanged (recompile). @default false */
  force?: boolean;
}

/** Returns an empty batch result for `jobs` workers. */
export function emptyBatchResult(jobs: number): BatchResult {
  return {
    added: [],
    updated: [],
    skipped: [],
    failed: [],
    fallbacks: [],
    interrupted: false,
    rollbackFailed: null,
    pagesPending: null,
    stats: { jobs, bound: poolBound(jobs), maxAhead: 0, maxWaiting: 0, llm: null },
  };
}
