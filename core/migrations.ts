/**
 * The registry's schema, as forward migrations: index `i` upgrades a
 * database at `PRAGMA user_version` `i` to `i + 1` (see `registry.ts`).
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
 * @module
 */

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
  // 5: counters kept by triggers, so that `status` and the shared pages read
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
