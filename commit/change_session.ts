/**
 * A change session: what every mutating command holds while it works. Opening
 * one takes the exclusive lock (refused when the knowledge base's own tree
 * holds a symbolic link), opens (and if needed migrates) the registry
 * (refused when it is damaged, or missing while documents exist: see
 * `core/open_kb_registry.ts`), loads the config and runs recovery, in that
 * order (then, once after the registry upgrade that added file sizes,
 * measures the files); disposing it closes the registry and releases the
 * lock.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { loadConfig, type QuireConfig } from "../core/config.ts";
import type { KbLayout } from "../core/layout.ts";
import { openKbRegistry } from "../core/open_kb_registry.ts";
import { Coordinator } from "./coordinator.ts";
import { acquireExclusiveLock, type ExclusiveLock } from "./lock.ts";
import { measureFiles } from "./measure_files.ts";
import { rebuildSharedPages } from "./rebuild_shared_pages.ts";
import { recoverKnowledgeBase, type RecoveryReport } from "./recover.ts";

/** An open change session. */
export interface ChangeSession extends AsyncDisposable {
  layout: KbLayout;
  db: DatabaseSync;
  config: QuireConfig;
  lock: ExclusiveLock;
  coordinator: Coordinator;
  /** What the recovery at lock acquisition did. */
  recovery: RecoveryReport;
  /** Rebuilds the shared pages queued so far; returns how many. */
  rebuild(): Promise<number>;
}

/** Options of {@linkcode openChangeSession}. */
export interface OpenChangeSessionOptions {
  /** Seconds to wait for a busy lock. @default 0 */
  waitSeconds?: number;
  /** Aborting stops waiting for the lock. */
  signal?: AbortSignal;
  /** Check the whole registry with `PRAGMA quick_check` first (`recover`). @default false */
  verify?: boolean;
}

/**
 * Opens a change session on an existing knowledge base.
 * @throws {IngestLockedError} when another process holds the lock.
 * @throws {QuireError} `SYMLINK`, `REGISTRY_DAMAGED`, `NO_SPACE` or `IO` when the knowledge base cannot be used.
 * @throws {RollbackFailedError} when recovery cannot roll back an interrupted change.
 */
export async function openChangeSession(
  layout: KbLayout,
  options: OpenChangeSessionOptions = {},
): Promise<ChangeSession> {
  const lock = await acquireExclusiveLock(layout, {
    waitSeconds: options.waitSeconds,
    signal: options.signal,
  });
  let db: DatabaseSync | undefined;
  try {
    db = openKbRegistry(layout, { create: true, verify: options.verify });
    const config = await loadConfig(layout.config);
    const rule = config.concepts;
    const recovery = await recoverKnowledgeBase(layout, db, { rule });
    await measureFiles(layout, db);
    const coordinator = new Coordinator(layout, db, lock);
    const open = db;
    return {
      layout,
      db,
      config,
      lock,
      coordinator,
      recovery,
      rebuild: () => rebuildSharedPages(layout, open, { rule }),
      async [Symbol.asyncDispose]() {
        try {
          open.close();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (error) {
    db?.close();
    await lock.release();
    throw error;
  }
}
