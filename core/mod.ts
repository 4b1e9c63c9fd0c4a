/**
 * `core/`: the types, layout, config, naming, hashing, registry schema and
 * read queries, markdown helpers, errors and the worker protocol that every
 * layer shares. It imports nothing of ours.
 *
 * ## Glossary
 *
 * **Knowledge base.** A folder with `raw/`, `wiki/` and `.quire/`; see
 * `layout.ts` for the tree.
 *
 * **Registry.** `.quire/registry.db`, the SQLite database that is the single
 * source of truth: a document exists exactly when its row exists. It also
 * keeps what every shared page is rebuilt from (concepts and notes, the log,
 * the full-text index) and the journal.
 *
 * **Staging artifact.** What a prepare worker produces for one input: files
 * in `.quire/staging/prepare/` named after the input's staging name (the
 * original bytes, the finished source page, and an empty file for the
 * summary; see {@linkcode stagedFiles}), plus a {@linkcode StagedDocument}
 * manifest (plain data) describing them. It is self-contained and disposable.
 *
 * **Group.** The documents the coordinator commits together: one journal
 * transaction, one publish pass, one fsync per touched directory, one commit
 * marker. Each document stays all-or-nothing; a group commits whole or not
 * at all, except that a document failing in it is left out.
 *
 * **Prepared entry.** A prepared document as a self-contained directory:
 * its staged files, the `StagedDocument` (without its batch position) as
 * JSON, and a manifest with Quire's version, the compiler's identity, the
 * content hash and a checksum of every file. The prepared-results cache
 * (`.quire/cache/`) stores model answers in it; prepared bundles reuse it.
 * See `prepare/prepared_entry.ts`.
 *
 * **Journal.** The `mutations` row written (and made durable) before a
 * mutation changes any official path: the paths it touches and where their
 * rollback copies go.
 *
 * **Snapshot.** The rollback copies of the official paths a mutation will
 * replace or delete (hard links under `.quire/staging/rollback/`). Only
 * touched paths are copied; shared pages never are.
 *
 * **Publish.** Renaming staged files over their official paths in `raw/` and
 * `wiki/`, then fsyncing the directories (once per group).
 *
 * **Commit marker.** The one SQLite transaction that records a published
 * group in the registry and flips its journal rows to `committed`. It is
 * the instant a group commits: before it, recovery rolls back; after it,
 * recovery keeps.
 *
 * **Shared pages.** `index.md`, `index/*.md`, `log.md` and `concepts/*.md`:
 * pure functions of the registry, rebuilt once per batch from a queue, never
 * snapshotted.
 *
 * **Link graph.** The registry's `wiki_links` table: the wikilinks of each
 * document's pages and of each saved exploration, written by the commit
 * marker; a page's backlinks are read from it (`wiki_links.ts`).
 *
 * **Recovery.** What runs at every exclusive lock acquisition: roll back
 * uncommitted mutations, finish committed ones, rebuild queued pages, remove
 * orphaned staging.
 *
 * @module
 */

export * from "./clock.ts";
export * from "./config.ts";
export * from "./crash_point.ts";
export * from "./durable_fs.ts";
export * from "./errors.ts";
export * from "./find_kb.ts";
export * from "./fts_expression.ts";
export * from "./hash.ts";
export * from "./layout.ts";
export * from "./lint_knowledge_base.ts";
export * from "./lint_symlinks.ts";
export * from "./locate_match.ts";
export * from "./llm_usage.ts";
export * from "./lock_owner.ts";
export * from "./markdown.ts";
export * from "./naming.ts";
export * from "./open_kb_registry.ts";
export * from "./own_tree.ts";
export * from "./page_links.ts";
export * from "./protocol.ts";
export * from "./queries.ts";
export * from "./read_status.ts";
export * from "./migrations.ts";
export * from "./registry.ts";
export * from "./resolve_wiki_page.ts";
export * from "./registry_file.ts";
export * from "./scan_page.ts";
export * from "./search_documents.ts";
export * from "./types.ts";
export * from "./wiki_links.ts";
export * from "./version.ts";
