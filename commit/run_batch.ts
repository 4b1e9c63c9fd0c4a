/**
 * One batch of the add pipeline, inside an open change session:
 *
 *   prepare pool (workers) → commit coordinator, in groups, in input order.
 *
 * **Groups.** Prepared documents are committed in groups (`commit_group.ts`),
 * each with one journal transaction, one publish pass and one commit marker.
 * A group closes when the next input's outcome is not ready within
 * {@linkcode LINGER_MS} of the group's first (so a single `add` of one file
 * is not delayed, a slow input costs the group at most that wait, and a slow
 * coordinator gets bigger groups), after the last input, at
 * {@linkcode GROUP_DOCUMENTS} documents or
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
 * Links to documents later in the batch (or later in the same group) are
 * resolved by preparing the documents that hold them once more at the end
 * (`relink`; see resolve_links.ts for the design).
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
import type { ErrorPayload } from "../core/errors.ts";
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
import { rollbackFailure } from "./rollback_failure.ts";
import { findDocumentByName, findDocumentBySource } from "../core/queries.ts";
import { storedInput } from "./stored_input.ts";
import { batchLlmStats, type FallbackDocument, fallbackOf, finishLlmBatch } from "./llm_batch.ts";
import {
  type BatchOptions,
  type BatchResult,
  emptyBatchResult,
  GROUP_BYTES,
  GROUP_DOCUMENTS,
  poolBound,
} from "./batch_result.ts";

/**
 * How long an open group waits for the next input's outcome, counted from
 * its first outcome. A worker prepares a small note in a millisecond or two
 * while a group's commit costs a few fsyncs whatever its size, so waiting
 * this long makes groups of several notes instead of one or two (measured
 * on 1,000 notes at `--jobs 1`: 15% less CPU). A single input, or the last
 * one, is never waited for.
 */
const LINGER_MS = 10;

type Skip = { skipped: DocumentOutcome & { kind: "skipped" } } | { failed: ErrorPayload };

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

/**
 * Skips a local file without preparing it when its source is registered
 * with the same content (re-adding an unchanged folder). Only then is the
 * file hashed here (and only a regular file within the size limit): a new
 * source is hashed by its worker, and if its content turns out to be
 * registered already, the authoritative check at commit skips it.
 */
async function cheapCheck(session: ChangeSession, input: PrepareInput): Promise<Skip | null> {
  if (input.kind !== "file") return null;
  const existing = findDocumentBySource(session.db, input.path);
  if (existing === undefined) return null;
  let hash: string;
  try {
    const info = await Deno.stat(input.path);
    if (!info.isFile || info.size > session.config.limits.maxInputBytes) return null;
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

  // Sources not committed yet, so that a link to one of them is known as a
  // forward link (resolved again at the end of the batch).
  const pending = new Set(items.filter((item) => item.kind === "input").map((i) => i.source));
  const forwardLinks = new Map<string, string[]>();

  const settings = prepareSettings(config, {
    llmFallback: options.llmFallback,
    cacheDir: config.llm === null ? null : layout.cache,
  });
  using pool = new PreparePool({
    jobs,
    bound: poolBound(jobs),
    timeoutMs: (options.timeoutSeconds ?? config.limits.prepareTimeoutSeconds) * 1000,
    stagingRoot,
    settings,
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
      const group = await commitGroup(session, documents, { force: options.force, pending });
      results = group.results;
      stop = group.rollbackFailed;
    } catch (error) {
      stop = rollbackFailure(error);
      if (stop === null) throw error;
    }
    let next = 0;
    for (const outcome of open) {
      pending.delete(items[outcome.index].source);
      if (outcome.kind === "failed") failOrSkip(outcome.error, outcome.index);
      else if (outcome.kind === "settled") {
        if ("failed" in outcome.value) failOrSkip(outcome.value.failed, outcome.index);
        else skip(outcome.value.skipped);
      } else if (next < results.length) {
        const committed = results[next++];
        if (committed.kind === "skipped") skip(committed);
        else if (committed.kind === "failed") fail(committed.error, items[outcome.index].source);
        else {
          const { name, hash } = committed;
          result[committed.kind].push({ name, hash, source: committed.source });
          if (committed.forward) forwardLinks.set(name, committed.forward);
          const fallback = fallbackOf(outcome.document, name);
          if (fallback !== null) result.fallbacks.push(fallback);
          report(fallback === null ? committed : { ...committed, fallback });
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
      if (item.kind === "skipped") {
        const { source, reason, target } = item;
        return {
          kind: "settled",
          index,
          value: { skipped: { kind: "skipped", source, reason, target } },
        };
      }
      const cheap = options.force ? null : await cheapCheck(session, item.input);
      return cheap === null ? item.input : { kind: "settled", index, value: cheap };
    };
    let going = true;
    let openedAt = 0;
    for await (const outcome of pool.prepareInOrder(total, plan)) {
      if (options.signal?.aborted) break;
      if (outcome.kind === "staged") {
        if (conflicts(outcome.document) && !(going = await closeGroup())) break;
        sources.add(outcome.document.source);
        hashes.add(outcome.document.hash);
        groupDocuments++;
        groupBytes += outcome.document.bytes;
      }
      if (open.length === 0) openedAt = performance.now();
      open.push(outcome);
      const next = outcome.index + 1;
      const full = fixedSize !== null
        ? groupDocuments >= fixedSize
        : groupDocuments >= GROUP_DOCUMENTS || groupBytes >= GROUP_BYTES || next >= total ||
          !(await pool.waitReady(next, openedAt + LINGER_MS - performance.now()));
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
