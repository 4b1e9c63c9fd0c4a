/**
 * The one message protocol between the prepare pool (main thread) and its
 * Web Workers. Requests are imperatives, replies are in the past tense; every
 * payload is structured-clone data. Each side handles messages in a single
 * `switch (msg.type)` whose `default` branch assigns `msg` to `never`, so a
 * message type without a handler fails to type-check.
 *
 * @module
 */

import type { ErrorPayload } from "./errors.ts";
import type { LlmReport } from "./llm_usage.ts";
import type { PrepareSettings } from "./config.ts";
import type { PrepareInput, StagedDocument } from "./types.ts";

/** Messages the pool sends to a worker. */
export interface PrepareRequestMap {
  /**
   * Prepare one input into `stagingDir` (which the worker may write, and
   * nothing else), as the files `stagedFiles(stagingDir, stagingName)`.
   */
  prepare: {
    index: number;
    input: PrepareInput;
    stagingDir: string;
    stagingName: string;
    settings: PrepareSettings;
    /**
     * How long (ms) model calls may run, counted as the pool counts its
     * timeout: from `sentAt`, or from when the worker finished its previous
     * input if that is later. So the input still falls back (or fails as a
     * model failure) before the pool's timeout, even when the worker spent
     * part of it starting.
     */
    modelBudgetMs: number;
    /** When the pool sent this input (epoch ms). */
    sentAt: number;
    /** Why the model must not be called (the pool stopped calling a failing endpoint). */
    llmBlocked: string | null;
  };
  /** Finish and close. */
  shutdown: Record<never, never>;
}

/** Messages a worker sends back. */
export interface PrepareReplyMap {
  /** The input is prepared; its files are in the staging directory. */
  staged: { index: number; document: StagedDocument; llm?: LlmReport };
  /** The input itself is bad (unsupported, unreadable, empty…), or the model failed. */
  rejected: { index: number; error: ErrorPayload; llm?: LlmReport };
  /** Preparing failed for another reason (a bug, a library crash). */
  failed: { index: number; error: ErrorPayload; llm?: LlmReport };
}

/** One message of map `M` with its `type` tag. */
export type Message<M, T extends keyof M> = M[T] & { type: T };

/** Any request to a worker. */
export type PrepareRequest = {
  [T in keyof PrepareRequestMap]: Message<PrepareRequestMap, T>;
}[keyof PrepareRequestMap];

/** Any reply from a worker. */
export type PrepareReply = {
  [T in keyof PrepareReplyMap]: Message<PrepareReplyMap, T>;
}[keyof PrepareReplyMap];
