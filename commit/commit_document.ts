/**
 * Planning the commit of one prepared document: the coordinator-side steps
 * 1–3 of the add pipeline (dedup check, final name, per-document pages with
 * the source page's links resolved (resolve_links.ts) and the summary's
 * "Linked from" block, touched paths). The plan is applied with the rest of its group by
 * `commit_group.ts`; the summary page it renders is returned as text, to be
 * written and fsynced together with the group's other summaries.
 *
 * @module
 */

import { timestamp } from "../core/clock.ts";
import { exists, removeIfExists } from "../core/durable_fs.ts";
import { conceptPage, documentPages, INDEX_PAGE, type KbLayout, LOG_PAGE } from "../core/layout.ts";
import { safeName, uniqueName } from "../core/naming.ts";
import { documentConcepts, isNameTaken } from "../core/queries.ts";
import { type StagedDocument, stagedFiles } from "../core/types.ts";
import { recordedLinks, storedLinks } from "../core/wiki_links.ts";
import type { ChangeSession } from "./change_session.ts";
import { decideDedup } from "./decide_dedup.ts";
import type { MutationPlan, PathChange } from "./mutation_plan.ts";
import { renderSummaryPage } from "./pages/render_summary_page.ts";
import { summaryBacklinksBlock } from "./pages/render_backlinks_block.ts";
import { backlinkPages } from "./record_links.ts";
import { resolveLinks } from "./resolve_links.ts";

/** What happened to one input. */
export type DocumentOutcome =
  | {
    kind: "added" | "updated";
    name: string;
    hash: string;
    source: string;
    /** Link targets that are later inputs of the batch (written as plain text for now). */
    forward?: string[];
  }
  | { kind: "skipped"; source: string; reason: "duplicate"; existing: string }
  | { kind: "skipped"; source: string; reason: "unsupported"; detail: string }
  /** A symlink in a walked folder whose target is outside it (not followed). */
  | { kind: "skipped"; source: string; reason: "outside-folder"; target: string };

/** A document ready to be committed with its group. */
export interface PlannedDocument {
  plan: MutationPlan;
  /** What to report once it commits. */
  outcome: DocumentOutcome & { kind: "added" | "updated" };
  /** The summary page to write (absolute staged path) before the group is applied. */
  summary: { path: string; data: string };
}

function relative(layout: KbLayout, absolute: string): string {
  return absolute.slice(layout.root.length + 1).split(/[\\/]/).join("/");
}

/**
 * Chooses a new document's name: its hint made safe, then made unique. A name
 * is taken by a registry row, by a document of the same group (`taken`,
 * lowercase), or by any file at one of its pages' paths (a file Quire does
 * not know about is never overwritten).
 */
function chooseName(
  session: ChangeSession,
  staged: StagedDocument,
  taken: Set<string>,
): string {
  const { layout, db } = session;
  return uniqueName(safeName(staged.nameHint), (name) => {
    const pages = documentPages(name, staged.document.ext);
    return taken.has(name.toLowerCase()) || isNameTaken(db, name) ||
      exists(layout.resolve(pages.raw)) || exists(layout.resolve(pages.source)) ||
      exists(layout.resolve(pages.summary));
  });
}

/** The log entry's detail: the source, and why the model was not used when it failed. */
function logDetail(staged: StagedDocument): string {
  if (staged.compiled.compiler !== "offline-fallback") return staged.source;
  const cause = staged.compiled.fallbackCause ?? "the model failed";
  return `${staged.source} (compiled offline: ${cause})`;
}

/**
 * The first `maxBytes` of `text` in UTF-8 (cut at a character boundary): what
 * the full-text index gets, so that the coordinator never indexes more of
 * one document than `limits.maxTextBytes`, whatever a worker staged.
 */
function firstBytes(text: string, maxBytes: number): string {
  if (text.length <= maxBytes / 3) return text; // At most 3 bytes per UTF-16 unit.
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return text;
  // `stream: true` holds back a character cut in half instead of garbling it.
  return new TextDecoder().decode(bytes.subarray(0, maxBytes), { stream: true });
}

/** Options of {@linkcode planStagedDocument}. */
export interface PlanDocumentOptions {
  /** Replace the document with this source even if its content is unchanged. @default false */
  force?: boolean;
  /** Names (lowercase) chosen by earlier documents of the same group; the new name is added. */
  taken?: Set<string>;
  /** Sources of the batch's inputs not committed yet (see resolve_links.ts). @default none */
  pending?: ReadonlySet<string>;
}

/**
 * Decides what a prepared document is (new, an update, a duplicate), chooses
 * its name, renders its summary and plans its mutation. A duplicate's staging
 * is removed and it is returned as skipped. Its group must not hold another
 * document with the same source or content (the caller closes the group
 * first), so that deciding against the registry alone is exact.
 */
export function planStagedDocument(
  session: ChangeSession,
  staged: StagedDocument,
  options: PlanDocumentOptions = {},
): PlannedDocument | (DocumentOutcome & { kind: "skipped" }) {
  const { layout, db } = session;
  let decision = decideDedup(db, staged.source, staged.hash);
  if (
    options.force && decision.kind === "duplicate" && decision.existing.source === staged.source
  ) {
    decision = { kind: "update", existing: decision.existing };
  }
  if (decision.kind === "duplicate") {
    removeStagedFiles(staged);
    return {
      kind: "skipped",
      source: staged.source,
      reason: "duplicate",
      existing: decision.existing.name,
    };
  }
  const old = decision.kind === "update" ? decision.existing : undefined;
  const taken = options.taken ?? new Set<string>();
  const name = old?.name ?? chooseName(session, staged, taken);
  taken.add(name.toLowerCase());
  const now = timestamp();
  const addedAt = old?.addedAt ?? now;
  const pages = documentPages(name, staged.document.ext);

  const body = renderSummaryPage({
    name,
    source: staged.source,
    origin: staged.origin,
    hash: staged.hash,
    bytes: staged.bytes,
    addedAt,
    updatedAt: now,
    ext: staged.document.ext,
    document: staged.document,
    compiled: staged.compiled,
    linkProminent: session.config.concepts.prominentMakesPage,
  });

  const files = stagedFiles(staged.stagingDir, staged.stagingName);
  let sourceText = Deno.readTextFileSync(files.source);
  let forward: string[] = [];
  if ((staged.document.links ?? []).length > 0) {
    const resolved = resolveLinks(sourceText, staged.document.links ?? [], {
      name,
      source: staged.source,
      sections: staged.document.sections,
    }, { db, pending: options.pending });
    sourceText = resolved.markdown;
    forward = resolved.forward;
    // Not fsynced here: the group fsyncs every staged file at once (commit_group.ts).
    Deno.writeTextFileSync(files.source, sourceText);
  }
  const links = recordedLinks(`summaries/${name}`, [body, sourceText]);
  const before = old === undefined ? [] : storedLinks(db, `summaries/${name}`);
  const retitled = old !== undefined && old.title !== staged.document.title;
  const summary = body + summaryBacklinksBlock(db, name);
  const changes: PathChange[] = [
    { path: pages.raw, staged: relative(layout, files.raw) },
    { path: pages.source, staged: relative(layout, files.source) },
    { path: pages.summary, staged: relative(layout, files.summary) },
  ];
  if (old !== undefined && old.ext !== staged.document.ext) {
    changes.push({ path: documentPages(old.name, old.ext).raw, staged: null });
  }
  const oldConcepts = old === undefined ? [] : documentConcepts(db, old.id).map((c) => c.slug);
  const concepts = new Set([...oldConcepts, ...staged.compiled.concepts.map((c) => c.slug)]);
  const op = old === undefined ? "add" : options.force ? "recompile" : "update";
  const plan: MutationPlan = {
    kind: op,
    target: name,
    // The staged files are renamed away when the plan commits; what a failed
    // plan leaves goes with the batch's staging directory.
    staging: null,
    changes,
    record: {
      op: "put-document",
      document: {
        name,
        type: staged.document.type,
        origin: staged.origin,
        ext: staged.document.ext,
        source: staged.source,
        hash: staged.hash,
        bytes: staged.bytes,
        title: staged.document.title,
        description: staged.compiled.description,
        compiler: staged.compiled.compiler,
        sections: JSON.stringify(staged.document.sections),
        addedAt,
        updatedAt: now,
      },
      replaces: old?.id ?? null,
      concepts: staged.compiled.concepts,
      searchText: firstBytes(sourceText, session.config.limits.maxTextBytes),
      links,
    },
    log: { op, name, detail: logDetail(staged) },
    rebuild: [
      INDEX_PAGE,
      LOG_PAGE,
      ...[...concepts].sort().map(conceptPage),
      ...backlinkPages(before, links, retitled),
    ],
  };
  return {
    plan,
    outcome: {
      kind: old === undefined ? "added" : "updated",
      name,
      hash: staged.hash,
      source: staged.source,
      ...(forward.length > 0 ? { forward } : {}),
    },
    summary: { path: files.summary, data: summary },
  };
}

/** Removes the staged files of a document that will not be committed. */
export function removeStagedFiles(staged: StagedDocument): void {
  const files = stagedFiles(staged.stagingDir, staged.stagingName);
  for (const file of [files.raw, files.source, files.summary]) removeIfExists(file);
}
