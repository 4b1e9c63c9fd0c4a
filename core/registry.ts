/**
 * The registry: `.quire/registry.db`, opened with `node:sqlite`. It is the
 * single source of truth for what the knowledge base contains: a document
 * exists exactly when its row in `documents` exists.
 *
 * Its tables, and the forward migrations that create them, are in
 * `migrations.ts`.
 *
 * The schema is versioned with `PRAGMA user_version`; `MIGRATIONS` holds
 * forward migrations, applied in order inside one transaction each.
 * The connection runs in WAL mode with `synchronous=FULL`, so a committed
 * transaction survives power loss and readers see a consistent snapshot
 * while a writer works.
 *
 * @module
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";
import { errorMessage, QuireError } from "./errors.ts";
import {
  inspectRegistryFile,
  registryDamaged,
  registryFailure,
  type RegistryFileState,
} from "./registry_file.ts";
import { MIGRATIONS } from "./migrations.ts";

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

/**
 * Runs `body`, which only reads, inside one read transaction (`BEGIN …
 * COMMIT`): its queries see one snapshot and share one set of locks, where
 * each statement on its own would take and release the WAL's read lock (two
 * `fcntl` calls and a look at the WAL index per statement). Inside a
 * transaction already, `body` just runs in it.
 */
export function inReadTransaction<T>(db: DatabaseSync, body: () => T): T {
  if (db.isTransaction) return body();
  db.exec("BEGIN");
  try {
    const result = body();
    // An error SQLite answers with a rollback (a full disk) may have ended it.
    if (db.isTransaction) db.exec("COMMIT");
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
