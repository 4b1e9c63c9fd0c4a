/**
 * The changing commands that are not batches: `init`, `remove`, `recover`
 * and `repair`. Each takes the exclusive lock through `commit/`.
 *
 * @module
 */

import { kbLayout } from "../core/mod.ts";
import {
  initKnowledgeBase,
  isCleanRecovery,
  removeDocuments,
  repairRegistry,
  runRecovery,
} from "../commit/mod.ts";
import { describeRecovery } from "./describe_recovery.ts";
import { EXIT } from "./exit_code.ts";
import { locateKnowledgeBase } from "./locate_kb.ts";
import { type GlobalOptions, printJson, say } from "./output.ts";

/** `quire init [DIR]`. */
export async function initCommand(
  dir: string | undefined,
  options: GlobalOptions,
): Promise<number> {
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

/** `quire remove NAMES…`. */
export async function removeCommand(targets: string[], options: GlobalOptions): Promise<number> {
  const layout = locateKnowledgeBase(options);
  const result = await removeDocuments(layout, targets, { waitSeconds: options.wait });
  if (!isCleanRecovery(result.recovery)) say(describeRecovery(result.recovery));
  for (const r of result.removed) if (!options.quiet) say(`removed ${r.name} (${r.source})`);
  for (const f of result.failed) say(`failed ${f.target}: ${f.error}`);
  if (result.rollbackFailed !== null) {
    say(`Stopped: ${result.rollbackFailed}\nhint: Run \`quire recover\` once the cause is fixed`);
  }
  say(`Removed ${result.removed.length}, failed ${result.failed.length}`);
  if (result.pagesPending !== null) say(`error: ${result.pagesPending}`);
  if (options.json) printJson(result);
  if (result.rollbackFailed !== null) return EXIT.rollback;
  return result.failed.length > 0 || result.pagesPending !== null ? EXIT.failed : EXIT.ok;
}

/** `quire recover`. */
export async function recoverCommand(options: GlobalOptions): Promise<number> {
  const report = await runRecovery(locateKnowledgeBase(options), { waitSeconds: options.wait });
  if (options.json) printJson(report);
  else say(describeRecovery(report));
  return EXIT.ok;
}

/** `quire repair [--force]`: exit 1 when some files could not be restored. */
export async function repairCommand(
  flags: { force?: boolean },
  options: GlobalOptions,
): Promise<number> {
  const layout = locateKnowledgeBase(options);
  const result = await repairRegistry(layout, { waitSeconds: options.wait, force: flags.force });
  if (options.json) printJson(result);
  if (!result.repaired) {
    say(
      `Nothing to repair: the registry '${layout.registry}' is whole (${result.documents} documents); \`quire repair --force\` rebuilds it from the files anyway`,
    );
    return EXIT.ok;
  }
  say(
    `Repaired the registry '${layout.registry}' (${result.problem}): restored ${result.documents} documents and ${result.explorations} explorations from the files on disk; rebuilt ${result.pagesRebuilt} shared pages`,
  );
  if (result.keptAs.length > 0) say(`The old registry is kept as ${result.keptAs.join(", ")}`);
  for (const note of result.notes) say(`note ${note.name}: ${note.note}`);
  for (const skipped of result.skipped) say(`not restored ${skipped.path}: ${skipped.reason}`);
  return result.skipped.length > 0 ? EXIT.failed : EXIT.ok;
}
