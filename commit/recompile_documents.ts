/**
 * `quire recompile [NAME…]`: rebuilds documents' pages from their stored
 * originals (`raw/`), after a compiler or config change. Each document is
 * prepared again in the workers (with the same `--jobs`) from its raw file,
 * keeping its name and source, and committed through the coordinator as an
 * update, even when its bytes are unchanged. With no names, every document
 * is recompiled; the pool's bounded buffer keeps memory flat however many
 * there are.
 *
 * @module
 */

import type { KbLayout } from "../core/layout.ts";
import { listDocuments, type StoredDocument } from "../core/queries.ts";
import type { DiscoveredInput } from "../prepare/mod.ts";
import { openChangeSession } from "./change_session.ts";
import type { RecoveryReport } from "./recover.ts";
import { resolveDocument } from "./remove_documents.ts";
import { type BatchOptions, type BatchResult, rebuildAfterBatch, runBatch } from "./run_batch.ts";

/** What `recompile` did (the `--json` shape). */
export interface RecompileResult extends BatchResult {
  recovery: RecoveryReport;
}

/** Options of {@linkcode recompileDocuments}. */
export interface RecompileOptions extends Omit<BatchOptions, "force"> {
  /** Seconds to wait for a busy lock. @default 0 */
  waitSeconds?: number;
}

/**
 * The stored original of a document, to prepare again. An original that is
 * a symbolic link is refused for that document: its bytes would come from
 * outside the knowledge base.
 */
function storedInput(layout: KbLayout, document: StoredDocument): DiscoveredInput {
  const raw = `raw/${document.name}.${document.ext}`;
  let link: string | null = null;
  try {
    if (Deno.lstatSync(layout.resolve(raw)).isSymlink) {
      link = Deno.readLinkSync(layout.resolve(raw));
    }
  } catch {
    // Missing or unreadable: the worker reports it.
  }
  if (link !== null) {
    return {
      kind: "error",
      source: document.source,
      error: {
        code: "UNREADABLE",
        message:
          `Cannot recompile '${document.name}': its original '${raw}' is a symbolic link to '${link}'; Quire reads only the file itself (put it back in '${raw}', or add the document again)`,
        path: document.source,
      },
    };
  }
  return {
    kind: "input",
    source: document.source,
    input: {
      kind: "stored",
      path: layout.resolve(raw),
      source: document.source,
      origin: document.origin,
      type: document.type,
      nameHint: document.name,
    },
  };
}

/**
 * Recompiles the named documents (all when `names` is empty).
 * @throws {IngestLockedError} when another process holds the lock.
 */
export async function recompileDocuments(
  layout: KbLayout,
  names: string[],
  options: RecompileOptions = {},
): Promise<RecompileResult> {
  await using session = await openChangeSession(layout, { waitSeconds: options.waitSeconds });
  const items: DiscoveredInput[] = [];
  if (names.length === 0) {
    for (const document of listDocuments(session.db)) items.push(storedInput(layout, document));
  } else {
    for (const name of names) {
      const document = resolveDocument(session.db, name, "recompile");
      items.push(
        "error" in document
          ? {
            kind: "error",
            source: name,
            error: { code: "MISSING", message: document.error, path: name },
          }
          : storedInput(layout, document),
      );
    }
  }
  const result = await runBatch(session, items, { ...options, force: true });
  await rebuildAfterBatch(session, result);
  return { ...result, recovery: session.recovery };
}
