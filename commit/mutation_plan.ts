/**
 * A mutation plan: everything the coordinator needs to apply one change to
 * the knowledge base, as data. Commands build plans; only the coordinator
 * applies them.
 *
 * @module
 */

import type { ConceptNote, DocumentRecord } from "../core/types.ts";

/** What happens to one official path. */
export interface PathChange {
  /** The official path, kb-relative (`raw/x.md`, `wiki/summaries/x.md`). */
  path: string;
  /** The staged file (kb-relative) that replaces it, or null to delete the path. */
  staged: string | null;
}

/** A document row as the commit marker writes it: the record, with its section tree as JSON. */
export type DocumentRow = DocumentRecord & { sections: string };

/** One entry for the operations log. */
export interface LogRecord {
  op: string;
  name: string;
  detail: string;
}

/** The registry side of a mutation, written by the commit marker transaction. */
export type RegistryChange =
  | {
    op: "put-document";
    /** The row to insert, or to write over the row with id `replaces`. */
    document: DocumentRow;
    replaces: number | null;
    concepts: ConceptNote[];
    /** The document's text for the full-text index (its source page). */
    searchText: string;
    /** The link keys of its summary and source pages (`core/wiki_links.ts`). */
    links: string[];
  }
  | { op: "delete-document"; id: number }
  | {
    op: "put-exploration";
    name: string;
    question: string;
    createdAt: string;
    /** The link keys of its page. */
    links: string[];
  }
  | { op: "none" };

/** Everything one mutation does, as data. */
export interface MutationPlan {
  /** What kind of change this is (`add`, `update`, `remove`, `recompile`, `save`). */
  kind: string;
  /** The document or page the mutation is about, for messages and the journal. */
  target: string;
  /** kb-relative staging directory removed after commit or rollback, if any. */
  staging: string | null;
  /** Official paths touched, in publish order. */
  changes: PathChange[];
  /** The registry change applied in the commit marker. */
  record: RegistryChange;
  /** The log entry written in the commit marker. */
  log: LogRecord;
  /** Shared pages (kb-relative) to queue for rebuilding. */
  rebuild: string[];
}
