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
import { documentPages, type KbLayout } from "../core/layout.ts";
import { inTransaction, row, rows, statement } from "../core/registry.ts";

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
  // A document's own files are counted in its row; every other file in `files`.
  const owner = new Map<string, number>();
  for (
    const d of rows<{ id: number; name: string; ext: string }>(
      db,
      "SELECT id, name, ext FROM documents",
    )
  ) {
    const pages = documentPages(d.name, d.ext);
    for (const path of [pages.raw, pages.source, pages.summary]) owner.set(path, d.id);
  }
  const own = new Map<number, number>();
  inTransaction(db, () => {
    statement(db, "DELETE FROM files").run();
    const put = statement(db, "INSERT INTO files (path, bytes) VALUES (?, ?)");
    for (const [path, bytes] of files) {
      const id = owner.get(path);
      if (id === undefined) put.run(path, bytes);
      else own.set(id, (own.get(id) ?? 0) + bytes);
    }
    const set = statement(db, "UPDATE documents SET disk_bytes = ? WHERE id = ?");
    for (const [id, bytes] of own) set.run(bytes, id);
    // The triggers leave the counter alone while it is -1; set it from the rows.
    statement(
      db,
      `UPDATE counters SET value = (SELECT coalesce(sum(bytes), 0) FROM files) +
         (SELECT coalesce(sum(disk_bytes), 0) FROM documents) WHERE name = 'disk_bytes'`,
    ).run();
  });
  return true;
}
