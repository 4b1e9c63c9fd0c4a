/**
 * Measuring the files of a knowledge base once, after the registry
 * migration that introduced the `files` table (schema 3): until then the
 * registry did not know the sizes of the files under `raw/` and `wiki/`, and
 * `status` walked the whole tree to add them up. This walk runs at most once
 * per knowledge base, at the first change session after the upgrade (the
 * `disk_bytes` counter is -1 until then); from then on the commit marker and
 * the shared-page rebuild keep `files` and the counter up to date.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import type { KbLayout } from "../core/layout.ts";
import { inTransaction, row, statement } from "../core/registry.ts";

async function walk(dir: string, prefix: string, out: [string, number][]): Promise<void> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  for (const entry of entries) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) await walk(path, `${prefix}${entry.name}/`, out);
    else if (entry.isFile) out.push([`${prefix}${entry.name}`, (await Deno.lstat(path)).size]);
  }
}

/**
 * Fills the `files` table from disk and sets the `disk_bytes` counter, when
 * the counter says the files were never measured; returns whether it did.
 * The caller holds the exclusive lock.
 */
export async function measureFiles(layout: KbLayout, db: DatabaseSync): Promise<boolean> {
  const counter = row<{ value: number }>(
    db,
    "SELECT value FROM counters WHERE name = 'disk_bytes'",
  );
  if (counter === undefined || counter.value >= 0) return false;
  const files: [string, number][] = [];
  await walk(layout.raw, "raw/", files);
  await walk(layout.wiki, "wiki/", files);
  inTransaction(db, () => {
    statement(db, "DELETE FROM files").run();
    const put = statement(db, "INSERT INTO files (path, bytes) VALUES (?, ?)");
    for (const [path, bytes] of files) put.run(path, bytes);
    // The triggers leave the counter alone while it is -1; set it from the rows.
    statement(
      db,
      "UPDATE counters SET value = (SELECT coalesce(sum(bytes), 0) FROM files) WHERE name = 'disk_bytes'",
    ).run();
  });
  return true;
}
