/**
 * One batch of the add pipeline, inside an open change session:
 *
 *   prepare pool (workers) → commit coordinator, strictly in input order.
 *
 * Dedup is checked twice: a cheap check before dispatch (a local file whose
 * hash is already registered is skipped without preparing), and the
 * authoritative one at commit (two identical files in one batch: the second
 * is a duplicate of the first).
 *
 * One input failing fails that input only. A rollback that fails stops the
 * batch (no later document is committed) and is reported as
 * `rollbackFailed`. An abort (Ctrl-C) stops dispatching, lets the document in
 * the coordinator's hands finish or roll back, and reports what was done.
 * This batch's staging is always removed before returning. Shared pages are
 * not rebuilt here: the caller rebuilds once, after all its batches.
 *
 * @module
 */

import { join } from "node:path";
import { prepareSettings } from "../core/config.ts";
import { removeIfExists } from "../core/durable_fs.ts";
import {
  CoordinatorPoisonedError,
  type ErrorPayload,
  failurePayload,
  RollbackFailedError,
} from "../core/errors.ts";
import { sha256File } from "../core/hash.ts";
import type { PrepareInput } from "../core/types.ts";
import { type DiscoveredInput, PreparePool, type Settled } from "../prepare/mod.ts";
import type { ChangeSession } from "./change_session.ts";
import { commitStagedDocument, type DocumentOutcome } from "./commit_document.ts";
import { decideDedup } from "./decide_dedup.ts";

/** One failed input. */
export interface FailedInput {
  source: string;
  code: string;
  error: string;
}

/** One progress event, sent after each input is done. */
export type BatchEvent =
  | (DocumentOutcome & { done: number; total: number; ms: number })
  | { kind: "failed"; source: string; error: string; done: number; total: number; ms: number }
  | { kind: "removed"; name: string; source: string; done: number; total: number; ms: number };

/** What a batch did. */
export interface BatchResult {
  added: { name: string; hash: string; source: string }[];
  updated: { name: string; hash: string; source: string }[];
  /** `existing` names the document a duplicate matches (null for other reasons); `target` an outside link's target. */
  skipped: { source: string; reason: string; existing: string | null; target?: string }[];
  failed: FailedInput[];
  /** True when the batch was stopped by an abort (Ctrl-C). */
  interrupted: boolean;
  /** The message of a rollback failure that stopped the batch. */
  rollbackFailed: string | null;
  /** Pool counters: jobs, the buffer bound, and the largest buffer seen. */
  stats: { jobs: number; bound: number; maxAhead: number; maxWaiting: number };
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

type Skip = { skipped: DocumentOutcome & { kind: "skipped" } } | { failed: ErrorPayload };

/** Returns an empty batch result for `jobs` workers. */
export function emptyBatchResult(jobs: number): BatchResult {
  return {
    added: [],
    updated: [],
    skipped: [],
    failed: [],
    interrupted: false,
    rollbackFailed: null,
    stats: { jobs, bound: 2 * jobs, maxAhead: 0, maxWaiting: 0 },
  };
}

async function cheapCheck(session: ChangeSession, input: PrepareInput): Promise<Skip | null> {
  if (input.kind !== "file") return null;
  let hash: string;
  try {
    // Only regular files within the size limit are hashed here; the worker refuses the others.
    const info = await Deno.stat(input.path);
    if (!info.isFile || info.size > session.config.limits.maxInputBytes) return null;
    hash = (await sha256File(input.path)).hash;
  } catch {
    return null; // Let the worker report the read error properly.
  }
  const decision = decideDedup(session.db, input.path, hash);
  if (decision.kind !== "duplicate") return null;
  return {
    skipped: {
      kind: "skipped",
      source: input.path,
      reason: "duplicate",
      existing: decision.existing.name,
    },
  };
}

/** Prepares and commits `items` in order; see the module comment. */
export async function runBatch(
  session: ChangeSession,
  items: DiscoveredInput[],
  options: BatchOptions = {},
): Promise<BatchResult> {
  const { layout, config } = session;
  const jobs = options.jobs ?? 1;
  const stagingRoot = join(layout.staging, "prepare");
  const result = emptyBatchResult(jobs);
  const total = items.length;
  let done = 0;
  let last = performance.now();
  const report = (event: DocumentOutcome | { kind: "failed"; source: string; error: string }) => {
    const now = performance.now();
    options.onEvent?.({ ...event, done: ++done, total, ms: Math.round(now - last) });
    last = now;
  };
  const fail = (error: ErrorPayload, source: string) => {
    result.failed.push({ source, code: error.code, error: error.message });
    report({ kind: "failed", source, error: error.message });
  };
  const skip = (outcome: DocumentOutcome & { kind: "skipped" }) => {
    const { source, reason, existing } = outcome;
    const target = outcome.reason === "outside-folder" ? { target: outcome.target } : {};
    result.skipped.push({ source, reason, existing, ...target });
    report(outcome);
  };

  using pool = new PreparePool({
    jobs,
    timeoutMs: (options.timeoutSeconds ?? config.limits.prepareTimeoutSeconds) * 1000,
    stagingRoot,
    settings: prepareSettings(config, { llmFallback: options.llmFallback }),
  });
  const onAbort = () => pool.stop();
  options.signal?.addEventListener("abort", onAbort);
  try {
    const plan = async (index: number): Promise<PrepareInput | Settled<Skip>> => {
      const item = items[index];
      if (item.kind === "error") return { kind: "settled", index, value: { failed: item.error } };
      if (item.kind === "skipped") {
        const { source, reason, target } = item;
        const skipped = { kind: "skipped", source, reason, existing: null, target } as const;
        return { kind: "settled", index, value: { skipped } };
      }
      const cheap = options.force ? null : await cheapCheck(session, item.input);
      return cheap === null ? item.input : { kind: "settled", index, value: cheap };
    };
    for await (const outcome of pool.prepareInOrder(total, plan)) {
      if (options.signal?.aborted) break;
      const source = items[outcome.index].source;
      if (outcome.kind === "failed") {
        fail(outcome.error, source);
      } else if (outcome.kind === "settled") {
        if ("failed" in outcome.value) fail(outcome.value.failed, source);
        else skip(outcome.value.skipped);
      } else {
        try {
          const committed = commitStagedDocument(session, outcome.document, {
            force: options.force,
          });
          if (committed.kind === "skipped") {
            skip(committed);
          } else {
            const { name, hash } = committed;
            result[committed.kind].push({ name, hash, source: committed.source });
            report(committed);
          }
        } catch (error) {
          result.rollbackFailed = rollbackFailure(error);
          if (result.rollbackFailed !== null) break;
          // The coordinator rolled the document back; report it and go on.
          fail(failurePayload(error, source, { verb: "add", fallback: "PUBLISH" }), source);
        }
      }
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    result.interrupted = options.signal?.aborted ?? false;
    result.stats.maxAhead = pool.stats.maxAhead;
    result.stats.maxWaiting = pool.stats.maxWaiting;
    pool.stop();
    removeIfExists(stagingRoot);
  }
  return result;
}

/**
 * The message of an error that must stop a batch: a failed rollback, or a
 * coordinator poisoned by one. Null for any other error, which fails only
 * the input it concerns. Every command that applies plans in a loop (`add`,
 * `sync`, `recompile`, `remove`) reports it the same way: `rollbackFailed`
 * in its result, exit 4.
 */
export function rollbackFailure(error: unknown): string | null {
  return error instanceof RollbackFailedError || error instanceof CoordinatorPoisonedError
    ? error.message
    : null;
}

/** Rebuilds the shared pages; after a failed rollback, a failure here is left to recovery. */
export async function rebuildAfterBatch(
  session: ChangeSession,
  result: { rollbackFailed: string | null },
): Promise<void> {
  try {
    await session.rebuild();
  } catch (error) {
    if (result.rollbackFailed === null) throw error;
  }
}
