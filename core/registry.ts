/**
 * The registry: `.quire/registry.db`, opened with `node:sqlite`. It is the
 * single source of truth for what the knowledge base contains: a document
 * exists exactly when its row in `documents` exists.
 *
 * Tables:
 *
 * - `documents`: one row per document (name, type, source, hash, pages…).
 * - `document_concepts`: each document's concepts and its note on each.
 * - `search_index`: FTS5 over each document's title and text; its rowid is
 *   the document's `id`, so replacing one document touches one row.
 * - `mutations`: the journal. A row is written (status `active`) before any
 *   official path changes, flipped to `committed` inside the commit-marker
 *   transaction, and deleted once cleanup is done.
 * - `log`: the operations timeline that `wiki/log.md` shows.
 * - `pending_pages`: shared pages queued for rebuilding by committed changes.
 * - `explorations`: answers saved by `query --save`.
 * - `wiki_links`: the link graph, the outgoing links of each summary (with
 *   its source page) and exploration, keyed as `wiki_links.ts` says; written
 *   by the commit marker, read for backlinks.
 * - `llm_usage`: one row of running totals of the model's use (calls,
 *   retries, tokens, cache hits, fallbacks, inputs not attempted), added to
 *   at the end of each batch, for `status`.
 *
 * The schema is versioned with `PRAGMA user_version`; {@linkcode MIGRATIONS}
 * holds forward migrations, applied in order inside one transaction each.
 * The connection runs in WAL mode with `synchronous=FULL`, so a committed
 * transaction survives power loss and readers see a consistent snapshot
 * while a writer works.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { errorMessage, QuireError } from "./errors.ts";
import {
  inspectRegistryFile,
  registryDamaged,
  registryFailure,
  type RegistryFileState,
} from "./registry_file.ts";

/** Forward migrations; index `i` upgrades a database at version `i` to `i + 1`. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    type TEXT NOT NULL,
    origin TEXT NOT NULL,
    ext TEXT NOT NULL,
    source TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    compiler TEXT NOT NULL,
    sections TEXT NOT NULL,
    added_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX documents_hash ON documents (hash);
  CREATE TABLE document_concepts (
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    label TEXT NOT NULL,
    note TEXT NOT NULL,
    score REAL NOT NULL,
    prominent INTEGER NOT NULL,
    PRIMARY KEY (document_id, slug)
  ) WITHOUT ROWID;
  CREATE INDEX document_concepts_slug ON document_concepts (slug);
  CREATE VIRTUAL TABLE search_index USING fts5 (
    title, body, tokenize = 'unicode61 remove_diacritics 2'
  );
  CREATE TABLE mutations (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'committed')),
    target TEXT NOT NULL,
    staging TEXT,
    rollback TEXT NOT NULL,
    touched TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    op TEXT NOT NULL,
    name TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  CREATE TABLE pending_pages (path TEXT PRIMARY KEY) WITHOUT ROWID;
  CREATE TABLE explorations (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    question TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // 2: indexes for the concept queries that shared-page rebuilds run: labels
  // and the prominent flag per slug without touching the table, and a
  // concept's documents in order of weight without sorting all of them.
  `
  DROP INDEX document_concepts_slug;
  CREATE INDEX document_concepts_slug ON document_concepts (slug, label, prominent);
  CREATE INDEX document_concepts_rank ON document_concepts (slug, score, document_id);
  `,
  // 3: the link graph (see wiki_links.ts): one row per page and link key,
  // looked up by key for backlinks. Documents committed before it have no
  // rows until they are recompiled.
  `
  CREATE TABLE wiki_links (
    page TEXT NOT NULL,
    target TEXT NOT NULL,
    PRIMARY KEY (page, target)
  ) WITHOUT ROWID;
  CREATE INDEX wiki_links_target ON wiki_links (target, page);
  `,
  // 4: running totals of the model's use, for `status` (one row, id 1).
  `
  CREATE TABLE llm_usage (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    calls INTEGER NOT NULL,
    retries INTEGER NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cache_hits INTEGER NOT NULL,
    fallbacks INTEGER NOT NULL,
    not_attempted INTEGER NOT NULL
  );
  INSERT INTO llm_usage VALUES (1, 0, 0, 0, 0, 0, 0, 0);
  `,
];

/** The schema version this build of Quire reads and writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Options of {@linkcode openRegistry}. */
export interface OpenRegistryOptions {
  /** Open without write access (read-only commands). @default false */
  readOnly?: boolean;
  /** Create the database when it does not exist. @default false */
  create?: boolean;
}

function registryError(path: string, error: unknown): QuireError {
  const failure = registryFailure(path, error);
  if (failure instanceof QuireError) return failure;
  return new QuireError(
    "REGISTRY",
    `Cannot open registry '${path}': ${errorMessage(error)}`,
    {
      cause: error,
      hint: "Check the file's permissions; run `quire recover` if it was interrupted",
    },
  );
}

/**
 * The registry does not exist or holds nothing (a file of 0 bytes, or a
 * database without tables). On its own that is a knowledge base that was
 * never initialized; `openKbRegistry` turns it into `REGISTRY_DAMAGED` when
 * the knowledge base holds documents.
 */
export class RegistryMissingError extends QuireError {
  /** Whether the file is absent or empty. */
  readonly state: "missing" | "empty";

  constructor(path: string, state: "missing" | "empty", options?: { cause?: unknown }) {
    super(
      "REGISTRY",
      `Cannot open registry '${path}': ${
        state === "missing" ? "it does not exist" : "it is empty"
      }`,
      {
        cause: options?.cause,
        hint:
          "The knowledge base was never initialized (or its registry was deleted); run `quire init`",
      },
    );
    this.name = "RegistryMissingError";
    this.state = state;
  }
}

/** The tables every registry since schema version 1 has. */
const REGISTRY_TABLES = [
  "documents",
  "document_concepts",
  "search_index",
  "mutations",
  "log",
  "pending_pages",
  "explorations",
];

/** Refuses a database that is not a Quire registry; returns true when it has no tables at all. */
function checkSchema(path: string, version: number, tables: Set<string>): boolean {
  if (version === 0 && tables.size === 0) return true;
  const missing = REGISTRY_TABLES.filter((table) => !tables.has(table));
  if (version === 0 || missing.length > 0) {
    const detail = version === 0
      ? `it holds the tables ${[...tables].sort().slice(0, 5).join(", ")} and no Quire schema`
      : `the tables ${missing.join(", ")} are missing`;
    throw registryDamaged(path, `it is not a Quire registry (${detail})`);
  }
  return false;
}

/**
 * Opens the registry, setting WAL and `synchronous=FULL` and (when writable)
 * migrating it to {@linkcode SCHEMA_VERSION}. The file is inspected first
 * (`registry_file.ts`), so a damaged one is refused before SQLite uses it.
 * @throws {RegistryMissingError} when it does not exist or is empty and `create` is off.
 * @throws {QuireError} `REGISTRY_DAMAGED` when the file is damaged or not a Quire registry;
 * `NO_SPACE` or `IO` when the disk fails; `REGISTRY` when it is from a newer Quire.
 */
export function openRegistry(path: string, options: OpenRegistryOptions = {}): DatabaseSync {
  const readOnly = options.readOnly ?? false;
  let state: RegistryFileState;
  try {
    state = inspectRegistryFile(path);
  } catch (error) {
    throw registryError(path, error);
  }
  if (state.kind === "damaged") throw registryDamaged(path, state.reason);
  if (state.kind !== "present" && !options.create) throw new RegistryMissingError(path, state.kind);
  let db: DatabaseSync | undefined;
  let version: number;
  let tables: Set<string>;
  try {
    db = new DatabaseSync(path, { readOnly, enableForeignKeyConstraints: true });
    db.exec("PRAGMA busy_timeout = 10000");
    version = Number(row<{ user_version: number }>(db, "PRAGMA user_version")?.user_version);
    const names = rows<{ name: string }>(db, "SELECT name FROM sqlite_master WHERE type = 'table'");
    tables = new Set(names.map((table) => table.name));
  } catch (error) {
    db?.close();
    throw registryError(path, error);
  }
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new QuireError(
      "REGISTRY",
      `Cannot open registry '${path}': it has schema version ${version}, newer than this Quire (${SCHEMA_VERSION})`,
      { hint: "Upgrade Quire to read this knowledge base" },
    );
  }
  try {
    if (checkSchema(path, version, tables) && !options.create) {
      throw new RegistryMissingError(path, "empty");
    }
  } catch (error) {
    db.close();
    throw error;
  }
  // Only now that it is known to be a registry may anything be written to it.
  if (!readOnly) {
    try {
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = FULL");
    } catch (error) {
      db.close();
      throw registryError(path, error);
    }
  }
  if (version < SCHEMA_VERSION) {
    if (readOnly) {
      db.close();
      throw new QuireError(
        "REGISTRY",
        `Cannot read registry '${path}': it has schema version ${version} and needs an upgrade`,
        { hint: "Run `quire recover` once to upgrade it" },
      );
    }
    try {
      migrate(db, version);
    } catch (error) {
      db.close();
      throw registryError(path, error);
    }
  }
  return db;
}

function migrate(db: DatabaseSync, from: number): void {
  for (let version = from; version < SCHEMA_VERSION; version++) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(MIGRATIONS[version]);
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }
}

/** Runs `body` inside one `BEGIN IMMEDIATE … COMMIT` transaction. */
export function inTransaction<T>(db: DatabaseSync, body: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = body();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  }
}

/** A value that can be bound to a statement parameter. */
export type SqlValue = null | number | bigint | string | Uint8Array;

/**
 * Runs a query and returns its rows as `T`. This is the one place that
 * trusts a query's column list to match the row type it is read as.
 */
export function rows<T>(db: DatabaseSync, sql: string, ...params: SqlValue[]): T[] {
  return db.prepare(sql).all(...params) as unknown as T[];
}

/** Runs a query and returns its first row as `T`, or undefined when there is none. */
export function row<T>(db: DatabaseSync, sql: string, ...params: SqlValue[]): T | undefined {
  return db.prepare(sql).get(...params) as unknown as T | undefined;
}
