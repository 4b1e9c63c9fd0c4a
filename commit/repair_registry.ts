/**
 * `quire repair [--force]`: rebuilds a lost or damaged registry from the
 * files on disk (`read_documents_on_disk.ts`), then the shared pages.
 *
 * It is a mutation like any other: it runs under the exclusive lock, and its
 * steps are ordered so that a crash anywhere leaves the knowledge base
 * usable by running `quire repair` again, with nothing lost:
 *
 * 1. `buildRegistry`: a complete new registry is written in
 *    `.quire/staging/repair/` (every document, concept, full-text row and
 *    exploration, one `repair` log entry, and every shared page queued for
 *    rebuilding), closed and fsynced. Nothing official changed yet.
 * 2. `moveAside`: the old registry (and its `-wal` and `-shm` files) is
 *    renamed to `.quire/registry.db.damaged-<time>` (`-wal`, `-shm`): never
 *    deleted, so whatever it still holds can be read from it later.
 * 3. `putInPlace`: the new registry is renamed to `.quire/registry.db` and
 *    the folder is fsynced. **This is the instant the repair commits.**
 * 4. Recovery on the new registry rebuilds the queued shared pages (index,
 *    log, every concept page) and removes the staging.
 *
 * A crash in 1 leaves the old registry in place; in 2 or before 3, the
 * registry is missing (so every command refuses and names `repair`); after
 * 3, the next change or `quire recover` rebuilds the pages.
 *
 * A registry that opens and passes `PRAGMA quick_check` is not touched
 * unless `force` is given; then its own recovery runs first, so that the
 * files of an interrupted change are rolled back rather than restored.
 *
 * What a repair cannot restore (it was only in the registry): the log's
 * history (the old file kept aside still has it), the section trees
 * (`quire recompile` rebuilds them), journals of changes interrupted before
 * the damage (their files are taken as they are on disk).
 *
 * @module
 */

import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { timestamp } from "../core/clock.ts";
import { loadConfig } from "../core/config.ts";
import { crashPoint } from "../core/crash_point.ts";
import { ensureDirectory, exists, removeIfExists, syncDirectory } from "../core/durable_fs.ts";
import { QuireError } from "../core/errors.ts";
import { conceptPage, INDEX_PAGE, type KbLayout, LOG_PAGE } from "../core/layout.ts";
import { inTransaction, openRegistry, RegistryMissingError, row } from "../core/registry.ts";
import { checkRegistryIntegrity } from "../core/registry_file.ts";
import { acquireExclusiveLock } from "./lock.ts";
import { readDocumentsOnDisk, type SkippedFile } from "./read_documents_on_disk.ts";
import { recoverKnowledgeBase } from "./recover.ts";
import { applyRegistryChange } from "./write_commit_marker.ts";

/** What `repair` did (the `--json` shape). */
export interface RepairResult {
  /** False when the registry was whole and `force` was not given (nothing changed). */
  repaired: boolean;
  /** What was wrong with the registry ("it is missing", "it is truncated …", "whole"). */
  problem: string;
  /** Documents in the registry afterwards (or now, when nothing was repaired). */
  documents: number;
  /** Explorations restored. */
  explorations: number;
  /** Where the old registry files were moved (kb-relative). */
  keptAs: string[];
  /** Files that could not be restored, and why (they stay on disk). */
  skipped: SkippedFile[];
  /** Documents restored with something to do about them. */
  notes: { name: string; note: string }[];
  /** Shared pages rebuilt. */
  pagesRebuilt: number;
}

/** Options of {@linkcode repairRegistry}. */
export interface RepairOptions {
  /** Seconds to wait for a busy lock. @default 0 */
  waitSeconds?: number;
  /** Rebuild even a registry that is whole. @default false */
  force?: boolean;
}

type Diagnosis = { whole: true; documents: number } | { whole: false; problem: string };

/** Tells whether the registry is whole, and if not, what is wrong with it. */
function diagnose(path: string): Diagnosis {
  let db: DatabaseSync;
  try {
    db = openRegistry(path, { readOnly: true });
  } catch (error) {
    if (error instanceof RegistryMissingError) {
      return { whole: false, problem: error.state === "missing" ? "it is missing" : "it is empty" };
    }
    if (error instanceof QuireError && error.code === "REGISTRY_DAMAGED") {
      return { whole: false, problem: error.message.replace(/^Cannot read registry '.*?': /, "") };
    }
    // Another Quire version, a full disk, a permission: not for repair to fix.
    throw error;
  }
  try {
    checkRegistryIntegrity(db, path);
    const n = row<{ n: number }>(db, "SELECT count(*) AS n FROM documents")?.n ?? 0;
    return { whole: true, documents: Number(n) };
  } catch (error) {
    if (error instanceof QuireError && error.code === "REGISTRY_DAMAGED") {
      return { whole: false, problem: error.message.replace(/^Cannot read registry '.*?': /, "") };
    }
    throw error;
  } finally {
    db.close();
  }
}

/** Writes the complete new registry at `path`; returns the inventory counts. */
async function buildRegistry(layout: KbLayout, path: string, problem: string) {
  const inventory = await readDocumentsOnDisk(layout);
  const db = openRegistry(path, { create: true });
  try {
    const concepts = new Set<string>();
    for (const file of Deno.readDirSync(layout.resolve("wiki/concepts"))) {
      if (file.name.endsWith(".md")) concepts.add(file.name.slice(0, -3));
    }
    inTransaction(db, () => {
      for (const document of inventory.documents) {
        applyRegistryChange(db, {
          op: "put-document",
          document: document.row,
          replaces: null,
          concepts: document.concepts,
          searchText: document.searchText,
          links: document.links,
        });
        for (const concept of document.concepts) concepts.add(concept.slug);
      }
      for (const e of inventory.explorations) {
        applyRegistryChange(db, { op: "put-exploration", ...e });
      }
      db.prepare("INSERT INTO log (at, op, name, detail) VALUES (?, 'repair', '', ?)").run(
        timestamp(),
        `registry rebuilt from the files on disk (${problem}): ${inventory.documents.length} documents, ${inventory.explorations.length} explorations`,
      );
      const queue = db.prepare("INSERT OR IGNORE INTO pending_pages (path) VALUES (?)");
      for (const page of [INDEX_PAGE, LOG_PAGE, ...[...concepts].sort().map(conceptPage)]) {
        queue.run(page);
      }
    });
    // Fold the log into the file, so that the file alone is the registry.
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
  syncDirectory(join(path, ".."));
  return inventory;
}

/** Moves the old registry files aside under a new name; returns their kb-relative paths. */
function moveAside(layout: KbLayout): string[] {
  const stamp = timestamp().replace(/[-:]/g, "");
  let base = `${layout.registry}.damaged-${stamp}`;
  for (let n = 2; [base, `${base}-wal`, `${base}-shm`].some(exists); n++) {
    base = `${layout.registry}.damaged-${stamp}-${n}`;
  }
  const kept: string[] = [];
  for (const suffix of ["", "-wal", "-shm"]) {
    if (!exists(layout.registry + suffix)) continue;
    Deno.renameSync(layout.registry + suffix, base + suffix);
    kept.push(`.quire/${(base + suffix).slice(layout.quire.length + 1)}`);
  }
  syncDirectory(layout.quire);
  return kept;
}

/**
 * Rebuilds the registry from the files on disk when it is missing, empty or
 * damaged (or always, with `force`).
 * @throws {IngestLockedError} when another process holds the lock.
 * @throws {QuireError} `SYMLINK` for a link in the own tree; `REGISTRY` for a
 * registry of a newer Quire; `NO_SPACE` or `IO` when the disk fails.
 */
export async function repairRegistry(
  layout: KbLayout,
  options: RepairOptions = {},
): Promise<RepairResult> {
  await using lock = await acquireExclusiveLock(layout, { waitSeconds: options.waitSeconds });
  const diagnosis = diagnose(layout.registry);
  const result: RepairResult = {
    repaired: false,
    problem: diagnosis.whole ? "it is whole" : diagnosis.problem,
    documents: diagnosis.whole ? diagnosis.documents : 0,
    explorations: 0,
    keptAs: [],
    skipped: [],
    notes: [],
    pagesRebuilt: 0,
  };
  if (diagnosis.whole && !options.force) return result;
  const config = await loadConfig(layout.config);
  if (diagnosis.whole) {
    // A whole registry still knows its interrupted changes: finish or roll
    // them back first, so that half-published files are not taken as documents.
    const old = openRegistry(layout.registry);
    try {
      await recoverKnowledgeBase(layout, old, { rule: config.concepts });
    } finally {
      old.close();
    }
  }
  const staging = join(layout.staging, "repair");
  removeIfExists(staging);
  ensureDirectory(staging);
  ensureDirectory(layout.resolve("wiki/concepts"));
  const built = join(staging, "registry.db");
  const inventory = await buildRegistry(layout, built, result.problem);
  crashPoint("repair-built");

  result.keptAs = moveAside(layout);
  crashPoint("repair-aside");
  // This is the instant where the repair commits.
  Deno.renameSync(built, layout.registry);
  syncDirectory(layout.quire);
  crashPoint("repair-replaced");

  const db = openRegistry(layout.registry);
  try {
    const recovery = await recoverKnowledgeBase(layout, db, { rule: config.concepts });
    result.pagesRebuilt = recovery.pagesRebuilt;
  } finally {
    db.close();
  }
  await lock.release();
  return {
    ...result,
    repaired: true,
    documents: inventory.documents.length,
    explorations: inventory.explorations.length,
    skipped: inventory.skipped,
    notes: inventory.notes,
  };
}
