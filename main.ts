#!/usr/bin/env -S deno run -A
/**
 * Quire's command line: argument parsing, dispatch to one command function
 * per command, human or `--json` output, and the one place where errors
 * become messages and exit codes.
 *
 * Exit codes:
 *
 * | code | meaning |
 * | --- | --- |
 * | 0 | everything succeeded (duplicates skipped count as success) |
 * | 1 | some inputs failed (the others were committed), or a command failed |
 * | 2 | usage error: bad flag or argument, no knowledge base found, bad config |
 * | 3 | the knowledge base is locked by another process |
 * | 4 | a rollback failed; its journal was kept for the next recovery |
 * | 130 | interrupted (Ctrl-C); what was committed stays committed |
 *
 * With `--json`, the command's result goes to stdout as JSON and all human
 * text to stderr.
 *
 * @module
 */

import { resolve } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import {
  activeWriter,
  findKnowledgeBase,
  InputError,
  isKnowledgeBase,
  isRecoveryPending,
  type KbLayout,
  kbLayout,
  lintKnowledgeBase,
  listDocuments,
  loadConfig,
  now,
  openRegistry,
  prepareSettings,
  QuireError,
  readStatus,
  searchDocuments,
  type SearchHit,
} from "./core/mod.ts";
import {
  addDocuments,
  answerQuery,
  type BatchEvent,
  type BatchResult,
  initKnowledgeBase,
  isCleanRecovery,
  openChangeSession,
  planSync,
  ProgressReporter,
  recompileDocuments,
  type RecoveryReport,
  removeDocuments,
  runRecovery,
  saveExploration,
  syncFolder,
  type SyncPlan,
  watchFolder,
} from "./commit/mod.ts";

/** Exit codes, documented above. */
const EXIT = { ok: 0, failed: 1, usage: 2, locked: 3, rollback: 4, interrupted: 130 } as const;

interface GlobalOptions {
  kb?: string;
  json?: boolean;
  quiet?: boolean;
  wait?: number;
}

interface BatchFlags {
  jobs: number;
  timeout?: number;
  fallback?: "offline" | "fail";
}

interface AddFlags extends BatchFlags {
  fromPageindexCloud?: string[];
}

const encoder = new TextEncoder();

/** Human text: stderr (stdout is kept for results). */
function say(text: string): void {
  Deno.stderr.writeSync(encoder.encode(text + "\n"));
}

/** A command's result on stdout. */
function print(text: string): void {
  Deno.stdout.writeSync(encoder.encode(text + "\n"));
}

function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

function parseJobs(value: string): number {
  if (value === "auto") return navigator.hardwareConcurrency || 1;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 256) {
    throw new InvalidArgumentError("expected a whole number from 1 to 256, or 'auto'");
  }
  return Number(value);
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds < 0) {
    throw new InvalidArgumentError("expected a number of seconds (0 or more)");
  }
  return seconds;
}

function humanBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Finds the knowledge base of a command that needs an existing one. */
function locateKnowledgeBase(options: GlobalOptions): KbLayout {
  const found = findKnowledgeBase({ flag: options.kb });
  if (found === undefined) {
    throw new QuireError(
      "KB_NOT_FOUND",
      `Cannot find a knowledge base: no --kb, no QUIRE_KB, and no '.quire' folder in '${Deno.cwd()}' or its parents`,
      { hint: "Create one with `quire init DIR`, or pass --kb DIR" },
    );
  }
  if (!isKnowledgeBase(found.root)) {
    throw new QuireError(
      "KB_NOT_FOUND",
      `Cannot open knowledge base '${found.root}': it has no '.quire' folder`,
      { hint: `Create it with \`quire init '${found.root}'\`` },
    );
  }
  return kbLayout(found.root);
}

/** True when `dir` does not exist or is an empty folder. */
function isMissingOrEmpty(dir: string): boolean {
  try {
    for (const _ of Deno.readDirSync(dir)) return false;
    return true;
  } catch (error) {
    return error instanceof Deno.errors.NotFound;
  }
}

/**
 * Like {@linkcode locateKnowledgeBase}, but `--kb DIR` naming a folder that
 * does not exist or is empty creates the knowledge base there first (and
 * says so): what `add` and `sync` do.
 */
async function locateOrInitKnowledgeBase(options: GlobalOptions): Promise<KbLayout> {
  if (options.kb === undefined || !isMissingOrEmpty(options.kb)) {
    return locateKnowledgeBase(options);
  }
  const layout = kbLayout(options.kb);
  await initKnowledgeBase(layout, { waitSeconds: options.wait });
  say(`Initialized a new knowledge base at '${layout.root}'`);
  return layout;
}

function describeRecovery(report: RecoveryReport): string {
  const parts = [];
  if (report.rolledBack.length) parts.push(`rolled back ${report.rolledBack.join(", ")}`);
  if (report.completed.length) parts.push(`completed ${report.completed.join(", ")}`);
  if (report.pagesRebuilt) parts.push(`rebuilt ${report.pagesRebuilt} shared pages`);
  if (report.stagingRemoved.length) {
    parts.push(`removed ${report.stagingRemoved.length} staging entries`);
  }
  return parts.length
    ? `Recovered an interrupted change: ${parts.join("; ")}`
    : "Nothing to recover";
}

/**
 * Runs `body` with Ctrl-C (and SIGTERM) turned into an abort: the first
 * stops the batch after the current document, the second exits at once.
 */
async function withInterrupts<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let count = 0;
  const onSignal = () => {
    if (++count === 1) {
      say("Interrupted: finishing the current document, then stopping (Ctrl-C again to quit now)");
      controller.abort();
    } else {
      Deno.exit(EXIT.interrupted);
    }
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, onSignal);
  try {
    return await body(controller.signal);
  } finally {
    for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
  }
}

/** The options every batch command passes on from its flags. */
function batchOptions(flags: BatchFlags, options: GlobalOptions) {
  return {
    jobs: flags.jobs,
    timeoutSeconds: flags.timeout,
    waitSeconds: options.wait,
    llmFallback: flags.fallback,
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
  if (result.interrupted) return EXIT.interrupted;
  return result.failed.length > 0 ? EXIT.failed : EXIT.ok;
}

function summarize(result: BatchResult & { removed?: unknown[] }, seconds: number): string {
  const done = result.added.length + result.updated.length + result.skipped.length +
    result.failed.length;
  const rate = seconds > 0 ? ` (${(done / seconds).toFixed(1)} inputs/s)` : "";
  const removed = result.removed === undefined ? "" : `, removed ${result.removed.length}`;
  const counts = `Added ${result.added.length}, updated ${result.updated.length}${removed}, ` +
    `skipped ${result.skipped.length}, failed ${result.failed.length}`;
  let text = seconds > 0 ? `${counts} in ${seconds.toFixed(1)} s${rate}` : counts;
  if (result.interrupted) text += "\nInterrupted: the inputs not listed above were not added";
  if (result.rollbackFailed !== null) {
    text +=
      `\nStopped: ${result.rollbackFailed}\nhint: Run \`quire recover\` once the cause is fixed`;
  }
  return text;
}

async function addCommand(inputs: string[], flags: AddFlags, options: GlobalOptions) {
  const ids = flags.fromPageindexCloud ?? [];
  if (inputs.length === 0 && ids.length === 0) {
    throw new QuireError("USAGE", "Cannot add: no inputs given", {
      hint: "Name files, folders or URLs, e.g. `quire add docs/`",
    });
  }
  const layout = await locateOrInitKnowledgeBase(options);
  return await runBatchCommand(
    options,
    (hooks) =>
      addDocuments(layout, inputs, { ...batchOptions(flags, options), ...hooks, pageindex: ids }),
  );
}

async function initCommand(dir: string | undefined, options: GlobalOptions) {
  const root = dir ?? options.kb ?? Deno.env.get("QUIRE_KB") ?? Deno.cwd();
  const result = await initKnowledgeBase(kbLayout(root), { waitSeconds: options.wait });
  if (options.json) printJson(result);
  else {
    say(
      result.created
        ? `Initialized a knowledge base at '${result.root}'`
        : `'${result.root}' is already a knowledge base; nothing to do`,
    );
  }
  return EXIT.ok;
}

/** Says on stderr when an interrupted change waits for recovery (read-only commands). */
async function notePendingRecovery(layout: KbLayout, db: DatabaseSync): Promise<void> {
  if (await isRecoveryPending(layout, db)) {
    say(
      "note: an interrupted change is pending recovery; `quire recover` (or the next change) finishes it",
    );
  }
}

async function listCommand(options: GlobalOptions) {
  const layout = locateKnowledgeBase(options);
  const db = openRegistry(layout.registry, { readOnly: true });
  let documents;
  try {
    documents = listDocuments(db);
    await notePendingRecovery(layout, db);
  } finally {
    db.close();
  }
  if (options.json) {
    printJson(documents.map((d) => ({
      name: d.name,
      type: d.type,
      bytes: d.bytes,
      hash: d.hash,
      source: d.source,
      title: d.title,
      addedAt: d.addedAt,
      updatedAt: d.updatedAt,
    })));
    return EXIT.ok;
  }
  if (documents.length === 0) {
    say("No documents yet; add some with `quire add PATH`");
    return EXIT.ok;
  }
  const rows = documents.map((d) => [d.name, d.type, humanBytes(d.bytes), d.addedAt]);
  const header = ["NAME", "TYPE", "SIZE", "ADDED"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [header, ...rows]) {
    print(row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i])).join("  "));
  }
  return EXIT.ok;
}

async function statusCommand(options: GlobalOptions) {
  const status = await readStatus(locateKnowledgeBase(options));
  if (options.json) {
    printJson(status);
    return EXIT.ok;
  }
  const lines = [
    `Knowledge base: ${status.root}`,
    `Documents: ${status.documents} (${humanBytes(status.documentBytes)} of originals)`,
    `Concepts: ${status.concepts}`,
    `Size on disk: ${humanBytes(status.diskBytes)} in raw/ and wiki/`,
    `Pending journals: ${status.pendingJournals}`,
  ];
  const last = status.lastOperation;
  lines.push(`Last operation: ${last ? `${last.at} ${last.op} ${last.name}`.trim() : "none"}`);
  if (status.writer) {
    lines.push(
      `In progress: a change by pid ${status.writer.pid} on ${status.writer.hostname} since ${status.writer.time}`,
    );
  } else if (status.recoveryPending) {
    lines.push(
      "Recovery pending: an interrupted change will be recovered by `quire recover` or the next change",
    );
  }
  print(lines.join("\n"));
  return EXIT.ok;
}

async function recoverCommand(options: GlobalOptions) {
  const report = await runRecovery(locateKnowledgeBase(options), { waitSeconds: options.wait });
  if (options.json) printJson(report);
  else say(describeRecovery(report));
  return EXIT.ok;
}

async function removeCommand(targets: string[], options: GlobalOptions) {
  const layout = locateKnowledgeBase(options);
  const result = await removeDocuments(layout, targets, { waitSeconds: options.wait });
  if (!isCleanRecovery(result.recovery)) say(describeRecovery(result.recovery));
  for (const r of result.removed) if (!options.quiet) say(`removed ${r.name} (${r.source})`);
  for (const f of result.failed) say(`failed ${f.target}: ${f.error}`);
  if (result.rollbackFailed !== null) {
    say(`Stopped: ${result.rollbackFailed}\nhint: Run \`quire recover\` once the cause is fixed`);
  }
  say(`Removed ${result.removed.length}, failed ${result.failed.length}`);
  if (options.json) printJson(result);
  if (result.rollbackFailed !== null) return EXIT.rollback;
  return result.failed.length > 0 ? EXIT.failed : EXIT.ok;
}

function describePlan(plan: SyncPlan): string {
  const lines = [`Plan for '${plan.folder}' (dry run, nothing changed):`];
  for (const source of plan.add) lines.push(`  add ${source}`);
  for (const u of plan.update) lines.push(`  update ${u.name} (${u.source})`);
  for (const r of plan.remove) lines.push(`  remove ${r.name} (${r.source})`);
  for (const e of plan.errors) lines.push(`  cannot read ${e.source}: ${e.error}`);
  lines.push(
    `${plan.add.length} to add, ${plan.update.length} to update, ${plan.remove.length} to remove, ${plan.unchanged.length} unchanged, ${plan.errors.length} unreadable`,
  );
  return lines.join("\n");
}

async function syncCommand(
  dir: string,
  flags: BatchFlags & { dryRun?: boolean },
  options: GlobalOptions,
) {
  const layout = flags.dryRun
    ? locateKnowledgeBase(options)
    : await locateOrInitKnowledgeBase(options);
  if (flags.dryRun) {
    const plan = await planSync(layout, dir);
    if (options.json) printJson(plan);
    else print(describePlan(plan));
    return EXIT.ok;
  }
  return await runBatchCommand(
    options,
    (hooks) => syncFolder(layout, dir, { ...batchOptions(flags, options), ...hooks }),
  );
}

async function watchCommand(dir: string | undefined, flags: BatchFlags, options: GlobalOptions) {
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

async function recompileCommand(names: string[], flags: BatchFlags, options: GlobalOptions) {
  const layout = locateKnowledgeBase(options);
  return await runBatchCommand(
    options,
    (hooks) => recompileDocuments(layout, names, { ...batchOptions(flags, options), ...hooks }),
  );
}

function parseLimit(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) {
    throw new InvalidArgumentError("expected a whole number from 1 to 1000");
  }
  return Number(value);
}

function describeHits(hits: SearchHit[]): string {
  if (hits.length === 0) return "No matches";
  return hits.map((hit, i) =>
    `${i + 1}. ${hit.title || hit.name} (${hit.name})\n   ${hit.page}\n   ${hit.snippet}`
  ).join("\n");
}

async function searchCommand(words: string[], flags: { limit: number }, options: GlobalOptions) {
  const query = words.join(" ").trim();
  if (query === "") {
    throw new QuireError("USAGE", "Cannot search: the query is empty", {
      hint: 'Give some words, e.g. `quire search "vector database"`',
    });
  }
  const layout = locateKnowledgeBase(options);
  const db = openRegistry(layout.registry, { readOnly: true });
  let hits: SearchHit[];
  try {
    hits = searchDocuments(db, query, { limit: flags.limit });
    await notePendingRecovery(layout, db);
  } finally {
    db.close();
  }
  if (options.json) printJson(hits);
  else print(describeHits(hits));
  return EXIT.ok;
}

async function lintCommand(options: GlobalOptions) {
  const layout = locateKnowledgeBase(options);
  const db = openRegistry(layout.registry, { readOnly: true });
  let report;
  try {
    report = await lintKnowledgeBase(layout, db, { writerActive: activeWriter(layout) !== null });
  } finally {
    db.close();
  }
  if (options.json) printJson(report);
  else {
    for (const p of report.problems) print(`${p.kind} ${p.path}: ${p.detail}`);
    say(report.problems.length === 0 ? "No problems found" : `${report.problems.length} problems`);
  }
  return report.problems.length === 0 ? EXIT.ok : EXIT.failed;
}

async function queryCommand(
  words: string[],
  flags: { limit: number; save?: boolean },
  options: GlobalOptions,
) {
  const question = words.join(" ").trim();
  const layout = locateKnowledgeBase(options);
  const config = await loadConfig(layout.config);
  const llm = prepareSettings(config).llm;
  const result = await answerQuery(layout, question, {
    llm,
    limit: flags.limit,
    language: config.language,
  });
  let saved: { name: string; page: string } | null = null;
  if (result.answer !== null && flags.save) {
    await using session = await openChangeSession(layout, { waitSeconds: options.wait });
    saved = await saveExploration(session, {
      question,
      answer: result.answer,
      citations: result.citations,
    });
  }
  if (options.json) {
    printJson({ ...result, saved });
    return EXIT.ok;
  }
  if (result.answer === null) {
    say(
      'No LLM is configured, so there is no answer; set "llm" in .quire/config.json. The matching documents:',
    );
    if (flags.save) say("Nothing was saved (--save needs an answer)");
    print(describeHits(result.hits));
    return EXIT.ok;
  }
  print(result.answer);
  if (saved !== null) say(`Saved to ${saved.page}`);
  return EXIT.ok;
}

/** Adds the prepare options shared by add, sync, watch and recompile. */
function withBatchOptions(command: Command): Command {
  return command
    .option("-j, --jobs <n>", "prepare workers: a number or 'auto' (CPUs)", parseJobs, 1)
    .option(
      "--timeout <seconds>",
      "give up on one input after this long (default: config, 600)",
      parseSeconds,
    )
    .option(
      "--fallback <mode>",
      "when the LLM keeps failing: 'fail' the input or compile it 'offline'",
      (value) => {
        if (value !== "offline" && value !== "fail") {
          throw new InvalidArgumentError("expected 'offline' or 'fail'");
        }
        return value;
      },
    );
}

/** Builds the command-line program; each action resolves to an exit code. */
function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command()
    .name("quire")
    .description(
      "Compile documents (files, folders, web pages, remote documents) into a markdown knowledge base with [[wikilinks]].",
    )
    .version("0.1.0")
    .exitOverride()
    .showSuggestionAfterError()
    .option(
      "--kb <dir>",
      "the knowledge base (default: $QUIRE_KB, else the nearest parent with .quire/)",
    )
    .option("--json", "print the result as JSON on stdout (human text goes to stderr)")
    .option("-q, --quiet", "print only errors and the summary")
    .option(
      "--wait <seconds>",
      "wait this long for a busy lock instead of failing (exit 3)",
      parseSeconds,
    );

  // The clock is checked before any command touches anything (SOURCE_DATE_EPOCH).
  const run = (body: () => Promise<number> | number) => async () => {
    now();
    setExit(await body());
  };
  const globals = (command: Command) => command.optsWithGlobals() as GlobalOptions;

  program.command("init")
    .description("create a knowledge base (default: --kb, $QUIRE_KB, or the current folder)")
    .argument("[dir]", "folder to create it in")
    .action((dir: string | undefined, _flags, command: Command) =>
      run(() => initCommand(dir, globals(command)))()
    );

  withBatchOptions(
    program.command("add")
      .description(
        "add files, folders (recursively) and http(s) URLs; updates documents whose source changed",
      )
      .argument("[inputs...]", "files, folders or URLs"),
  )
    .option(
      "--from-pageindex-cloud <docId>",
      "import a document processed by PageIndex Cloud (repeatable; key from $PAGEINDEX_API_KEY)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .action((inputs: string[], flags: AddFlags, command: Command) =>
      run(() => addCommand(inputs, flags, globals(command)))()
    );

  program.command("remove")
    .description("remove documents (by name or content-hash prefix) and their pages")
    .argument("<names...>", "document names or hash prefixes (4+ hex digits)")
    .action((names: string[], _flags, command: Command) =>
      run(() => removeCommand(names, globals(command)))()
    );

  withBatchOptions(
    program.command("sync")
      .description(
        "mirror a folder: add new files, update changed ones, remove documents whose file under it is gone",
      )
      .argument("<dir>", "the folder to mirror")
      .option("--dry-run", "print the plan and change nothing"),
  ).action((dir: string, flags: BatchFlags & { dryRun?: boolean }, command: Command) =>
    run(() => syncCommand(dir, flags, globals(command)))()
  );

  withBatchOptions(
    program.command("watch")
      .description(
        "keep the knowledge base in step with an inbox folder (default: the config's inbox) until Ctrl-C",
      )
      .argument("[dir]", "the inbox folder"),
  ).action((dir: string | undefined, flags: BatchFlags, command: Command) =>
    run(() => watchCommand(dir, flags, globals(command)))()
  );

  withBatchOptions(
    program.command("recompile")
      .description("rebuild documents' pages from their stored originals (all when no names)")
      .argument("[names...]", "document names or hash prefixes"),
  ).action((names: string[], flags: BatchFlags, command: Command) =>
    run(() => recompileCommand(names, flags, globals(command)))()
  );

  program.command("search")
    .description("full-text search: ranked documents with a snippet and the page to open")
    .argument("<words...>", 'the query ("exact phrase", OR, prefix*)')
    .option("-n, --limit <n>", "most results", parseLimit, 10)
    .action((words: string[], flags: { limit: number }, command: Command) =>
      run(() => searchCommand(words, flags, globals(command)))()
    );

  program.command("query")
    .description(
      "answer a question from the most relevant pages with the configured LLM, citing them (search results without an LLM)",
    )
    .argument("<question...>", "the question")
    .option("-n, --limit <n>", "most documents considered", parseLimit, 10)
    .option("--save", "save the answer to wiki/explorations/")
    .action((words: string[], flags: { limit: number; save?: boolean }, command: Command) =>
      run(() => queryCommand(words, flags, globals(command)))()
    );

  program.command("lint")
    .description(
      "check links, orphans, files vs registry, leftover staging and journals (exit 1 on problems)",
    )
    .action((_flags, command: Command) => run(() => lintCommand(globals(command)))());

  program.command("list")
    .description("list documents: name, type, size, added")
    .action((_flags, command: Command) => run(() => listCommand(globals(command)))());

  program.command("status")
    .description("counts, size on disk, pending journals, last operation")
    .action((_flags, command: Command) => run(() => statusCommand(globals(command)))());

  program.command("recover")
    .description(
      "roll back or finish interrupted changes, rebuild derived pages, remove stale staging",
    )
    .action((_flags, command: Command) => run(() => recoverCommand(globals(command)))());

  return program;
}

/** Turns any error into a message and an exit code. */
function exitCodeForError(error: unknown, json: boolean): number {
  if (error instanceof CommanderError) {
    const quiet = ["commander.helpDisplayed", "commander.version", "commander.help"];
    return quiet.includes(error.code) ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof QuireError) {
    say(`error: ${error.message}${error.hint ? `\nhint: ${error.hint}` : ""}`);
    if (json) {
      printJson({ error: { code: error.code, message: error.message, hint: error.hint ?? null } });
    }
    switch (error.code) {
      case "USAGE":
      case "KB_NOT_FOUND":
      case "CONFIG":
        return EXIT.usage;
      case "LOCKED":
        return EXIT.locked;
      case "ROLLBACK_FAILED":
      case "POISONED":
        return EXIT.rollback;
      case "INTERRUPTED":
        return EXIT.interrupted;
      default:
        return EXIT.failed;
    }
  }
  if (error instanceof InputError) {
    say(`error: ${error.message}`);
    if (json) printJson({ error: { code: error.code, message: error.message, hint: null } });
    return EXIT.failed;
  }
  const stack = error instanceof Error ? error.stack ?? error.message : String(error);
  say(`error: an unexpected failure (a bug in Quire; please report it):\n${stack}`);
  return EXIT.failed;
}

/** Runs the command line and returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    code = exitCodeForError(error, args.includes("--json"));
  }
  return code;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
