/**
 * `commit/`: everything that changes a knowledge base. One serial
 * coordinator on the main thread is the only writer.
 *
 * ## Calling sequence
 *
 * A mutating command opens a change session ({@linkcode openChangeSession}):
 *
 * 1. `acquireExclusiveLock`: `flock` on `.quire/lock`, or fail fast (exit 3)
 *    unless `--wait` was given.
 * 2. `openRegistry` (migrating it if needed), `loadConfig`.
 * 3. `recoverKnowledgeBase`: `discardUncommitted` → `finishCommitted` →
 *    `rebuildSharedPages` → `removeOrphanedStaging`.
 *
 * It then builds {@linkcode MutationPlan}s (data: touched paths, staged
 * files, the registry change, the log entry, the shared pages to rebuild)
 * and hands each to {@linkcode Coordinator.apply}, which runs:
 *
 * 1. `writeJournal`: the `mutations` row, status `active`, with every touched
 *    path and the rollback location of those that exist. Durable.
 * 2. `takeSnapshot`: hard-link rollback copies of existing touched paths.
 * 3. `publishChanges`: rename staged files over official paths (or delete
 *    them), fsync the directories.
 * 4. `writeCommitMarker`: one SQLite transaction records the change and
 *    flips the journal row to `committed`. **This is the instant where the
 *    mutation commits.**
 * 5. `discardSnapshot` and `deleteJournal`: drop rollback copies, staging and
 *    the journal row.
 *
 * After the batch, `rebuildSharedPages` rebuilds the queued shared pages
 * once; then the session releases the lock.
 *
 * ## States
 *
 * `idle → journaled → snapshotted → published → committed → idle`, plus
 * `failed` (terminal for the process).
 *
 * | from | to | by |
 * | --- | --- | --- |
 * | idle | journaled | `writeJournal` |
 * | journaled | snapshotted | `takeSnapshot` |
 * | snapshotted | published | `publishChanges` |
 * | published | committed | `writeCommitMarker` |
 * | committed | idle | `discardSnapshot`, `deleteJournal` |
 * | journaled, snapshotted, published | idle | `restoreSnapshot` (rollback) |
 * | any | failed | a rollback that fails, or a marker whose outcome cannot be read |
 *
 * ## Error handling
 *
 * Any error before the marker rolls the mutation back (`restoreSnapshot`)
 * and is reported for that input; the batch goes on. If the rollback fails,
 * the journal row is kept, the coordinator enters `failed`
 * ({@linkcode CoordinatorPoisonedError} on every later call), and the batch
 * stops with exit 4. If the marker call throws but the registry shows it
 * committed, the mutation is kept. A crash anywhere is handled by the
 * recovery at the next lock.
 *
 * ## Invariants
 *
 * 1. Only two writers change `raw/` and `wiki/`, both under the lock: the
 *    coordinator (every mutation plan: per-document pages, `AGENTS.md`,
 *    explorations) and `rebuildSharedPages` (the derived shared pages, and
 *    the generated "Linked from" block of queued summary pages, rendered
 *    from the registry after commits and during recovery).
 * 2. A journal row must be durable before any official path changes.
 * 3. Published files and their directories must be fsynced before the marker.
 * 4. A document exists exactly when its registry row exists; the files of
 *    every row must be in place once its marker commits.
 * 5. Commit order is input order, whatever order workers finish in.
 * 6. No step of one commit may read or rewrite anything whose size grows with
 *    the number of documents; shared pages are rebuilt once per batch.
 * 7. Recovery must be idempotent: running it twice changes nothing the
 *    second time.
 * 8. Workers never touch official paths or the registry.
 *
 * Crash points for the tests are listed in `core/crash_point.ts`.
 *
 * ## Before any of this
 *
 * Taking the lock and opening the registry refuse a knowledge base whose own
 * tree holds a symbolic link (`core/own_tree.ts`) or whose registry is
 * damaged, or missing while documents exist (`core/open_kb_registry.ts`).
 * `repairRegistry` (`quire repair`) is the one mutation that runs without a
 * registry: it rebuilds one from the files on disk under the lock, with its
 * own steps and crash points (`repair_registry.ts`).
 *
 * @module
 */

export { addDocuments, type AddOptions, type AddResult } from "./add_documents.ts";
export {
  addFromBundles,
  type AddFromBundlesOptions,
  type AddFromBundlesResult,
} from "./add_from_bundles.ts";
export { type BatchEvent, type BatchResult, runBatch } from "./run_batch.ts";
export { type ChangeSession, openChangeSession } from "./change_session.ts";
export { Coordinator, type CoordinatorState } from "./coordinator.ts";
export { initKnowledgeBase, type InitResult } from "./init_knowledge_base.ts";
export type { BatchLlmStats, FallbackDocument } from "./llm_batch.ts";
export { acquireExclusiveLock, type ExclusiveLock } from "./lock.ts";
export type { MutationPlan, PathChange, RegistryChange } from "./mutation_plan.ts";
export { isCleanRecovery, recoverKnowledgeBase, type RecoveryReport } from "./recover.ts";
export { runRecovery } from "./run_recovery.ts";
export {
  type ExplorationInput,
  type SavedExploration,
  saveExploration,
} from "./save_exploration.ts";
export { type AddPlan, planAdd, type PlannedInput } from "./plan_add.ts";
export { recompileDocuments, type RecompileResult } from "./recompile_documents.ts";
export { removeDocuments, type RemoveResult } from "./remove_documents.ts";
export { repairRegistry, type RepairResult } from "./repair_registry.ts";
export { planSync, syncFolder, type SyncPlan, type SyncResult } from "./sync_folder.ts";
export { watchFolder } from "./watch_folder.ts";
