/**
 * Opening a knowledge base's registry the way every command does: its own
 * tree must hold no symbolic links (`own_tree.ts`), its registry file must
 * not be damaged (`registry_file.ts`), and a registry that is missing or
 * empty while `raw/` or `wiki/summaries/` hold documents is refused: were it
 * created afresh, every committed document would silently drop out of the
 * knowledge base. `quire repair` rebuilds it from those files instead.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { QuireError } from "./errors.ts";
import type { KbLayout } from "./layout.ts";
import { assertNoOwnSymlinks } from "./own_tree.ts";
import { openRegistry, RegistryMissingError } from "./registry.ts";
import { checkRegistryIntegrity, REPAIR_HINT } from "./registry_file.ts";

/** Options of {@linkcode openKbRegistry}. */
export interface OpenKbRegistryOptions {
  /** Open without write access (read-only commands). @default false */
  readOnly?: boolean;
  /** Create the registry when it is missing and the knowledge base holds no documents. @default false */
  create?: boolean;
  /** Also run `PRAGMA quick_check` (reads the whole file). @default false */
  verify?: boolean;
}

/** Counts the non-hidden entries of a folder (at most `limit`); 0 when it is missing. */
function countEntries(dir: string, limit: number, suffix = ""): number {
  let n = 0;
  try {
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.name.startsWith(".") || !entry.name.endsWith(suffix)) continue;
      if (++n >= limit) break;
    }
  } catch {
    return 0;
  }
  return n;
}

/**
 * Says what documents the knowledge base holds on disk ("raw/ holds 3 files
 * and wiki/summaries/ 3 pages"), or null when it holds none. With `limit` 1
 * it only tells whether there are any.
 */
export function documentsOnDisk(layout: KbLayout, limit = Infinity): string | null {
  const raw = countEntries(layout.raw, limit);
  const summaries = countEntries(layout.resolve("wiki/summaries"), limit, ".md");
  if (raw === 0 && summaries === 0) return null;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `raw/ holds ${plural(raw, "file")} and wiki/summaries/ ${plural(summaries, "page")}`;
}

/**
 * Opens the registry of a knowledge base after the checks above.
 * @throws {QuireError} `SYMLINK` for a link in the own tree; `REGISTRY_DAMAGED`
 * for a damaged registry, or a missing or empty one while documents exist;
 * `REGISTRY` for a missing one in a knowledge base without documents.
 */
export function openKbRegistry(
  layout: KbLayout,
  options: OpenKbRegistryOptions = {},
): DatabaseSync {
  assertNoOwnSymlinks(layout);
  const create = (options.create ?? false) && documentsOnDisk(layout, 1) === null;
  let db: DatabaseSync;
  try {
    db = openRegistry(layout.registry, { readOnly: options.readOnly, create });
  } catch (error) {
    if (!(error instanceof RegistryMissingError)) throw error;
    const held = documentsOnDisk(layout);
    if (held === null) throw error;
    throw new QuireError(
      "REGISTRY_DAMAGED",
      `Cannot open registry '${layout.registry}': it is ${
        error.state === "missing" ? "missing" : "empty"
      }, but the knowledge base holds documents (${held})`,
      { cause: error, hint: REPAIR_HINT },
    );
  }
  if (options.verify) {
    try {
      checkRegistryIntegrity(db, layout.registry);
    } catch (error) {
      db.close();
      throw error;
    }
  }
  return db;
}
