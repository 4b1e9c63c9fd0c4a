/**
 * The commit coordinator: the only writer of a knowledge base. It applies
 * {@linkcode MutationPlan}s one at a time, under the exclusive lock, in the
 * steps described in `commit/mod.ts`.
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
import { publishChanges } from "./publish.ts";
import { discardSnapshot, restoreSnapshot, takeSnapshot } from "./snapshot.ts";
import { writeCommitMarker } from "./write_commit_marker.ts";

/** The coordinator's states; see the transition table in `commit/mod.ts`. */
export type CoordinatorState =
  | "idle"
  | "journaled"
  | "snapshotted"
  | "published"
  | "committed"
  | "failed";

/** Applies mutation plans to one knowledge base, serially. */
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

  /** The current state (`idle` between mutations, `failed` once poisoned). */
  get state(): CoordinatorState {
    return this.#state;
  }

  /**
   * Applies one mutation: all of it, or (on any error before the commit
   * marker) none of it. Synchronous: nothing else runs on the main thread
   * while a mutation is between its journal and its cleanup.
   * @throws {QuireError} `NOT_LOCKED` when the lock is not held.
   * @throws {CoordinatorPoisonedError} after an earlier failure of unknown outcome.
   * @throws {RollbackFailedError} when the mutation failed and so did its rollback.
   */
  apply(plan: MutationPlan): void {
    this.#assertUsable();
    const layout = this.#layout;
    let entry: JournalEntry | undefined;
    try {
      entry = writeJournal(this.#db, plan, {
        exists: (path) => exists(layout.resolve(path)),
        createdAt: timestamp(),
      });
      this.#state = "journaled";
      crashPoint("journal-written");

      takeSnapshot(layout, entry);
      this.#state = "snapshotted";
      crashPoint("snapshot-taken");

      publishChanges(layout, entry);
      this.#state = "published";
      crashPoint("published");

      // This is the instant where the mutation commits.
      writeCommitMarker(this.#db, entry, plan, { at: timestamp() });
      this.#state = "committed";
    } catch (error) {
      if (this.#rollBack(entry, plan, error)) return;
      throw error;
    }
    crashPoint("committed");
    this.#cleanUp(entry);
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
   * Undoes a failed mutation and returns false; returns true if the commit
   * marker turns out to have committed after all. Poisons the coordinator
   * when the rollback is impossible.
   */
  #rollBack(entry: JournalEntry | undefined, plan: MutationPlan, cause: unknown): boolean {
    if (entry === undefined) {
      this.#state = "idle";
      return false;
    }
    let status: JournalEntry["status"] | undefined;
    try {
      status = journalStatus(this.#db, entry.id);
    } catch (error) {
      this.#poisonWith(error);
      throw new RollbackFailedError(
        `Cannot roll back '${plan.target}': the registry cannot tell whether it committed`,
        { cause: error, hint: "Run `quire recover`" },
      );
    }
    if (status === "committed") {
      // The marker committed although its call reported an error: keep it.
      this.#state = "committed";
      this.#cleanUp(entry);
      return true;
    }
    try {
      restoreSnapshot(this.#layout, entry);
      deleteJournal(this.#db, entry.id);
      this.#state = "idle";
      return false;
    } catch (error) {
      this.#poisonWith(error);
      throw new RollbackFailedError(
        `Cannot roll back '${plan.target}' after '${errorMessage(cause)}': ${errorMessage(error)}`,
        { cause: error, hint: "Its journal is kept; run `quire recover` once the cause is fixed" },
      );
    }
  }

  /** Drops rollback copies and staging of a committed mutation, then its journal row. */
  #cleanUp(entry: JournalEntry): void {
    try {
      discardSnapshot(this.#layout, entry);
      crashPoint("cleaned");
      deleteJournal(this.#db, entry.id);
      this.#state = "idle";
    } catch {
      // The change is committed; what is left is garbage that the next
      // recovery removes (the journal row still says `committed`).
      this.#state = "idle";
    }
  }

  #poisonWith(error: unknown): void {
    this.#state = "failed";
    this.#poison = error instanceof Error ? error : new Error(String(error));
  }
}
