/**
 * `quire add --dry-run`: what `add` would do, changing nothing. It reads the
 * registry without the lock, hashes each local file to tell new documents,
 * updates and duplicates apart, and, with a model configured, says how many
 * documents would be sent to it, how many are answered from the
 * prepared-results cache, and about how many input tokens the sent ones
 * cost (each file is read and converted here, one at a time, as a worker
 * would; see `prepare/estimate_document.ts`).
 *
 * URLs and remote documents are not fetched by a dry run: they are listed
 * as to prepare, and their tokens are not estimated.
 *
 * @module
 */

import { loadConfig, prepareSettings } from "../core/config.ts";
import { errorMessage, InputError } from "../core/errors.ts";
import type { KbLayout } from "../core/layout.ts";
import { openRegistry } from "../core/registry.ts";
import { type DiscoveredInput, discoverInputs, estimateDocument } from "../prepare/mod.ts";
import { decideDedup } from "./decide_dedup.ts";

/** What `add` would do with one input. */
export interface PlannedInput {
  source: string;
  /**
   * add or update a document, skip a duplicate, fail (unreadable), prepare a
   * remote input, or skip a symlink out of a walked folder (`skipped`).
   */
  action: "add" | "update" | "duplicate" | "error" | "remote" | "skipped";
  /** Where a skipped symlink leads. */
  target?: string;
  /** The document it updates or duplicates. */
  existing?: string;
  /** With a model: whether the answer is cached (no call). */
  cached?: boolean;
  /** With a model: estimated prompt tokens (0 when cached). */
  promptTokens?: number;
  /** Why it cannot be read. */
  error?: string;
}

/** What `add --dry-run` reports. */
export interface AddPlan {
  inputs: PlannedInput[];
  /** Inputs that would be prepared (added, updated, or remote). */
  toPrepare: number;
  duplicates: number;
  errors: number;
  /** Null without a model. */
  model: {
    /** Documents whose compile request would go to the model. */
    wouldSend: number;
    /** Documents answered from the cache. */
    cached: number;
    /** Remote inputs, not estimated. */
    notEstimated: number;
    /** Estimated prompt tokens of the first request of each document sent. */
    estimatedInputTokens: number;
  } | null;
}

async function planOne(
  db: ReturnType<typeof openRegistry>,
  item: DiscoveredInput,
  settings: ReturnType<typeof prepareSettings>,
): Promise<PlannedInput> {
  if (item.kind === "error") {
    return { source: item.source, action: "error", error: item.error.message };
  }
  if (item.kind === "skipped") {
    return { source: item.source, action: "skipped", target: item.target };
  }
  if (item.input.kind !== "file") return { source: item.source, action: "remote" };
  let estimate;
  try {
    estimate = await estimateDocument(item.input, settings);
  } catch (error) {
    const message = error instanceof InputError ? error.message : errorMessage(error);
    return { source: item.source, action: "error", error: message };
  }
  const decision = decideDedup(db, item.source, estimate.hash);
  if (decision.kind === "duplicate") {
    return { source: item.source, action: "duplicate", existing: decision.existing.name };
  }
  const planned: PlannedInput = {
    source: item.source,
    action: decision.kind,
    ...(decision.kind === "update" ? { existing: decision.existing.name } : {}),
  };
  if (settings.llm === null) return planned;
  return { ...planned, cached: estimate.cached, promptTokens: estimate.promptTokens };
}

/** Plans `add` of `args` (paths and URLs) and PageIndex ids, changing nothing. */
export async function planAdd(
  layout: KbLayout,
  args: string[],
  options: { pageindex?: string[] } = {},
): Promise<AddPlan> {
  const config = await loadConfig(layout.config);
  const settings = prepareSettings(config, {
    cacheDir: config.llm === null ? null : layout.cache,
  });
  const items: DiscoveredInput[] = [
    ...await discoverInputs(args, { ignore: config.ignore }),
    ...(options.pageindex ?? []).map((docId): DiscoveredInput => ({
      kind: "input",
      input: { kind: "pageindex", docId },
      source: `pageindex-cloud:${docId}`,
    })),
  ];
  const db = openRegistry(layout.registry, { readOnly: true });
  const inputs: PlannedInput[] = [];
  try {
    for (const item of items) inputs.push(await planOne(db, item, settings));
  } finally {
    db.close();
  }
  const count = (test: (p: PlannedInput) => boolean) => inputs.filter(test).length;
  const prepared = (p: PlannedInput) =>
    p.action === "add" || p.action === "update" || p.action === "remote";
  return {
    inputs,
    toPrepare: count(prepared),
    duplicates: count((p) => p.action === "duplicate"),
    errors: count((p) => p.action === "error"),
    model: config.llm === null ? null : {
      wouldSend: count((p) => prepared(p) && p.cached !== true),
      cached: count((p) => p.cached === true),
      notEstimated: count((p) => p.action === "remote"),
      estimatedInputTokens: inputs.reduce((sum, p) => sum + (p.promptTokens ?? 0), 0),
    },
  };
}
