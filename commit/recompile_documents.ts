/**
 * `quire recompile [NAME…]`: rebuilds documents' pages from their stored
 * originals (`raw/`), after a compiler or config change. Each document is
 * prepared again in the workers (with the same `--jobs`) from its raw file,
 * keeping its name and source, and committed through the coordinator as an
 * update, even when its bytes are unchanged. With no names, every document
 * is recompiled; the pool's bounded buffer keeps memory flat however many
 * there are. `fallbacks` selects exactly the documents compiled offline
 * because the model failed (`compiler: offline-fallback`), to try the model
 * again once it works. With unchanged settings, a document whose model
 * answer is in the prepared-results cache costs no call.
 *
 * @module
 */

import type { KbLayout } from "../core/layout.ts";
import { listDocuments } from "../core/queries.ts";
import type { DiscoveredInput } from "../prepare/mod.ts";
import { openChangeSession } from "./change_session.ts";
import type { RecoveryReport } from "./recover.ts";
import { resolveDocument } from "./remove_documents.ts";
import { rebuildAfterBatch } from "./rebuild_after_batch.ts";
import type { BatchOptions, BatchResult } from "./batch_result.ts";
import { runBatch } from "./run_batch.ts";
import { storedInput } from "./stored_input.ts";

/** What `recompile` did (the `--json` shape). */
export interface RecompileResult extends BatchResult {
  recovery: RecoveryReport;
}

/** Options of {@linkcode recompileDocuments}. */
export interface RecompileOptions extends Omit<BatchOptions, "force"> {
  /** Seconds to wait for a busy lock. @default 0 */
  waitSeconds?: number;
  /** Only the documents compiled offline because the model failed. @default false */
  fallbacks?: boolean;
}

/**
 * Recompiles the named documents (all when `names` is empty).
 * @throws {IngestLockedError} when another process holds the lock.
 */
export async function recompileDocuments(
  layout: KbLayout,
  names: string[],
  options: RecompileOptions = {},
): Promise<RecompileResult> {
  await using session = await openChangeSession(layout, { waitSeconds: options.waitSeconds });
  const items: DiscoveredInput[] = [];
  if (names.length === 0) {
    for (const document of listDocuments(session.db)) {
      if (options.fallbacks && document.compiler !== "offline-fallback") continue;
      items.push(storedInput(layout, document));
    }
  } else {
    for (const name of names) {
      const document = resolveDocument(session.db, name, "recompile");
      items.push(
        "error" in document
          ? {
            kind: "error",
            source: name,
            error: { code: "MISSING", message: document.error, path: name },
          }
          : storedInput(layout, document),
      );
    }
  }
  const result = await runBatch(session, items, { ...options, force: true });
  await rebuildAfterBatch(session, result);
  return { ...result, recovery: session.recovery };
}
