/**
 * Dedup by content: what adding content with hash `hash` from `source` means
 * for the registry. Same source and same content: a duplicate of that
 * document. Same source, new content: an update of it. New source whose
 * content is already registered: a duplicate of the document holding it.
 * Otherwise: a new document.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { findDocumentByHash, findDocumentBySource, type StoredDocument } from "../core/queries.ts";

/** What to do with one prepared document. */
export type DedupDecision =
  | { kind: "add" }
  | { kind: "update"; existing: StoredDocument }
  | { kind: "duplicate"; existing: StoredDocument };

/** Decides whether content `hash` from `source` is new, an update or a duplicate. */
export function decideDedup(db: DatabaseSync, source: string, hash: string): DedupDecision {
  const bySource = findDocumentBySource(db, source);
  if (bySource !== undefined) {
    return bySource.hash === hash
      ? { kind: "duplicate", existing: bySource }
      : { kind: "update", existing: bySource };
  }
  const byHash = findDocumentByHash(db, hash);
  return byHash === undefined ? { kind: "add" } : { kind: "duplicate", existing: byHash };
}
