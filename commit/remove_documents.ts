/**
 * `quire remove NAME…`: deletes documents (their raw file, source and summary
 * pages, and registry rows, concepts and full-text row) through the
 * coordinator, one mutation per document, then rebuilds the shared pages
 * they touched. A document is named by its name (case-insensitive) or by a
 * prefix of its content hash (at least 4 hex digits, and unambiguous).
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { failurePayload } from "../core/errors.ts";
import { conceptPage, documentPages, INDEX_PAGE, type KbLayout, LOG_PAGE } from "../core/layout.ts";
import {
  documentConcepts,
  findDocumentByName,
  findDocumentsByHashPrefix,
  type StoredDocument,
} from "../core/queries.ts";
import { storedLinks } from "../core/wiki_links.ts";
import { type ChangeSession, openChangeSession } from "./change_session.ts";
import type { MutationPlan } from "./mutation_plan.ts";
import { backlinkPages } from "./record_links.ts";
import type { RecoveryReport } from "./recover.ts";
import { rebuildAfterBatch } from "./rebuild_after_batch.ts";
import { rollbackFailure } from "./rollback_failure.ts";

/** What `remove` did (the `--json` shape). */
export interface RemoveResult {
  removed: { name: string; source: string }[];
  failed: { target: string; error: string }[];
  rollbackFailed: string | null;
  /** Why the shared pages could not be rebuilt (see `BatchResult`), or null. */
  pagesPending: string | null;
  recovery: RecoveryReport;
}

/** Options of {@linkcode removeDocuments}. */
export interface RemoveOptions {
  /** Seconds to wait for a busy lock. @default 0 */
  waitSeconds?: number;
}

/** Finds the document a user named, or says why none matches (`verb` is for the message). */
export function resolveDocument(
  db: DatabaseSync,
  target: string,
  verb = "remove",
): StoredDocument | { error: string } {
  const byName = findDocumentByName(db, target);
  if (byName !== undefined) return byName;
  if (/^[0-9a-f]{4,64}$/i.test(target)) {
    const matches = findDocumentsByHashPrefix(db, target.toLowerCase());
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      return {
        error: `Cannot ${verb} '${target}': the hash prefix matches several documents (${
          matches.map((m) => m.name).join(", ")
        }, …); give more digits or the name`,
      };
    }
  }
  return { error: `Cannot ${verb} '${target}': no document has this name or hash prefix` };
}

/** Plans the removal of one document: delete its pages, then its rows. */
export function planRemoval(db: DatabaseSync, document: StoredDocument): MutationPlan {
  const pages = documentPages(document.name, document.ext);
  const concepts = documentConcepts(db, document.id).map((c) => c.slug).sort();
  return {
    kind: "remove",
    target: document.name,
    staging: null,
    changes: [
      { path: pages.summary, staged: null },
      { path: pages.source, staged: null },
      { path: pages.raw, staged: null },
    ],
    record: { op: "delete-document", id: document.id },
    log: { op: "remove", name: document.name, detail: document.source },
    rebuild: [
      INDEX_PAGE,
      LOG_PAGE,
      ...concepts.map(conceptPage),
      ...backlinkPages(storedLinks(db, `summaries/${document.name}`), []),
    ],
  };
}

/** Removes one document inside an open session. */
export async function removeDocument(
  session: ChangeSession,
  document: StoredDocument,
): Promise<void> {
  await session.coordinator.apply(planRemoval(session.db, document));
}

/**
 * Removes the named documents; unknown names are reported as failures.
 * @throws {IngestLockedError} when another process holds the lock.
 */
export async function removeDocuments(
  layout: KbLayout,
  targets: string[],
  options: RemoveOptions = {},
): Promise<RemoveResult> {
  await using session = await openChangeSession(layout, options);
  const result: RemoveResult = {
    removed: [],
    failed: [],
    rollbackFailed: null,
    pagesPending: null,
    recovery: session.recovery,
  };
  for (const target of targets) {
    const document = resolveDocument(session.db, target);
    if ("error" in document) {
      result.failed.push({ target, error: document.error });
      continue;
    }
    try {
      await removeDocument(session, document);
      result.removed.push({ name: document.name, source: document.source });
    } catch (error) {
      result.rollbackFailed = rollbackFailure(error);
      if (result.rollbackFailed !== null) break;
      const failure = failurePayload(error, target, { verb: "remove", fallback: "PUBLISH" });
      result.failed.push({ target, error: failure.message });
    }
  }
  await rebuildAfterBatch(session, result);
  return result;
}
