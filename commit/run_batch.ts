/**
 * One batch of the add pipeline, inside an open change session:
 *
 *   prepare pool (workers) → commit coordinator, in groups, in input order.
 *
 * **Groups.** Prepared documents are committed in groups (`commit_group.ts`),
 * each with one journal transaction, one publish pass and one commit marker.
 * A group closes when the next input's outcome is not ready yet (so a single
 * `add` of one file is not delayed, and a slow coordinator gets bigger
 * groups), at {@linkcode GROUP_DOCUMENTS} documents or
 * {@linkcode GROUP_BYTES} bytes of originals, at the end of the batch, and
 * before a document whose source or content is already in the group (it
 * goes into the next group, and is then decided against the registry: two
 * identical files in one batch make the second a duplicate of the first).
 * `QUIRE_GROUP=<n>` (for tests) makes groups close at exactly `n` documents
 * instead of when the next one is not ready, so crash tests can fix them.
 * Outcomes are reported in input order once their group is done.
 *
 * Dedup is checked twice: a cheap check before dispatch (a local file whose
 * source is registered with the same content is skipped without preparing),
 * and the authoritative one at commit (which also finds new sources whose
 * content is registered under another one).
 *
 * One input failing fails that input only. A rollback that fails stops the
 * batch (no later document is committed) and is reported as
 * `rollbackFailed`. An abort (Ctrl-C) stops dispatching, lets the group in
 * the coordinator's hands finish (or roll back), and reports what was done.
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
  RollbackFailedError,
} from "../core/errors.ts";
import { sha256File } from "../core/hash.ts";
import type { PrepareInput, StagedDocument } from "../core/types.ts";
import {
  type DiscoveredInput,
  type PoolOutcome,
  PreparePool,
  type Settled,
} from "../prepare/mod.ts";
import type { ChangeSession } from "./change_session.ts";
import type { DocumentOutcome } from "./commit_document.ts";
import { commitGroup } from "./commit_group.ts";
import { findDocumentBySource } from "../core/queries.ts";

/** Most documents in one commit group. */
export const GROUP_DOCUMENTS = 64;
/** Bytes of originals at which a commit group closes (a larger document is a group of its own). */
export const GROUP_BYTES = 32 * 1024 * 1024;

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
  skipped: { source: string; reason: string; existing: string }[];
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

/**
 * Inputs the pool may plan ahead of the coordinator: two per worker, plus a
 * full group, so that workers keep preparing while a group commits.
 */
function poolBound(jobs: number): number {
  return 2 * jobs + GROUP_DOCUMENTS;
}

/** The fixed group size of `QUIRE_GROUP`, or null (groups adapt). */
function fixedGroupSize(): number | null {
  let value: string | undefined;
  try {
    value = Deno.env.get("QUIRE_GROUP");
  } catch {
    return null;
  }
  const size = Number(value);
  return value && Number.isInteger(size) && size > 0 ? size : null;
}

/** Returns an empty batch result for `jobs` workers. */
export function emptyBatchResult(jobs: number): BatchResult {
  return {
    added: [],
    updated: [],
    skipped: [],
    failed: [],
    interrupted: false,
    rollbackFailed: null,
    stats: { jobs, bound: poolBound(jobs), maxAhead: 0, maxWaiting: 0 },
  };
}

/**
 * Skips a local file without preparing it when its source is registered
 * with the same content (re-adding an unchanged folder). Only then is the
 * file hashed here: a new source is hashed by its worker, and if its
 * content turns out to be registered already, the authoritative check at
 * commit skips it.
 */
async function cheapCheck(session: ChangeSession, input: PrepareInput): Promise<Skip | null> {
  if (input.kind !== "file") return null;
  const existing = findDocumentBySource(session.db, input.path);
  if (existing === undefined) return null;
  let hash: string;
  try {
    hash = (await sha256File(input.path)).hash;
  } catch {
    return null; // Let the worker report the read error properly.
  }
  if (hash !== existing.hash) return null;
  return {
    skipped: { kind: "skipped", source: input.path, reason: "duplicate", existing: existing.name },
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
    result.skipped.push({
      source: outcome.source,
      reason: outcome.reason,
      existing: outcome.existing,
    });
    report(outcome);
  };

  using pool = new PreparePool({
    jobs,
    bound: poolBound(jobs),
    timeoutMs: (options.timeoutSeconds ?? config.limits.prepareTimeoutSeconds) * 1000,
    stagingRoot,
    settings: prepareSettings(config, { llmFallback: options.llmFallback }),
  });
  const onAbort = () => pool.stop();
  options.signal?.addEventListener("abort", onAbort);
  const fixedSize = fixedGroupSize();
  // The open group: every outcome since the last commit, in input order.
  const open: PoolOutcome<Skip>[] = [];
  const sources = new Set<string>();
  const hashes = new Set<string>();
  let groupDocuments = 0;
  let groupBytes = 0;
  /** Commits the open group and reports its outcomes; false when the batch must stop. */
  const closeGroup = async (): Promise<boolean> => {
    const documents = open.flatMap((o) => o.kind === "staged" ? [o.document] : []);
    let results: Awaited<ReturnType<typeof commitGroup>>["results"] = [];
    let stop: string | null = null;
    try {
      const group = await commitGroup(session, documents, { force: options.force });
      results = group.results;
      stop = group.rollbackFailed;
    } catch (error) {
      stop = rollbackFailure(error);
      if (stop === null) throw error;
    }
    let next = 0;
    for (const outcome of open) {
      const source = items[outcome.index].source;
      if (outcome.kind === "failed") fail(outcome.error, source);
      else if (outcome.kind === "settled") {
        if ("failed" in outcome.value) fail(outcome.value.failed, source);
        else skip(outcome.value.skipped);
      } else if (next < results.length) {
        const committed = results[next++];
        if (committed.kind === "skipped") skip(committed);
        else if (committed.kind === "failed") fail(committed.error, source);
        else {
          const { name, hash } = committed;
          result[committed.kind].push({ name, hash, source: committed.source });
          report(committed);
        }
      }
    }
    open.length = 0;
    sources.clear();
    hashes.clear();
    groupDocuments = 0;
    groupBytes = 0;
    result.rollbackFailed = stop;
    return stop === null;
  };
  const conflicts = (document: StagedDocument) =>
    sources.has(document.source) || hashes.has(document.hash);
  try {
    const plan = async (index: number): Promise<PrepareInput | Settled<Skip>> => {
      const item = items[index];
      if (item.kind === "error") return { kind: "settled", index, value: { failed: item.error } };
      const cheap = options.force ? null : await cheapCheck(session, item.input);
      return cheap === null ? item.input : { kind: "settled", index, value: cheap };
    };
    let going = true;
    for await (const outcome of pool.prepareInOrder(total, plan)) {
      if (options.signal?.aborted) break;
      if (outcome.kind === "staged") {
        if (conflicts(outcome.document) && !(going = await closeGroup())) break;
        sources.add(outcome.document.source);
        hashes.add(outcome.document.hash);
        groupDocuments++;
        groupBytes += outcome.document.bytes;
      }
      open.push(outcome);
      const full = fixedSize !== null
        ? groupDocuments >= fixedSize
        : groupDocuments >= GROUP_DOCUMENTS || groupBytes >= GROUP_BYTES ||
          !pool.isReady(outcome.index + 1);
      if (full && !(going = await closeGroup())) break;
    }
    // What is left: the last group, or the group in hand when Ctrl-C came.
    if (going && open.length > 0) await closeGroup();
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
