/**
 * `quire add`: the add pipeline of ARCHITECTURE.md, end to end.
 *
 *   discover inputs → prepare pool (workers) → commit coordinator, strictly
 *   in input order → rebuild the queued shared pages once.
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
 * Staging of this run is always removed before returning.
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
import type { KbLayout } from "../core/layout.ts";
import type { PrepareInput } from "../core/types.ts";
import { type DiscoveredInput, discoverInputs, PreparePool, type Settled } from "../prepare/mod.ts";
import { type ChangeSession, openChangeSession } from "./change_session.ts";
import { commitStagedDocument, type DocumentOutcome } from "./commit_document.ts";
import { decideDedup } from "./decide_dedup.ts";
import type { RecoveryReport } from "./recover.ts";

/** One failed input. */
export interface FailedInput {
  source: string;
  code: string;
  error: string;
}

/** One progress event, sent after each input is done. */
export type AddEvent =
  | (DocumentOutcome & { done: number; total: number; ms: number })
  | { kind: "failed"; source: string; error: string; done: number; total: number; ms: number };

/** The result of an add batch (the `--json` shape). */
export interface AddResult {
  added: { name: string; hash: string; source: string }[];
  updated: { name: string; hash: string; source: string }[];
  skipped: { source: string; reason: string; existing: string }[];
  failed: FailedInput[];
  /** True when the batch was stopped by an abort (Ctrl-C). */
  interrupted: boolean;
  /** The message of a rollback failure that stopped the batch. */
  rollbackFailed: string | null;
  /** What the recovery at lock acquisition did. */
  recovery: RecoveryReport;
  /** Pool counters: jobs, the buffer bound, and the largest buffer seen. */
  stats: { jobs: number; bound: number; maxAhead: number; maxWaiting: number };
}

/** Options of {@linkcode addDocuments}. */
export interface AddOptions {
  /** Number of prepare workers. @default 1 */
  jobs?: number;
  /** Seconds one input may take in a worker. @default the config's `limits.prepareTimeoutSeconds` */
  timeoutSeconds?: number;
  /** Seconds to wait for a busy lock. @default 0 */
  waitSeconds?: number;
  /** What to do when the LLM keeps failing. @default "fail" */
  llmFallback?: "fail" | "offline";
  /** Aborting stops the batch after the current document. */
  signal?: AbortSignal;
  /** Called after each input. */
  onEvent?: (event: AddEvent) => void;
  /** PageIndex Cloud DOC_IDs to import, after the other inputs. @default [] */
  pageindex?: string[];
  /** Inputs already discovered (e.g. by `sync`); when set, `args` are ignored. */
  discovered?: DiscoveredInput[];
  /** An open session to use instead of opening one (the caller keeps ownership). */
  session?: ChangeSession;
}

type Skip = { skipped: DocumentOutcome & { kind: "skipped" } } | { failed: ErrorPayload };

/**
 * Adds inputs (paths, folders, URLs, remote documents) to the knowledge base.
 * @throws {IngestLockedError} when another process holds the lock.
 */
export async function addDocuments(layout: KbLayout, args: string[], options: AddOptions = {}) {
  const own = options.session === undefined;
  const session = options.session ??
    await openChangeSession(layout, { waitSeconds: options.waitSeconds });
  try {
    return await runBatch(session, args, options);
  } finally {
    if (own) await session[Symbol.asyncDispose]();
  }
}

async function cheapCheck(session: ChangeSession, input: PrepareInput): Promise<Skip | null> {
  if (input.kind !== "file") return null;
  let hash: string;
  try {
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

async function runBatch(
  session: ChangeSession,
  args: string[],
  options: AddOptions,
): Promise<AddResult> {
  const { layout, config } = session;
  const jobs = options.jobs ?? 1;
  const discovered = options.discovered ?? [
    ...await discoverInputs(args, { ignore: config.ignore }),
    ...(options.pageindex ?? []).map((docId): DiscoveredInput => ({
      kind: "input",
      input: { kind: "pageindex", docId },
      source: `pageindex-cloud:${docId}`,
    })),
  ];
  const stagingRoot = join(layout.staging, "prepare");
  const result: AddResult = {
    added: [],
    updated: [],
    skipped: [],
    failed: [],
    interrupted: false,
    rollbackFailed: null,
    recovery: session.recovery,
    stats: { jobs, bound: 2 * jobs, maxAhead: 0, maxWaiting: 0 },
  };
  const total = discovered.length;
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
      const item = discovered[index];
      if (item.kind === "error") return { kind: "settled", index, value: { failed: item.error } };
      const skip = await cheapCheck(session, item.input);
      return skip === null ? item.input : { kind: "settled", index, value: skip };
    };
    for await (const outcome of pool.prepareInOrder(total, plan)) {
      if (options.signal?.aborted) break;
      const source = discovered[outcome.index].source;
      if (outcome.kind === "failed") {
        fail(outcome.error, source);
      } else if (outcome.kind === "settled") {
        if ("failed" in outcome.value) fail(outcome.value.failed, source);
        else {
          const { source: s, reason, existing } = outcome.value.skipped;
          result.skipped.push({ source: s, reason, existing });
          report(outcome.value.skipped);
        }
      } else {
        try {
          const committed = await commitStagedDocument(session, outcome.document);
          if (committed.kind === "skipped") {
            const { source: s, reason, existing } = committed;
            result.skipped.push({ source: s, reason, existing });
          } else {
            result[committed.kind].push({
              name: committed.name,
              hash: committed.hash,
              source: committed.source,
            });
          }
          report(committed);
        } catch (error) {
          if (error instanceof RollbackFailedError || error instanceof CoordinatorPoisonedError) {
            result.rollbackFailed = error.message;
            break;
          }
          // The coordinator rolled the document back; report it and go on.
          fail({
            code: "PUBLISH",
            message: `Cannot add '${source}': ${(error as Error).message}`,
            path: source,
          }, source);
        }
      }
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    result.interrupted = options.signal?.aborted ?? false;
    result.stats = {
      ...result.stats,
      maxAhead: pool.stats.maxAhead,
      maxWaiting: pool.stats.maxWaiting,
    };
    pool.stop();
    await removeIfExists(stagingRoot);
    await rebuildAfterBatch(session, result);
  }
  return result;
}

/** Rebuilds the shared pages; after a failed rollback, a failure here is left to recovery. */
async function rebuildAfterBatch(session: ChangeSession, result: AddResult): Promise<void> {
  try {
    await session.rebuild();
  } catch (error) {
    if (result.rollbackFailed === null) throw error;
  }
}
