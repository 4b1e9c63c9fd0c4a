/**
 * `quire add --from-bundle DIR…`: the second half of a sharded `add`. Every
 * bundle is verified in full and checked against this knowledge base's
 * settings before the lock is taken (`openBundles`), so a damaged, foreign
 * or mismatched bundle changes nothing. Then one batch runs, as for `add`:
 * the prepare workers only stage each entry (verifying it again), and the
 * coordinator commits the documents in global input order across all
 * bundles, with the usual dedup (a bundle committed twice is skipped as
 * duplicates), naming, crash safety, progress and result.
 *
 * @module
 */

import { loadConfig, prepareSettings } from "../core/config.ts";
import type { KbLayout } from "../core/layout.ts";
import { openBundles, type OpenedBundle } from "../prepare/mod.ts";
import type { AddResult } from "./add_documents.ts";
import { openChangeSession } from "./change_session.ts";
import { rebuildAfterBatch } from "./rebuild_after_batch.ts";
import type { BatchOptions } from "./batch_result.ts";
import { runBatch } from "./run_batch.ts";

/** Options of {@linkcode addFromBundles}. */
export interface AddFromBundlesOptions extends BatchOptions {
  /** Seconds to wait for a busy lock. @default 0 */
  waitSeconds?: number;
  /** Commit bundles made with another compiler or settings. @default false */
  acceptCompiler?: boolean;
}

/** What `add --from-bundle` did: the `add` result, plus the bundles read. */
export interface AddFromBundlesResult extends AddResult {
  bundles: OpenedBundle[];
}

/**
 * Commits the documents of the bundles at `dirs`.
 * @throws {QuireError} `BUNDLE` when a bundle is damaged, incomplete, foreign or of another batch.
 * @throws {IngestLockedError} when another process holds the lock.
 */
export async function addFromBundles(
  layout: KbLayout,
  dirs: string[],
  options: AddFromBundlesOptions = {},
): Promise<AddFromBundlesResult> {
  const settings = prepareSettings(await loadConfig(layout.config));
  const { items, bundles } = openBundles(dirs, {
    settings,
    acceptCompiler: options.acceptCompiler,
  });
  await using session = await openChangeSession(layout, { waitSeconds: options.waitSeconds });
  const result = await runBatch(session, items, options);
  await rebuildAfterBatch(session, result);
  return { ...result, recovery: session.recovery, bundles };
}
