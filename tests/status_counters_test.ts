/**
 * `status` reads totals that the registry keeps (schema 3: the `counters`
 * table, kept by triggers, and `files`, kept by the commit marker and the
 * shared-page rebuild) instead of counting rows and walking the tree. These
 * tests check the totals against a full count after adds, updates and
 * removes, and that a knowledge base from before the counters gets exact
 * ones when it is migrated.
 */

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { MIGRATIONS } from "../core/migrations.ts";
import { runQuire, runQuireJson, tempDir, writeFiles } from "./_helpers.ts";

interface StatusJson {
  documents: number;
  concepts: number;
  documentBytes: number;
  diskBytes: number;
}

/** The totals counted the slow way: registry scans and a walk of raw/ and wiki/. */
function fullCount(kb: string): StatusJson {
  const db = new DatabaseSync(join(kb, ".quire", "registry.db"), { readOnly: true });
  const one = (sql: string) => Number((db.prepare(sql).get() as { n: number | null }).n ?? 0);
  try {
    let diskBytes = 0;
    const walk = (dir: string) => {
      for (const entry of Deno.readDirSync(dir)) {
        const path = join(dir, entry.name);
        if (entry.isDirectory) walk(path);
        else diskBytes += Deno.lstatSync(path).size;
      }
    };
    walk(join(kb, "raw"));
    walk(join(kb, "wiki"));
    return {
      documents: one("SELECT count(*) AS n FROM documents"),
      concepts: one("SELECT count(DISTINCT slug) AS n FROM document_concepts"),
      documentBytes: one("SELECT sum(bytes) AS n FROM documents"),
      diskBytes,
    };
  } finally {
    db.close();
  }
}

async function statusOf(kb: string): Promise<StatusJson> {
  const { json } = await runQuireJson<StatusJson>(["--kb", kb, "status"]);
  return {
    documents: json.documents,
    concepts: json.concepts,
    documentBytes: json.documentBytes,
    diskBytes: json.diskBytes,
  };
}

async function notes(dir: string): Promise<string> {
  const files: Record<string, string> = {};
  const topics = ["tidal energy", "harbour cranes", "cargo vessels", "pilot boats"];
  for (let i = 0; i < 8; i++) {
    const topic = topics[i % 4];
    files[`in/n${i}.md`] = `# ${topic} ${i}\n\nNotes on ${topic} and ${
      topics[(i + 1) % 4]
    }. More on ${topic}, number ${i}.\n`;
  }
  await writeFiles(dir, files);
  return join(dir, "in");
}

Deno.test("status reports the registry's counters, equal to a full count after add, update and remove", async () => {
  await using dir = await tempDir();
  const folder = await notes(dir.path);
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["--kb", kb, "add", folder])).code, 0);
  assert.deepEqual(await statusOf(kb), fullCount(kb));

  await Deno.writeTextFile(join(folder, "n3.md"), "# Changed\n\nA longer text about cargo.\n");
  await Deno.writeTextFile(join(folder, "n9.md"), "# New\n\nA note about tidal energy.\n");
  assert.equal((await runQuire(["--kb", kb, "sync", folder])).code, 0);
  assert.deepEqual(await statusOf(kb), fullCount(kb));

  assert.equal((await runQuire(["--kb", kb, "remove", "n1", "n2"])).code, 0);
  const after = await statusOf(kb);
  assert.deepEqual(after, fullCount(kb));
  assert.equal(after.documents, 7);
});

Deno.test("a knowledge base from before the counters gets exact ones when it is migrated", async () => {
  await using dir = await tempDir();
  const folder = await notes(dir.path);
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["--kb", kb, "add", folder])).code, 0);
  const expected = fullCount(kb);

  // Rebuild the registry as schema 2 held it: the same rows, no counters.
  const path = join(kb, ".quire", "registry.db");
  const old = join(dir.path, "old.db");
  const db = new DatabaseSync(old);
  for (const migration of MIGRATIONS.slice(0, 2)) db.exec(migration);
  db.exec(`ATTACH DATABASE '${path}' AS current`);
  db.exec(`INSERT INTO documents (id, name, type, origin, ext, source, hash, bytes, title,
      description, compiler, sections, added_at, updated_at)
    SELECT id, name, type, origin, ext, source, hash, bytes, title, description, compiler,
      sections, added_at, updated_at FROM current.documents`);
  db.exec(`INSERT INTO document_concepts SELECT document_id, slug, label, note, score, prominent
    FROM current.document_concepts`);
  db.exec(
    "INSERT INTO search_index (rowid, title, body) SELECT rowid, title, body FROM current.search_index",
  );
  db.exec("INSERT INTO log SELECT * FROM current.log");
  db.exec("DETACH DATABASE current");
  db.exec("PRAGMA user_version = 2");
  db.close();
  for (const suffix of ["", "-wal", "-shm"]) await Deno.remove(path + suffix).catch(() => {});
  await Deno.rename(old, path);

  // Read-only commands ask for the upgrade; the next change session does it.
  const refused = await runQuire(["--kb", kb, "status"]);
  assert.notEqual(refused.code, 0, refused.stderr);
  assert.match(refused.stderr, /needs an upgrade/);
  assert.equal((await runQuire(["--kb", kb, "recover"])).code, 0);
  assert.deepEqual(await statusOf(kb), expected);
});
