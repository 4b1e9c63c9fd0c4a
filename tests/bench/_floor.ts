/**
 * The floor of a durable per-document commit (issue 15): for each file of a
 * folder, in order, exactly the steps that make one document durable, and
 * nothing else (no conversion, no summary, no concepts, no full-text index):
 *
 * 1. read the file, SHA-256 its bytes;
 * 2. write the bytes to a staging file and fsync it;
 * 3. rename it into the target folder, fsync that folder;
 * 4. one SQLite transaction (WAL, `synchronous=FULL`) inserting its row.
 *
 * Run as its own process (`deno run -A tests/bench/_floor.ts IN OUT`), so
 * that it is timed like `quire add`: startup included. It prints
 * `{"documents": n, "ms": batch milliseconds}`.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { createHash } from "node:crypto";
import { join } from "node:path";

/** Commits every file of `input` into `output`, one durable commit per file. */
export function floorCommit(input: string, output: string): { documents: number; ms: number } {
  const started = performance.now();
  const files = [...Deno.readDirSync(input)].filter((e) => e.isFile).map((e) => e.name).sort();
  const staging = join(output, "staging");
  const target = join(output, "files");
  Deno.mkdirSync(staging, { recursive: true });
  Deno.mkdirSync(target, { recursive: true });
  const db = new DatabaseSync(join(output, "floor.db"));
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("CREATE TABLE documents (name TEXT PRIMARY KEY, hash TEXT NOT NULL, bytes INTEGER)");
  const insert = db.prepare("INSERT INTO documents (name, hash, bytes) VALUES (?, ?, ?)");
  for (const name of files) {
    const bytes = Deno.readFileSync(join(input, name));
    const hash = createHash("sha256").update(bytes).digest("hex");
    const staged = join(staging, name);
    {
      using file = Deno.openSync(staged, { write: true, create: true, truncate: true });
      for (let written = 0; written < bytes.length;) {
        written += file.writeSync(bytes.subarray(written));
      }
      file.syncSync();
    }
    Deno.renameSync(staged, join(target, name));
    {
      using dir = Deno.openSync(target, { read: true });
      dir.syncSync();
    }
    db.exec("BEGIN IMMEDIATE");
    insert.run(name, hash, bytes.length);
    db.exec("COMMIT");
  }
  db.close();
  return { documents: files.length, ms: performance.now() - started };
}

if (import.meta.main) {
  const [input, output] = Deno.args;
  console.log(JSON.stringify(floorCommit(input, output)));
}
