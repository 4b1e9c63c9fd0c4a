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
 * and hands them, a **group** at a time, to {@linkcode Coordinator.applyGroup}
 * (`apply` is a group of one). Prepare workers write the originals and
 * source pages; the batch runner writes the group's summary pages and fsyncs
 * every staged file of the group at once (`commit_group.ts`), so the
 * filesystem commits them together, and hands the coordinator a promise of
 * that per plan. The coordinator runs, for the whole group:
 *
 * 1. `writeJournal`: one transaction writes a `mutations` row per plan,
 *    status `active`, with every touched path and the rollback location of
 *    those that exist. Durable. (Its fsync overlaps the staged files'.)
 * 2. `takeSnapshot`: hard-link rollback copies of existing touched paths
 *    into the group's rollback directory, fsynced once. Then it waits until
 *    every staged file is durable; a plan whose files could not be made so
 *    is left out (rolled back alone).
 * 3. `publishChanges`: rename staged files over official paths (or delete
 *    them), then `syncPublished` fsyncs each touched directory, all at once.
 * 4. `writeCommitMarker`: one SQLite transaction records every plan's change
 *    and flips their journal rows to `committed`. **This is the instant where
 *    the group commits.**
 * 5. `discardSnapshot` and `deleteJournal`: drop rollback copies, staging and
 *    the journal rows.
 *
 * So the serial path does a constant number of fsyncs per group: the
 * journal's, the rollback directory's (only when something is replaced),
 * one per touched directory, and the marker's. How groups are formed (they
 * close when the next prepared document is not ready yet, or at a size
 * bound) is in `run_batch.ts`.
 *
 * After the batch, `rebuildSharedPages` rebuilds the queued shared pages
 * once; then the session releases the lock.
 *
 * ## States
 *
 * `idle → journaled → snapshotted → published → committed → idle`, plus
 * `failed` (terminal for the process). A state is the group's.
 *
 * | from | to | by |
 * | --- | --- | --- |
 * | idle | journaled | `writeJournal` |
 * | journaled | snapshotted | `takeSnapshot` (each plan), `syncSnapshots` |
 * | snapshotted | published | `publishChanges` (each plan), `syncPublished` |
 * | published | committed | `writeCommitMarker` |
 * | committed | idle | `discardSnapshot`, `deleteJournal` |
 * | journaled, snapshotted, published | idle | `restoreSnapshot` (rollback) |
 * | any | failed | a rollback that fails, or a marker whose outcome cannot be read |
 *
 * ## Crash semantics
 *
 * Groups commit in input order, each atomically: a crash before a group's
 * marker leaves its journal rows `active`, and recovery rolls every plan of
 * the group back; after the marker, recovery keeps all of them. So after any
 * crash and recovery, the knowledge base equals the result of committing
 * exactly the first k inputs, for some k, with nothing of a later input
 * visible (inputs that failed count as never given). With groups of one
 * (`QUIRE_GROUP=1`) this is the old "exactly before or after this document".
 *
 * ## Error handling
 *
 * A failure of one plan never rolls back the others of its group: **it is
 * excluded before the group's marker.** A plan whose snapshot or publish
 * fails is rolled back alone at once; a plan whose registry change fails in
 * the marker transaction (a constraint, a full disk while its full-text row
 * is written) makes the transaction roll back and be tried again without it,
 * and is rolled back after the marker. Either way it is reported failed for
 * that input, and the batch goes on. A failure that belongs to no single
 * plan (the journal transaction, a directory fsync, the marker's `COMMIT`)
 * rolls the whole group back and fails each of its inputs. If a rollback
 * fails, the journal rows are kept, the coordinator enters `failed`
 * ({@linkcode CoordinatorPoisonedError} on every later call), and the batch
 * stops with exit 4. If the marker call throws but the registry shows it
 * committed, the group is kept. A crash anywhere is handled by the recovery
 * at the next lock.
 *
 * ## Invariants
 *
 * 1. Only two writers change `raw/` and `wiki/`, both under the lock: the
 *    coordinator (every mutation plan: per-document pages, `AGENTS.md`,
 *    explorations) and `rebuildSharedPages` (the derived shared pages, and
 *    the generated "Linked from" block of queued summary pages, rendered
 *    from the registry after commits and during recovery).
 * 2. A group's journal rows must be durable before any official path changes.
 * 3. Published files (fsynced where they were written) and their directories
 *    must be fsynced before the marker.
 * 4. A document exists exactly when its registry row exists; the files of
 *    every row must be in place once its marker commits.
 * 5. Commit order is input order, whatever order workers finish in; the
 *    plans of one group touch disjoint paths, and no two documents of one
 *    group share a source or content (the second goes into the next group).
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
export type { BatchEvent, BatchResult } from "./batch_result.ts";
export { runBatch } from "./run_batch.ts";
export { type ChangeSession, openChangeSession } from "./change_session.ts";
export {
  Coordinator,
  type CoordinatorState,
  type FailedPlan,
  type GroupOutcome,
} from "./coordinator.ts";
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
