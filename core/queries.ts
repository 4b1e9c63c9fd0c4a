/**
 * Read queries over the registry. Every function here only reads; each runs
 * as one statement, so it sees one consistent snapshot (WAL) even while a
 * writer commits. Costs are per row asked for (indexed lookups), except the
 * listing functions, which read what they list.
 *
 * @module
 */

import type { LlmUsage } from "./llm_usage.ts";
import { row as rowOf, rows, statement } from "./registry.ts";
import type { DatabaseSync } from "node:sqlite";
import type {
  CompilerKind,
  DocumentOrigin,
  DocumentRecord,
  DocumentType,
  Section,
} from "./types.ts";

interface DocumentRow {
  id: number;
  name: string;
  type: string;
  origin: string;
  ext: string;
  source: string;
  hash: string;
  bytes: number;
  title: string;
  description: string;
  compiler: string;
  sections: string;
  added_at: string;
  updated_at: string;
}

/** A document row with its registry id and section tree. */
export interface StoredDocument extends DocumentRecord {
  id: number;
  sections: Section[];
}

const DOCUMENT_COLUMNS =
  "id, name, type, origin, ext, source, hash, bytes, title, description, compiler, sections, added_at, updated_at";

function toDocument(row: DocumentRow): StoredDocument {
  return {
    id: row.id,
    name: row.name,
    type: row.type as DocumentType,
    origin: row.origin as DocumentOrigin,
    ext: row.ext,
    source: row.source,
    hash: row.hash,
    bytes: row.bytes,
    title: row.title,
    description: row.description,
    compiler: row.compiler as CompilerKind,
    sections: JSON.parse(row.sections) as Section[],
    addedAt: row.added_at,
    updatedAt: row.updated_at,
  };
}

function one(db: DatabaseSync, where: string, value: string): StoredDocument | undefined {
  const row = rowOf<DocumentRow>(
    db,
    `SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE ${where} LIMIT 1`,
    value,
  );
  return row ? toDocument(row) : undefined;
}

/** Returns the document added from `source`, if any. */
export function findDocumentBySource(db: DatabaseSync, source: string): StoredDocument | undefined {
  return one(db, "source = ?", source);
}

/** Returns a document whose content has SHA-256 `hash`, if any (the oldest). */
export function findDocumentByHash(db: DatabaseSync, hash: string): StoredDocument | undefined {
  return one(db, "hash = ? ORDER BY id", hash);
}

/** Returns the document named `name` (case-insensitive), if any. */
export function findDocumentByName(db: DatabaseSync, name: string): StoredDocument | undefined {
  return one(db, "name = ?", name);
}

/** Returns the documents whose hash starts with `prefix` (at most 2, to detect ambiguity). */
export function findDocumentsByHashPrefix(db: DatabaseSync, prefix: string): StoredDocument[] {
  const found = rows<DocumentRow>(
    db,
    `SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE hash >= ? AND hash < ? ORDER BY name LIMIT 2`,
    prefix,
    prefix + "g",
  );
  return found.map(toDocument);
}

/** Returns true when a document has this name (case-insensitive). */
export function isNameTaken(db: DatabaseSync, name: string): boolean {
  return statement(db, "SELECT 1 FROM documents WHERE name = ?").get(name) !== undefined;
}

/** Options of {@linkcode listDocuments}. */
export interface ListDocumentsOptions {
  /** At most this many documents. @default all */
  limit?: number;
  /** Skip this many first. @default 0 */
  offset?: number;
}

/** Lists documents ordered by name (one page of them with `limit` and `offset`). */
export function listDocuments(
  db: DatabaseSync,
  options: ListDocumentsOptions = {},
): StoredDocument[] {
  const found = rows<DocumentRow>(
    db,
    `SELECT ${DOCUMENT_COLUMNS} FROM documents ORDER BY name LIMIT ? OFFSET ?`,
    options.limit ?? -1,
    options.offset ?? 0,
  );
  return found.map(toDocument);
}

/** Options of {@linkcode listDocumentsPage}. */
export interface ListPageOptions {
  /** Most documents returned. */
  limit: number;
  /** Documents skipped, in name order. @default 0 */
  offset?: number;
}

/** Lists one page of the documents, ordered by name, and how many there are. */
export function listDocumentsPage(
  db: DatabaseSync,
  options: ListPageOptions,
): { documents: StoredDocument[]; total: number } {
  const found = rows<DocumentRow>(
    db,
    `SELECT ${DOCUMENT_COLUMNS} FROM documents ORDER BY name LIMIT ? OFFSET ?`,
    options.limit,
    options.offset ?? 0,
  );
  const total = Number(rowOf<{ n: number }>(db, "SELECT count(*) AS n FROM documents")?.n ?? 0);
  return { documents: found.map(toDocument), total };
}

/** Lists the documents whose source starts with `prefix`, ordered by source. */
export function listDocumentsUnder(db: DatabaseSync, prefix: string): StoredDocument[] {
  const found = rows<DocumentRow>(
    db,
    `SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE substr(source, 1, length(?)) = ? ORDER BY source`,
    prefix,
    prefix,
  );
  return found.map(toDocument);
}

/** A concept as stored for one document. */
export interface StoredConcept {
  slug: string;
  label: string;
  note: string;
  score: number;
  prominent: boolean;
}

/** Returns the concepts stored for document `id`, most relevant first. */
export function documentConcepts(db: DatabaseSync, id: number): StoredConcept[] {
  const found = rows<Omit<StoredConcept, "prominent"> & { prominent: number }>(
    db,
    "SELECT slug, label, note, score, prominent FROM document_concepts WHERE document_id = ? ORDER BY score DESC, slug",
    id,
  );
  return found.map((row) => ({ ...row, prominent: row.prominent === 1 }));
}

/** Counts of what the registry holds. */
export interface RegistryCounts {
  documents: number;
  bytes: number;
  concepts: number;
  /** Bytes of the files Quire wrote under `raw/` and `wiki/`, or null when not measured yet. */
  diskBytes: number | null;
  pendingMutations: number;
  pendingPages: number;
  /** Documents compiled offline because the model failed (`compiler: offline-fallback`). */
  fallbacks: number;
}

/**
 * Returns the counts shown by `status`: totals kept by triggers in the
 * `counters` table (constant time, however large the knowledge base), and
 * the journal and queue lengths (empty between changes).
 */
export function registryCounts(db: DatabaseSync): RegistryCounts {
  const get = (sql: string) => Number(rowOf<{ n: number | null }>(db, sql)?.n ?? 0);
  const counter = (name: string) =>
    Number(rowOf<{ n: number }>(db, "SELECT value AS n FROM counters WHERE name = ?", name)?.n);
  const disk = counter("disk_bytes");
  return {
    documents: counter("documents"),
    bytes: counter("document_bytes"),
    concepts: counter("concepts"),
    diskBytes: disk >= 0 ? disk : null,
    pendingMutations: get("SELECT count(*) AS n FROM mutations"),
    pendingPages: get("SELECT count(*) AS n FROM pending_pages"),
    fallbacks: get("SELECT count(*) AS n FROM documents WHERE compiler = 'offline-fallback'"),
  };
}

/** Returns the running totals of the model's use (every batch so far). */
export function llmUsageTotals(db: DatabaseSync): LlmUsage {
  const found = rowOf<Record<string, number>>(
    db,
    "SELECT calls, retries, prompt_tokens, completion_tokens, cache_hits, fallbacks, not_attempted FROM llm_usage WHERE id = 1",
  );
  const n = (key: string) => Number(found?.[key] ?? 0);
  return {
    calls: n("calls"),
    retries: n("retries"),
    promptTokens: n("prompt_tokens"),
    completionTokens: n("completion_tokens"),
    cacheHits: n("cache_hits"),
    fallbacks: n("fallbacks"),
    notAttempted: n("not_attempted"),
  };
}

/** One entry of the operations log. */
export interface LogEntry {
  at: string;
  op: string;
  name: string;
  detail: string;
}

/** Returns the newest `limit` log entries, newest first. */
export function recentLog(db: DatabaseSync, limit: number): LogEntry[] {
  return rows<LogEntry>(db, "SELECT at, op, name, detail FROM log ORDER BY id DESC LIMIT ?", limit);
}
