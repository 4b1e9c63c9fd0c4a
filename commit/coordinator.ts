/**
 * The commit coordinator: the only writer of a knowledge base. It applies
 * {@linkcode MutationPlan}s in groups, under the exclusive lock, in the steps
 * described in `commit/mod.ts`: one journal transaction, one publish pass,
 * one fsync per touched directory and one commit-marker transaction for the
 * whole group. Each plan is still all-or-nothing, and a plan that fails is
 * rolled back alone while the rest of its group commits.
 *
 * @module
 */

import {
  CoordinatorPoisonedError,
  errorMessage,
  QuireError,
  RollbackFailedError,
} from "../core/errors.ts";
import type { DatabaseSync } from "node:sqlite";
import { timestamp } from "../core/clock.ts";
import { crashPoint } from "../core/crash_point.ts";
import type { KbLayout } from "../core/layout.ts";
import { exists } from "../core/durable_fs.ts";
import { deleteJournal, type JournalEntry, journalStatus, writeJournal } from "./journal.ts";
import type { ExclusiveLock } from "./lock.ts";
import type { MutationPlan } from "./mutation_plan.ts";
import { publishChanges, syncPublished } from "./publish.ts";
import { discardSnapshot, restoreSnapshot, syncSnapshots, takeSnapshot } from "./snapshot.ts";
import { type MarkerItem, writeCommitMarker } from "./write_commit_marker.ts";

/** The coordinator's states; see the transition table in `commit/mod.ts`. */
export type CoordinatorState =
  | "idle"
  | "journaled"
  | "snapshotted"
  | "published"
  | "committed"
  | "failed";

/** A plan of a group that did not commit, and why. It was rolled back. */
export interface FailedPlan {
  plan: MutationPlan;
  error: unknown;
}

/** What became of a group. */
export interface GroupOutcome {
  /** The plans that committed, in group order. */
  committed: MutationPlan[];
  /** The plans that failed and were rolled back, in group order. */
  failed: FailedPlan[];
  /**
   * Set when a plan left out of the commit marker could not be rolled back
   * afterwards: the coordinator is poisoned and the batch must stop (the
   * plans in `committed` did commit).
   */
  rollbackFailed: RollbackFailedError | null;
}

/** Applies mutation plans to one knowledge base, serially, a group at a time. */
export class Coordinator {
  #layout: KbLayout;
  #db: DatabaseSync;
  #lock: ExclusiveLock;
  #state: CoordinatorState = "idle";
  #poison: Error | undefined;

  constructor(layout: KbLayout, db: DatabaseSync, lock: ExclusiveLock) {
    this.#layout = layout;
    this.#db = db;
    this.#lock = lock;
  }

  /** The current state (`idle` between groups, `failed` once poisoned). */
  get state(): CoordinatorState {
    return this.#state;
  }

  /**
   * Applies one mutation: all of it, or (on any error before the commit
   * marker) none of it, in which case the error is thrown.
   * @throws {QuireError} `NOT_LOCKED` when the lock is not held.
   * @throws {CoordinatorPoisonedError} after an earlier failure of unknown outcome.
   * @throws {RollbackFailedError} when the mutation failed and so did its rollback.
   */
  async apply(plan: MutationPlan): Promise<void> {
    const outcome = await this.applyGroup([plan]);
    if (outcome.rollbackFailed !== null) throw outcome.rollbackFailed;
    if (outcome.failed.length > 0) throw outcome.failed[0].error;
  }

  /**
   * Applies a group of mutations whose paths do not overlap, with one commit
   * marker. `staged[i]`, when given, settles once the staged files of
   * `plans[i]` are durable: it is awaited after the journal is written (so
   * the journal's fsync and the staged files' overlap), and a plan whose
   * promise rejects is left out. The caller must not start another group, or
   * touch the registry, before this settles: the awaits only let the prepare
   * workers be fed meanwhile.
   * @throws {QuireError} `NOT_LOCKED` when the lock is not held.
   * @throws {CoordinatorPoisonedError} after an earlier failure of unknown outcome.
   * @throws {RollbackFailedError} when a rollback failed before the marker
   *   (nothing committed); the journal rows are kept for recovery.
   */
  async applyGroup(
    plans: MutationPlan[],
    staged: Promise<unknown>[] = [],
  ): Promise<GroupOutcome> {
    // Settled whatever happens, so that no rejection goes unhandled.
    const durable = Promise.allSettled(staged);
    this.#assertUsable();
    const outcome: GroupOutcome = { committed: [], failed: [], rollbackFailed: null };
    if (plans.length === 0) return outcome;
    const layout = this.#layout;
    let entries: JournalEntry[];
    try {
      entries = writeJournal(this.#db, plans, {
        exists: (path) => exists(layout.resolve(path)),
        createdAt: timestamp(),
      });
    } catch (error) {
      // No row was written, so nothing needs undoing.
      await durable;
      outcome.failed = plans.map((plan) => ({ plan, error }));
      return outcome;
    }
    this.#state = "journaled";
    crashPoint("journal-written");
    const all: MarkerItem[] = entries.map((entry, k) => ({ entry, plan: plans[k] }));
    let items = all;
    const failed = new Map<MarkerItem, unknown>();
    const leaveOut = (item: MarkerItem, error: unknown) => {
      this.#rollBack([item], error);
      failed.set(item, error);
    };
    try {
      let snapshots = false;
      for (const item of items) {
        try {
          snapshots = takeSnapshot(layout, item.entry) || snapshots;
        } catch (error) {
          leaveOut(item, error);
        }
      }
      items = items.filter((item) => !failed.has(item));
      if (snapshots) syncSnapshots(layout, entries[0]);
      this.#state = "snapshotted";
      crashPoint("snapshot-taken");

      for (const [k, result] of (await durable).entries()) {
        if (result.status === "rejected" && !failed.has(all[k])) leaveOut(all[k], result.reason);
      }
      items = items.filter((item) => !failed.has(item));
      const parents = new Set<string>();
      for (const item of items) {
        try {
          item.files = publishChanges(layout, item.entry, parents);
        } catch (error) {
          leaveOut(item, error);
        }
      }
      items = items.filter((item) => !failed.has(item));
      await syncPublished(parents);
      this.#state = "published";
      crashPoint("published");

      // This is the instant where the group commits.
      const rejected = writeCommitMarker(this.#db, items, { at: timestamp() });
      this.#state = "committed";
      for (const { item, error } of rejected) failed.set(item, error);
      items = items.filter((item) => !failed.has(item));
    } catch (error) {
      if (error instanceof RollbackFailedError) throw error;
      if (!this.#committedAfterAll(items, error)) {
        this.#rollBack(items, error);
        for (const item of items) failed.set(item, error);
        items = [];
      }
    }
    outcome.committed = items.map((item) => item.plan);
    if (items.length > 0) {
      crashPoint("committed");
      this.#cleanUp(items.map((item) => item.entry));
    }
    // Plans left out of the marker are still journaled as active: undo them now.
    for (const [item, error] of failed) {
      if (!this.#poisoned() && journalStatus(this.#db, item.entry.id) === "active") {
        try {
          this.#rollBack([item], error);
        } catch (rollbackError) {
          if (!(rollbackError instanceof RollbackFailedError)) throw rollbackError;
          outcome.rollbackFailed = rollbackError;
        }
      }
    }
    outcome.failed = all.filter((item) => failed.has(item))
      .map((item) => ({ plan: item.plan, error: failed.get(item) }));
    if (!this.#poisoned()) this.#state = "idle";
    return outcome;
  }

  #assertUsable(): void {
    if (this.#state === "failed") {
      throw new CoordinatorPoisonedError(
        `Cannot change knowledge base '${this.#layout.root}': an earlier change failed in a way that needs recovery`,
        { cause: this.#poison, hint: "Run `quire recover`" },
      );
    }
    if (!this.#lock.held) {
      throw new QuireError(
        "NOT_LOCKED",
        `Cannot change knowledge base '${this.#layout.root}': the exclusive lock is not held`,
      );
    }
  }

  /**
   * True when the marker committed although its call reported an error.
   * Poisons the coordinator when the registry cannot tell.
   */
  #committedAfterAll(items: MarkerItem[], cause: unknown): boolean {
    if (items.length === 0) return false;
    try {
      return journalStatus(this.#db, items[0].entry.id) === "committed";
    } catch (error) {
      this.#poisonWith(error);
      throw new RollbackFailedError(
        `Cannot roll back '${items[0].plan.target}' after '${
          errorMessage(cause)
        }': the registry cannot tell whether it committed`,
        { cause: error, hint: "Run `quire recover`" },
      );
    }
  }

  /**
   * Undoes mutations that did not commit (in reverse order) and deletes
   * their journal rows. Poisons the coordinator when that is impossible; the
   * rows are then kept for recovery.
   */
  #rollBack(items: MarkerItem[], cause: unknown): void {
    let current: MarkerItem | undefined;
    try {
      for (const item of items.toReversed()) {
        current = item;
        restoreSnapshot(this.#layout, item.entry);
      }
      deleteJournal(this.#db, items.map((item) => item.entry.id));
    } catch (error) {
      this.#poisonWith(error);
      const target = (current ?? items[0]).plan.target;
      throw new RollbackFailedError(
        `Cannot roll back '${target}' after '${errorMessage(cause)}': ${errorMessage(error)}`,
        { cause: error, hint: "Its journal is kept; run `quire recover` once the cause is fixed" },
      );
    }
  }

  /** Drops rollback copies and staging of committed mutations, then their journal rows. */
  #cleanUp(entries: JournalEntry[]): void {
    try {
      for (const entry of entries) discardSnapshot(this.#layout, entry);
      crashPoint("cleaned");
      deleteJournal(this.#db, entries.map((entry) => entry.id));
    } catch {
      // The change is committed; what is left is garbage that the next
      // recovery removes (the journal rows still say `committed`).
    }
  }

  #poisoned(): boolean {
    return this.#state === "failed";
  }

  #poisonWith(error: unknown): void {
    this.#state = "failed";
    this.#poison = error instanceof Error ? error : new Error(String(error));
  }
}
