/**
 * The batch commands: `add`, `sync`, `watch` and `recompile`. Each prepares
 * inputs in workers and commits them through the coordinator; this file
 * wires their flags in, shows progress, and turns the batch result into the
 * summary line, `--json` and the exit code.
 *
 * @module
 */

import { resolve } from "node:path";
import { loadConfig, QuireError } from "../core/mod.ts";
import {
  addDocuments,
  addFromBundles,
  type AddPlan,
  type BatchEvent,
  type BatchResult,
  isCleanRecovery,
  planAdd,
  planSync,
  recompileDocuments,
  type RecoveryReport,
  syncFolder,
  type SyncPlan,
  watchFolder,
} from "../commit/mod.ts";
import { describeRecovery } from "./describe_recovery.ts";
import { EXIT } from "./exit_code.ts";
import { interruptExitCode, withInterrupts } from "./interrupts.ts";
import { locateKnowledgeBase, locateOrInitKnowledgeBase } from "./locate_kb.ts";
import { type GlobalOptions, print, printJson, say } from "./output.ts";
import { ProgressReporter } from "./progress_reporter.ts";

/** The flags every batch command takes. */
export interface BatchFlags {
  jobs: number;
  timeout?: number;
  fallback?: "offline" | "fail";
  /** `add`, `sync` and `watch` only. */
  followSymlinks?: boolean;
}

/** The flags of `add`. */
export interface AddFlags extends BatchFlags {
  fromPageindexCloud?: string[];
  fromBundle?: string[];
  acceptCompiler?: boolean;
  dryRun?: boolean;
}

/** The options every batch command passes on from its flags. */
function batchOptions(flags: BatchFlags, options: GlobalOptions) {
  return {
    jobs: flags.jobs,
    timeoutSeconds: flags.timeout,
    waitSeconds: options.wait,
    llmFallback: flags.fallback,
    followSymlinks: flags.followSymlinks,
  };
}

/**
 * Runs one batch command (add, sync, recompile): progress on stderr,
 * Ctrl-C as an abort, then the recovery note, the summary, `--json`, and
 * the exit code.
 */
async function runBatchCommand(
  options: GlobalOptions,
  body: (hooks: { signal: AbortSignal; onEvent: (event: BatchEvent) => void }) => Promise<
    BatchResult & { recovery: RecoveryReport; removed?: unknown[] }
  >,
): Promise<number> {
  const reporter = new ProgressReporter({ quiet: options.quiet });
  const started = performance.now();
  const result = await withInterrupts((signal) =>
    body({ signal, onEvent: (event) => reporter.onEvent(event) })
  );
  reporter.finish();
  if (!isCleanRecovery(result.recovery)) say(describeRecovery(result.recovery));
  say(summarize(result, (performance.now() - started) / 1000));
  if (options.json) printJson(result);
  return batchExitCode(result);
}

function batchExitCode(result: BatchResult): number {
  if (result.rollbackFailed !== null) return EXIT.rollback;
  if (result.interrupted) return interruptExitCode();
  return result.failed.length > 0 || result.pagesPending !== null ? EXIT.failed : EXIT.ok;
}

function summarize(result: BatchResult & { removed?: unknown[] }, seconds: number): string {
  const done = result.added.length + result.updated.length + result.skipped.length +
    result.failed.length;
  const rate = seconds > 0 ? ` (${(done / seconds).toFixed(1)} inputs/s)` : "";
  const removed = result.removed === undefined ? "" : `, removed ${result.removed.length}`;
  const counts = `Added ${result.added.length}, updated ${result.updated.length}${removed}, ` +
    `skipped ${result.skipped.length}, failed ${result.failed.length}`;
  let text = seconds > 0 ? `${counts} in ${seconds.toFixed(1)} s${rate}` : counts;
  for (const line of describeLlm(result)) text += `\n${line}`;
  if (result.interrupted) text += "\nInterrupted: the inputs not listed above were not added";
  if (result.rollbackFailed !== null) {
    text +=
      `\nStopped: ${result.rollbackFailed}\nhint: Run \`quire recover\` once the cause is fixed`;
  }
  if (result.pagesPending !== null) text += `\nerror: ${result.pagesPending}`;
  return text;
}

/** The summary's lines about the model: its use, fallbacks, and inputs not attempted. */
export function describeLlm(result: BatchResult): string[] {
  const llm = result.stats.llm;
  if (llm === null) return [];
  const lines = [
    `Model: ${plural(llm.calls, "call")} (${plural(llm.retries, "retry", "retries")}), ` +
    `${llm.promptTokens} prompt + ${llm.completionTokens} completion tokens, ` +
    `${plural(llm.cacheHits, "cache hit")}`,
  ];
  if (llm.stopped !== null) {
    lines.push(
      `Stopped calling the model: ${llm.stopped}; ${
        plural(llm.notAttempted, "input")
      } not attempted`,
    );
  }
  if (result.fallbacks.length > 0) {
    lines.push(
      `warning: ${
        plural(result.fallbacks.length, "document")
      } compiled offline because the model failed; ` +
        "`quire recompile --fallbacks` tries the model again",
    );
  }
  return lines;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `quire add INPUTS…`. */
export async function addCommand(
  inputs: string[],
  flags: AddFlags,
  options: GlobalOptions,
): Promise<number> {
  const ids = flags.fromPageindexCloud ?? [];
  if (flags.fromBundle !== undefined) return await addBundlesCommand(inputs, flags, options);
  if (inputs.length === 0 && ids.length === 0) {
    throw new QuireError("USAGE", "Cannot add: no inputs given", {
      hint: "Name files, folders or URLs, e.g. `quire add docs/`",
    });
  }
  if (flags.dryRun) {
    const plan = await planAdd(locateKnowledgeBase(options), inputs, { pageindex: ids });
    if (options.json) printJson(plan);
    else print(describeAddPlan(plan));
    return EXIT.ok;
  }
  const layout = await locateOrInitKnowledgeBase(options);
  return await runBatchCommand(
    options,
    (hooks) =>
      addDocuments(layout, inputs, { ...batchOptions(flags, options), ...hooks, pageindex: ids }),
  );
}

/** `quire add --from-bundle DIR…`: commits prepared bundles (see `quire prepare`). */
async function addBundlesCommand(
  inputs: string[],
  flags: AddFlags,
  options: GlobalOptions,
): Promise<number> {
  const dirs = [...(flags.fromBundle ?? []), ...inputs];
  if (flags.dryRun || (flags.fromPageindexCloud ?? []).length > 0) {
    throw new QuireError(
      "USAGE",
      "Cannot add: --from-bundle does not go with --dry-run or --from-pageindex-cloud",
      { hint: "Commit the bundles on their own: `quire add --from-bundle DIR…`" },
    );
  }
  const layout = await locateOrInitKnowledgeBase(options);
  return await runBatchCommand(
    options,
    (hooks) =>
      addFromBundles(layout, dirs, {
        ...batchOptions(flags, options),
        ...hooks,
        acceptCompiler: flags.acceptCompiler,
      }),
  );
}

function describeAddPlan(plan: AddPlan): string {
  const lines = ["Plan (dry run, nothing changed):"];
  for (const p of plan.inputs) {
    const model = p.cached
      ? " (cached: no model call)"
      : p.promptTokens
      ? ` (about ${p.promptTokens} input tokens)`
      : "";
    if (p.action === "add") lines.push(`  add ${p.source}${model}`);
    else if (p.action === "update") lines.push(`  update ${p.existing} (${p.source})${model}`);
    else if (p.action === "duplicate") lines.push(`  skip ${p.source}: duplicate of ${p.existing}`);
    else if (p.action === "remote") lines.push(`  fetch and add ${p.source}`);
    else if (p.action === "skipped") {
      lines.push(`  skip ${p.source}: links to '${p.target}', outside the folder`);
    } else lines.push(`  cannot read ${p.source}: ${p.error}`);
  }
  lines.push(
    `${plan.toPrepare} to prepare, ${plan.duplicates} duplicates, ${plan.errors} unreadable`,
  );
  const model = plan.model;
  if (model !== null) {
    const remote = model.notEstimated > 0 ? ` (${model.notEstimated} remote, not estimated)` : "";
    lines.push(
      `Model: ${model.wouldSend} documents would be sent${remote}, ${model.cached} answered from the cache; ` +
        `about ${model.estimatedInputTokens} input tokens (estimated: ASCII characters / 3.5 + other characters)`,
    );
  }
  return lines.join("\n");
}

function describePlan(plan: SyncPlan): string {
  const lines = [`Plan for '${plan.folder}' (dry run, nothing changed):`];
  for (const source of plan.add) lines.push(`  add ${source}`);
  for (const u of plan.update) lines.push(`  update ${u.name} (${u.source})`);
  for (const r of plan.remove) lines.push(`  remove ${r.name} (${r.source})`);
  for (const e of plan.errors) lines.push(`  cannot read ${e.source}: ${e.error}`);
  for (const k of plan.skipped) {
    lines.push(`  skip ${k.source}: links to '${k.target}', outside the folder`);
  }
  lines.push(
    `${plan.add.length} to add, ${plan.update.length} to update, ${plan.remove.length} to remove, ${plan.unchanged.length} unchanged, ${plan.errors.length} unreadable`,
  );
  return lines.join("\n");
}

/** `quire sync DIR [--dry-run]`. */
export async function syncCommand(
  dir: string,
  flags: BatchFlags & { dryRun?: boolean },
  options: GlobalOptions,
): Promise<number> {
  const layout = flags.dryRun
    ? locateKnowledgeBase(options)
    : await locateOrInitKnowledgeBase(options);
  if (flags.dryRun) {
    const plan = await planSync(layout, dir, { followSymlinks: flags.followSymlinks });
    if (options.json) printJson(plan);
    else print(describePlan(plan));
    return EXIT.ok;
  }
  return await runBatchCommand(
    options,
    (hooks) => syncFolder(layout, dir, { ...batchOptions(flags, options), ...hooks }),
  );
}

/** `quire watch [DIR]`. */
export async function watchCommand(
  dir: string | undefined,
  flags: BatchFlags,
  options: GlobalOptions,
): Promise<number> {
  const layout = locateKnowledgeBase(options);
  // A relative inbox in the config is relative to the knowledge base.
  const configured = (await loadConfig(layout.config)).inbox;
  const inbox = dir ?? (configured ? resolve(layout.root, configured) : null);
  if (!inbox) {
    throw new QuireError("USAGE", "Cannot watch: no folder given and no 'inbox' in the config", {
      hint: 'Run `quire watch DIR`, or set "inbox" in .quire/config.json',
    });
  }
  const reporter = new ProgressReporter({ quiet: options.quiet });
  await withInterrupts((signal) =>
    watchFolder(layout, inbox, {
      ...batchOptions(flags, options),
      signal,
      onEvent: (event) => reporter.onEvent(event),
      onReady: (folder) => say(`Watching '${folder}' (Ctrl-C to stop)`),
      onReconcile: (result) => {
        reporter.finish();
        const changed = result.added.length + result.updated.length + result.removed.length +
          result.failed.length;
        if (changed > 0 || !options.quiet) say(summarize(result, 0));
        if (options.json) print(JSON.stringify(result));
      },
    })
  );
  say("Stopped watching");
  return EXIT.ok;
}

/** `quire recompile [NAMES…] [--fallbacks]`. */
export async function recompileCommand(
  names: string[],
  flags: BatchFlags & { fallbacks?: boolean },
  options: GlobalOptions,
): Promise<number> {
  if (flags.fallbacks && names.length > 0) {
    throw new QuireError("USAGE", "Cannot recompile: both names and --fallbacks given", {
      hint: "Name documents, or use --fallbacks alone for every document that fell back",
    });
  }
  const layout = locateKnowledgeBase(options);
  return await runBatchCommand(
    options,
    (hooks) =>
      recompileDocuments(layout, names, {
        ...batchOptions(flags, options),
        ...hooks,
        fallbacks: flags.fallbacks,
      }),
  );
}
