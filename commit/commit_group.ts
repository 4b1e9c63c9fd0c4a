/**
 * Committing a group of prepared documents (in input order) with one
 * {@linkcode Coordinator.applyGroup}:
 *
 * 1. plan each document (dedup, name, summary page, touched paths); names
 *    chosen earlier in the group count as taken;
 * 2. write every summary page, and fsync every staged file of the group
 *    (originals, source and summary pages) at once: the fsyncs are issued
 *    together, so the filesystem commits them together, and meanwhile the
 *    event loop keeps feeding the prepare workers;
 * 3. meanwhile, apply the plans as one group: one journal transaction (its
 *    fsync overlaps the staged files'), then, once the staged files are
 *    durable, one publish pass, one fsync per touched directory (at once),
 *    one commit marker.
 *
 * A document that fails at any step fails alone; the others commit. The
 * caller keeps two documents with the same source or the same content out
 * of one group, so that each is decided against the registry as it will be
 * when the group commits, exactly as if documents were committed one by one.
 *
 * @module
 */

import { syncFiles, writeFiles } from "../core/durable_fs.ts";
import { inReadTransaction } from "../core/registry.ts";
import { type ErrorPayload, failurePayload } from "../core/errors.ts";
import { type StagedDocument, stagedFiles } from "../core/types.ts";
import type { ChangeSession } from "./change_session.ts";
import {
  type DocumentOutcome,
  type PlannedDocument,
  planStagedDocument,
  removeStagedFiles,
} from "./commit_document.ts";
import type { MutationPlan } from "./mutation_plan.ts";

/** What happened to one document of a group. */
export type GroupMemberResult =
  | DocumentOutcome
  | { kind: "failed"; source: string; error: ErrorPayload };

/** What happened to a group. */
export interface CommitGroupResult {
  /** One result per document, in the order given. */
  results: GroupMemberResult[];
  /** The message of a failed rollback that must stop the batch, or null. */
  rollbackFailed: string | null;
}

/** Options of {@linkcode commitGroup}. */
export interface CommitGroupOptions {
  /** Replace documents even when their content is unchanged (recompile). @default false */
  force?: boolean;
  /** Sources of the batch not committed yet, for links between them (resolve_links.ts). */
  pending?: ReadonlySet<string>;
}

function failed(staged: StagedDocument, error: unknown): GroupMemberResult {
  const source = staged.source;
  return {
    kind: "failed",
    source,
    error: failurePayload(error, source, { verb: "add", fallback: "PUBLISH" }),
  };
}

/**
 * Plans and commits `documents` as one group; see the module comment.
 * @throws {RollbackFailedError} when a rollback failed before the marker (nothing committed).
 * @throws {CoordinatorPoisonedError} after an earlier failure of unknown outcome.
 */
export async function commitGroup(
  session: ChangeSession,
  documents: StagedDocument[],
  options: CommitGroupOptions = {},
): Promise<CommitGroupResult> {
  const taken = new Set<string>();
  // Planning only reads the registry: one read transaction for the group.
  const results = inReadTransaction(
    session.db,
    () =>
      documents.map((staged): GroupMemberResult | PlannedDocument => {
        try {
          return planStagedDocument(session, staged, {
            force: options.force,
            taken,
            pending: options.pending,
          });
        } catch (error) {
          removeStagedFiles(staged);
          return failed(staged, error);
        }
      }),
  );
  // The group's staged files are made durable (the summary written into its
  // file, every file fsynced) while the coordinator writes the journal.
  const planned = new Map<MutationPlan, number>();
  const durable: Promise<unknown>[] = [];
  for (const [i, result] of results.entries()) {
    if (!("plan" in result)) continue;
    const files = stagedFiles(documents[i].stagingDir, documents[i].stagingName);
    planned.set(result.plan, i);
    // The worker created the summary's file; writing into it is cheap.
    durable.push(Promise.all([
      writeFiles([result.summary], { existing: true }),
      syncFiles([files.raw, files.source]),
    ]));
  }
  const outcome = await session.coordinator.applyGroup([...planned.keys()], durable);
  for (const plan of outcome.committed) {
    const i = planned.get(plan)!;
    results[i] = (results[i] as PlannedDocument).outcome;
  }
  for (const { plan, error } of outcome.failed) {
    const i = planned.get(plan)!;
    removeStagedFiles(documents[i]);
    results[i] = failed(documents[i], error);
  }
  return {
    // Every planned document is now either committed or failed.
    results: results.map((result, i) =>
      "plan" in result ? failed(documents[i], new Error("it was not applied")) : result
    ),
    rollbackFailed: outcome.rollbackFailed?.message ?? null,
  };
}
