import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { MIGRATIONS } from "../core/migrations.ts";
import { openRegistry, SCHEMA_VERSION } from "../core/registry.ts";
import type { QuireError } from "../core/errors.ts";
import { tempDir } from "./_helpers.ts";

Deno.test("openRegistry() migrates a new database to the current schema in WAL mode", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "registry.db");
  const db = openRegistry(path, { create: true });
  try {
    assert.equal(
      (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version,
      SCHEMA_VERSION,
    );
    assert.equal(
      (db.prepare("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode,
      "wal",
    );
    assert.equal(
      (db.prepare("PRAGMA synchronous").get() as { synchronous: number }).synchronous,
      2,
    );
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((row) => (row as { name: string }).name);
    for (
      const table of [
        "documents",
        "document_concepts",
        "mutations",
        "log",
        "pending_pages",
        "explorations",
        "search_index",
      ]
    ) {
      assert.ok(tables.includes(table), table);
    }
  } finally {
    db.close();
  }
});

Deno.test("openRegistry() refuses a registry from a newer Quire, and a read-only open of an old one", async () => {
  await using dir = await tempDir();
  const newer = join(dir.path, "newer.db");
  const raw = new DatabaseSync(newer);
  raw.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
  raw.close();
  assert.throws(() => openRegistry(newer), (e: QuireError) => {
    assert.equal(e.code, "REGISTRY");
    assert.match(e.message, /newer than this Quire/);
    return true;
  });
  const empty = join(dir.path, "empty.db");
  new DatabaseSync(empty).close();
  assert.throws(() => openRegistry(empty, { readOnly: true }), /it is empty/);
  const old = join(dir.path, "old.db");
  const v1 = new DatabaseSync(old);
  v1.exec(MIGRATIONS[0]);
  v1.exec("PRAGMA user_version = 1");
  v1.close();
  assert.throws(() => openRegistry(old, { readOnly: true }), /needs an upgrade/);
  assert.throws(
    () => openRegistry(join(dir.path, "missing.db")),
    /Cannot open registry .*missing\.db.: it does not exist/,
  );
});
