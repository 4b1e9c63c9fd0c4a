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
 * Links to documents later in the batch are resolved by preparing the
 * documents that hold them once more at the end (`relink`; see
 * resolve_links.ts for the design).
 *
 * With a model configured, the prepare workers cache their results under
 * `.quire/cache/`, documents compiled offline because the model failed are
 * listed in `fallbacks`, and the model's use is in `stats.llm` (see
 * `llm_batch.ts`, which also keeps the registry's totals and bounds the cache).
 *
 * @module
 */

import { join } from "node:path";
import { prepareSettings } from "../core/config.ts";
import { removeIfExists } from "../core/durable_fs.ts";
import {
  CoordinatorPoisonedError,
  errorMessage,
  type ErrorPayload,
  failurePayload,
  isDiskFull,
  QuireError,
  RollbackFailedError,
} from "../core/errors.ts";
import { InjectedFault } from "../core/crash_point.ts";
import { sqliteCode } from "../core/registry_file.ts";
import { sha256File } from "../core/hash.ts";
import type { PrepareInput } from "../core/types.ts";
import { type DiscoveredInput, PreparePool, type Settled } from "../prepare/mod.ts";
import type { ChangeSession } from "./change_session.ts";
import { commitStagedDocument, type DocumentOutcome } from "./commit_document.ts";
import { decideDedup } from "./decide_dedup.ts";
import { findDocumentByName, findDocumentBySource } from "../core/queries.ts";
import { storedInput } from "./stored_input.ts";
import {
  type BatchLlmStats,
  batchLlmStats,
  type FallbackDocument,
  fallbackOf,
  finishLlmBatch,
} from "./llm_batch.ts";

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

type Skip = { skipped: DocumentOutcome & { kind: "skipped" } } | { failed: ErrorPayload };

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
    stats: { jobs, bound: 2 * jobs, maxAhead: 0, maxWaiting: 0, llm: null },
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
  const report = (
    event:
      | (DocumentOutcome & { fallback?: FallbackDocument })
      | { kind: "failed"; source: string; error: string },
  ) => {
    const now = performance.now();
    options.onEvent?.({ ...event, done: ++done, total, ms: Math.round(now - last) });
    last = now;
  };
  const fail = (error: ErrorPayload, source: string) => {
    result.failed.push({ source, code: error.code, error: error.message });
    report({ kind: "failed", source, error: error.message });
  };
  const skip = (outcome: DocumentOutcome & { kind: "skipped" }) => {
    const { source } = outcome;
    result.skipped.push(
      outcome.reason === "duplicate"
        ? { source, reason: outcome.reason, existing: outcome.existing }
        : outcome.reason === "outside-folder"
        ? { source, reason: outcome.reason, target: outcome.target }
        : { source, reason: outcome.reason },
    );
    report(outcome);
  };
  // A file met while walking a folder that Quire cannot read is not an error
  // of the batch (a stylesheet next to HTML pages); one named explicitly is.
  const failOrSkip = (error: ErrorPayload, index: number) => {
    const item = items[index];
    if (error.code === "UNSUPPORTED_TYPE" && item.kind !== "skipped" && item.walked) {
      skip({ kind: "skipped", source: item.source, reason: "unsupported", detail: error.message });
    } else fail(error, item.source);
  };

  // Sources still to come, so that a link to one of them is known as a forward link.
  const pending = new Set(items.filter((item) => item.kind === "input").map((i) => i.source));
  const forwardLinks = new Map<string, string[]>();

  const settings = prepareSettings(config, {
    llmFallback: options.llmFallback,
    cacheDir: config.llm === null ? null : layout.cache,
  });
  using pool = new PreparePool({
    jobs,
    timeoutMs: (options.timeoutSeconds ?? config.limits.prepareTimeoutSeconds) * 1000,
    stagingRoot,
    settings,
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
      pending.delete(source);
      if (outcome.kind === "failed") {
        failOrSkip(outcome.error, outcome.index);
      } else if (outcome.kind === "settled") {
        if ("failed" in outcome.value) failOrSkip(outcome.value.failed, outcome.index);
        else skip(outcome.value.skipped);
      } else {
        try {
          const committed = commitStagedDocument(session, outcome.document, {
            force: options.force,
            pending,
          });
          if (committed.kind === "skipped") {
            skip(committed);
          } else {
            const { name, hash } = committed;
            result[committed.kind].push({ name, hash, source: committed.source });
            if (committed.forward) forwardLinks.set(name, committed.forward);
            const fallback = fallbackOf(outcome.document, name);
            if (fallback !== null) result.fallbacks.push(fallback);
            report(fallback === null ? committed : { ...committed, fallback });
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
    await removeBatchStaging(stagingRoot);
    if (settings.llm !== null) {
      result.stats.llm = batchLlmStats(pool.llm);
      finishLlmBatch(session.db, pool.llm, { dir: layout.cache, maxBytes: config.cache.maxBytes });
    }
  }
  if (!result.interrupted && result.rollbackFailed === null && forwardLinks.size > 0) {
    await relink(session, forwardLinks, result, options);
  }
  return result;
}

/**
 * Prepares and commits again the documents of this batch that link to
 * documents committed after them, now that their names exist (see
 * resolve_links.ts). Their first commit stands if this fails or is
 * interrupted: the links are then plain text.
 */
async function relink(
  session: ChangeSession,
  forwardLinks: Map<string, string[]>,
  result: BatchResult,
  options: BatchOptions,
): Promise<void> {
  const items: DiscoveredInput[] = [];
  for (const [name, targets] of forwardLinks) {
    if (!targets.some((target) => findDocumentBySource(session.db, target) !== undefined)) continue;
    const document = findDocumentByName(session.db, name);
    if (document !== undefined) items.push(storedInput(session.layout, document));
  }
  if (items.length === 0) return;
  const again = await runBatch(session, items, { ...options, force: true, onEvent: undefined });
  result.failed.push(...again.failed);
  result.rollbackFailed = again.rollbackFailed;
  result.interrupted = again.interrupted;
}

/**
 * Removes the batch's staging. A worker that was just terminated may still
 * write a file for a moment (termination is not instant), which makes a
 * recursive removal fail with "directory not empty"; so it is retried for up
 * to a second, and then left to the next recovery, which removes any
 * staging no live process owns.
 */
async function removeBatchStaging(path: string): Promise<void> {
  for (let attempt = 1;; attempt++) {
    try {
      removeIfExists(path);
      return;
    } catch {
      if (attempt >= 20) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
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

/**
 * Rebuilds the shared pages after a batch. A failure of the disk or the
 * registry (full, read-only, damaged) does not undo anything committed: it
 * is recorded as `pagesPending` (the pages stay queued for the next
 * recovery) and the half-written temporary pages are removed. After a failed
 * rollback any failure here is left to recovery. Other errors are thrown.
 */
export async function rebuildAfterBatch(
  session: ChangeSession,
  result: { rollbackFailed: string | null; pagesPending: string | null },
): Promise<void> {
  try {
    await session.rebuild();
  } catch (error) {
    if (result.rollbackFailed !== null) return;
    if (!isPageFailure(error)) throw error;
    try {
      removeIfExists(join(session.layout.staging, "pages"));
    } catch {
      // Recovery removes it.
    }
    const full = isDiskFull(error) || (error instanceof QuireError && error.code === "NO_SPACE");
    result.pagesPending =
      `Cannot rebuild the shared pages (index, log, concepts) of '${session.layout.root}': ${
        full ? "the disk is full" : "an I/O error"
      } (${errorMessage(error)}); everything above is committed; ${
        full ? "free some space, then " : "fix the cause, then "
      }run \`quire recover\` to rebuild them`;
  }
}

/**
 * True for a failure of the disk or the registry rather than of Quire's code
 * (an `InjectedFault` stands for an I/O error in the tests).
 */
function isPageFailure(error: unknown): boolean {
  if (error instanceof QuireError) {
    return ["NO_SPACE", "IO", "REGISTRY_DAMAGED"].includes(error.code);
  }
  if (error instanceof InjectedFault) return true;
  if (isDiskFull(error) || sqliteCode(error) !== undefined) return true;
  return Object.values(Deno.errors).some((kind) => error instanceof kind) ||
    /\(os error \d+\)/.test(errorMessage(error));
}
