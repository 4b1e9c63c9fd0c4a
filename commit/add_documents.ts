/**
 * `quire add`: the add pipeline of ARCHITECTURE.md, end to end: take the
 * lock (and recover), discover the inputs, run one batch
 * (`run_batch.ts`: prepare in workers, commit in input order), then rebuild
 * the queued shared pages once.
 *
 * @module
 */

import type { KbLayout } from "../core/layout.ts";
import { type DiscoveredInput, discoverInputs } from "../prepare/mod.ts";
import { openChangeSession } from "./change_session.ts";
import type { RecoveryReport } from "./recover.ts";
import { rebuildAfterBatch } from "./rebuild_after_batch.ts";
import type { BatchOptions, BatchResult } from "./batch_result.ts";
import { runBatch } from "./run_batch.ts";

/** The result of `add` (the `--json` shape). */
export interface AddResult extends BatchResult {
  /** What the recovery at lock acquisition did. */
  recovery: RecoveryReport;
}

/** Options of {@linkcode addDocuments}. */
export interface AddOptions extends BatchOptions {
  /** Seconds to wait for a busy lock. @default 0 */
  waitSeconds?: number;
  /** PageIndex Cloud DOC_IDs to import, after the other inputs. @default [] */
  pageindex?: string[];
  /** Follow symlinks in walked folders whose target is outside the folder too. @default false */
  followSymlinks?: boolean;
}

/**
 * Adds inputs (paths, folders, URLs, remote documents) to the knowledge base.
 * @throws {IngestLockedError} when another process holds the lock.
 */
export async function addDocuments(
  layout: KbLayout,
  args: string[],
  options: AddOptions = {},
): Promise<AddResult> {
  await using session = await openChangeSession(layout, { waitSeconds: options.waitSeconds });
  const items: DiscoveredInput[] = [
    ...await discoverInputs(args, {
      ignore: session.config.ignore,
      followSymlinks: options.followSymlinks,
    }),
    ...(options.pageindex ?? []).map((docId): DiscoveredInput => ({
      kind: "input",
      input: { kind: "pageindex", docId },
      source: `pageindex-cloud:${docId}`,
    })),
  ];
  const result = await runBatch(session, items, options);
  await rebuildAfterBatch(session, result);
  return { ...result, recovery: session.recovery };
}
