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
 * - `concepts`: per concept slug, how many documents name it and how many
 *   of them prominently, and `concept_labels`: per slug, how many use each
 *   spelling; kept by triggers on `document_concepts`, so that "does this
 *   concept have a page", its label and "the most connected concepts" are
 *   index lookups, not scans of every document naming the concept.
 * - `concept_lists`: where each alphabetical concept list of the index
 *   starts (see `commit/pages/concept_lists.ts`).
 * - `files`: the size of every other file Quire wrote under `raw/` and
 *   `wiki/` (shared pages, explorations, `AGENTS.md`; a document's own
 *   files are counted in its row's `disk_bytes`), written by the commit
 *   marker and the shared-page rebuild.
 * - `counters`: running totals kept by triggers (documents, their bytes,
 *   distinct concepts, bytes under `raw/` and `wiki/`), so that `status`
 *   reads four numbers instead of counting or walking anything. `disk_bytes`
 *   is -1 until the files of a migrated knowledge base have been measured
 *   (see `measureFiles`).
 *
 * The schema is versioned with `PRAGMA user_version`; {@linkcode MIGRATIONS}
 * holds forward migrations, applied in order inside one transaction each.
 * The connection runs in WAL mode with `synchronous=FULL`, so a committed
 * transaction survives power loss and readers see a consistent snapshot
 * while a writer works.
 *
 * @module
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";
import { errorMessage, QuireError } from "./errors.ts";

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
  // 3: counters kept by triggers, so that `status` and the shared pages read
  // totals instead of scanning; existing knowledge bases get exact counts
  // here, and their file sizes are measured once at the next change session.
  `
  CREATE TABLE concepts (
    slug TEXT PRIMARY KEY,
    documents INTEGER NOT NULL,
    prominent INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX concepts_documents ON concepts (documents, slug);
  -- Labels and prominence per slug now come from these tables; the rank
  -- index (slug, score, document_id) serves every lookup by slug.
  DROP INDEX document_concepts_slug;
  CREATE TABLE concept_labels (
    slug TEXT NOT NULL,
    label TEXT NOT NULL,
    documents INTEGER NOT NULL,
    PRIMARY KEY (slug, label)
  ) WITHOUT ROWID;
  INSERT INTO concept_labels (slug, label, documents)
    SELECT slug, label, count(*) FROM document_concepts GROUP BY slug, label;
  CREATE TABLE files (path TEXT PRIMARY KEY, bytes INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO concepts (slug, documents, prominent)
    SELECT slug, count(*), sum(prominent) FROM document_concepts GROUP BY slug;
  INSERT INTO counters (name, value) VALUES
    ('documents', (SELECT count(*) FROM documents)),
    ('document_bytes', (SELECT coalesce(sum(bytes), 0) FROM documents)),
    ('concepts', (SELECT count(*) FROM concepts)),
    ('disk_bytes', -1);
  -- A document's own files (original, source and summary pages) are
  -- counted in its row, not in \`files\`: one row to write per document.
  ALTER TABLE documents ADD COLUMN disk_bytes INTEGER NOT NULL DEFAULT 0;
  CREATE TRIGGER document_added AFTER INSERT ON documents BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'documents';
    UPDATE counters SET value = value + new.bytes WHERE name = 'document_bytes';
    UPDATE counters SET value = value + new.disk_bytes WHERE name = 'disk_bytes' AND value >= 0;
  END;
  CREATE TRIGGER document_removed AFTER DELETE ON documents BEGIN
    UPDATE counters SET value = value - 1 WHERE name = 'documents';
    UPDATE counters SET value = value - old.bytes WHERE name = 'document_bytes';
    UPDATE counters SET value = value - old.disk_bytes WHERE name = 'disk_bytes' AND value >= 0;
  END;
  CREATE TRIGGER document_resized AFTER UPDATE OF bytes, disk_bytes ON documents BEGIN
    UPDATE counters SET value = value - old.bytes + new.bytes WHERE name = 'document_bytes';
    UPDATE counters SET value = value - old.disk_bytes + new.disk_bytes
      WHERE name = 'disk_bytes' AND value >= 0;
  END;
  CREATE TRIGGER concept_noted AFTER INSERT ON document_concepts BEGIN
    INSERT INTO concepts (slug, documents, prominent) VALUES (new.slug, 1, new.prominent)
      ON CONFLICT (slug) DO UPDATE SET
        documents = documents + 1, prominent = prominent + excluded.prominent;
    INSERT INTO concept_labels (slug, label, documents) VALUES (new.slug, new.label, 1)
      ON CONFLICT (slug, label) DO UPDATE SET documents = documents + 1;
  END;
  CREATE TRIGGER concept_unnoted AFTER DELETE ON document_concepts BEGIN
    UPDATE concepts SET documents = documents - 1, prominent = prominent - old.prominent
      WHERE slug = old.slug;
    DELETE FROM concepts WHERE slug = old.slug AND documents = 0;
    UPDATE concept_labels SET documents = documents - 1
      WHERE slug = old.slug AND label = old.label;
    DELETE FROM concept_labels WHERE slug = old.slug AND label = old.label AND documents = 0;
  END;
  CREATE TRIGGER concept_added AFTER INSERT ON concepts BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'concepts';
  END;
  CREATE TRIGGER concept_removed AFTER DELETE ON concepts BEGIN
    UPDATE counters SET value = value - 1 WHERE name = 'concepts';
  END;
  CREATE TRIGGER file_added AFTER INSERT ON files BEGIN
    UPDATE counters SET value = value + new.bytes WHERE name = 'disk_bytes' AND value >= 0;
  END;
  CREATE TRIGGER file_removed AFTER DELETE ON files BEGIN
    UPDATE counters SET value = value - old.bytes WHERE name = 'disk_bytes' AND value >= 0;
  END;
  CREATE TRIGGER file_resized AFTER UPDATE OF bytes ON files BEGIN
    UPDATE counters SET value = value - old.bytes + new.bytes
      WHERE name = 'disk_bytes' AND value >= 0;
  END;
  -- The concept lists of the index: list n holds the concept pages from
  -- slug \`first\` up to the next list's first slug (see concept_lists.ts).
  CREATE TABLE concept_lists (id INTEGER PRIMARY KEY, first TEXT NOT NULL UNIQUE);
  INSERT INTO concept_lists (id, first) VALUES (1, '');
  -- The index is now split (index.md, index/documents-<n>.md and
  -- index/concepts-<n>.md): queue every part for a knowledge base that has
  -- documents, so the next change session writes them.
  INSERT OR IGNORE INTO pending_pages (path)
    SELECT DISTINCT printf('wiki/index/documents-%03d.md', (id - 1) / 1000 + 1) FROM documents;
  INSERT OR IGNORE INTO pending_pages (path)
    SELECT column1 FROM (VALUES ('wiki/index.md'), ('wiki/index/concepts-001.md'))
    WHERE EXISTS (SELECT 1 FROM documents);
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
 * Opens the registry, setting WAL and `synchronous=FULL` and (when writable)
 * migrating it to {@linkcode SCHEMA_VERSION}.
 * @throws {QuireError} `REGISTRY` when it cannot be opened or is from a newer Quire.
 */
export function openRegistry(path: string, options: OpenRegistryOptions = {}): DatabaseSync {
  const readOnly = options.readOnly ?? false;
  if (!options.create) {
    try {
      Deno.statSync(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw registryError(path, error);
      throw new QuireError("REGISTRY", `Cannot open registry '${path}': it does not exist`, {
        cause: error,
        hint:
          "The knowledge base was never initialized (or its registry was deleted); run `quire init`",
      });
    }
  }
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly, enableForeignKeyConstraints: true });
    db.exec("PRAGMA busy_timeout = 10000");
    if (!readOnly) {
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = FULL");
    }
  } catch (error) {
    throw registryError(path, error);
  }
  const version = Number(
    (db.prepare("PRAGMA user_version").get() as { user_version: number })
      .user_version,
  );
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new QuireError(
      "REGISTRY",
      `Cannot open registry '${path}': it has schema version ${version}, newer than this Quire (${SCHEMA_VERSION})`,
      { hint: "Upgrade Quire to read this knowledge base" },
    );
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
    migrate(db, version);
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

const statements = new WeakMap<DatabaseSync, Map<string, StatementSync>>();

/**
 * Returns the prepared statement for `sql` on `db`, compiling it the first
 * time only: compiling costs more than running most of our statements, and
 * a batch runs the same few thousands of times.
 */
export function statement(db: DatabaseSync, sql: string): StatementSync {
  let cache = statements.get(db);
  if (cache === undefined) statements.set(db, cache = new Map());
  let prepared = cache.get(sql);
  if (prepared === undefined) cache.set(sql, prepared = db.prepare(sql));
  return prepared;
}

/**
 * Runs a query and returns its rows as `T`. This is the one place that
 * trusts a query's column list to match the row type it is read as.
 */
export function rows<T>(db: DatabaseSync, sql: string, ...params: SqlValue[]): T[] {
  return statement(db, sql).all(...params) as unknown as T[];
}

/** Runs a query and returns its first row as `T`, or undefined when there is none. */
export function row<T>(db: DatabaseSync, sql: string, ...params: SqlValue[]): T | undefined {
  return statement(db, sql).get(...params) as unknown as T | undefined;
}
