/**
 * `quire prepare INPUTS… --shard I/N --out DIR`: prepares one shard of a
 * batch into a bundle (see `prepare/prepare_bundle.ts`) for a later
 * `quire add --from-bundle`.
 *
 * The settings come from the knowledge base when there is one (`--kb`,
 * `$QUIRE_KB`, or the nearest parent folder with a `.quire/`), so that the
 * bundle matches the knowledge base it will be committed into and the
 * model's answers already cached there are reused; with none, from the
 * defaults. The shard comes from `--shard`, else from the environment
 * (`$QUIRE_SHARD`, or the variables of Kubernetes, Slurm, GitLab, CircleCI
 * and Buildkite: see `prepare/shard_inputs.ts`), else 1/1.
 *
 * Exit codes: 0 when the bundle was written, even if some inputs failed to
 * prepare (they are listed in the bundle and fail again, visibly, when it
 * is committed, so one bad document does not stop a CI matrix); 2 for bad
 * arguments; 130 when interrupted (no bundle is left).
 *
 * @module
 */

import {
  defaultConfig,
  findKnowledgeBase,
  loadConfig,
  prepareSettings,
  type QuireConfig,
} from "../core/mod.ts";
import {
  parseShard,
  prepareBundle,
  type PrepareBundleResult,
  shardFromEnv,
} from "../prepare/mod.ts";
import type { BatchFlags } from "./batch_commands.ts";
import { EXIT } from "./exit_code.ts";
import { withInterrupts } from "./interrupts.ts";
import { locateKnowledgeBase } from "./locate_kb.ts";
import { type GlobalOptions, printJson, say } from "./output.ts";

/** The flags of `prepare`. */
export interface PrepareFlags extends BatchFlags {
  out: string;
  shard?: string;
}

function describe(result: PrepareBundleResult, seconds: number): string {
  const { shard } = result;
  const counts = `${result.prepared.length} prepared, ${result.skipped.length} skipped, ` +
    `${result.failed.length} failed`;
  if (result.bundle === null) {
    return `Interrupted: shard ${shard.index}/${shard.total} was not finished; no bundle was written`;
  }
  let text = `Prepared shard ${shard.index}/${shard.total}: ${result.shardInputs} of ` +
    `${result.inputCount} inputs (${counts}) into '${result.bundle}' in ${seconds.toFixed(1)} s`;
  if (result.failed.length > 0) {
    text += `\nnote: ${result.failed.length} inputs failed; the bundle lists them, and ` +
      "`add --from-bundle` reports them again";
  }
  return text;
}

/** `quire prepare INPUTS… --out DIR [--shard I/N]`. */
export async function prepareCommand(
  inputs: string[],
  flags: PrepareFlags,
  options: GlobalOptions,
): Promise<number> {
  const shard = flags.shard !== undefined
    ? parseShard(flags.shard)
    : shardFromEnv((name) => Deno.env.get(name)) ?? { index: 1, total: 1 };
  let config: QuireConfig = defaultConfig();
  let cacheDir: string | null = null;
  if (findKnowledgeBase({ flag: options.kb }) !== undefined) {
    const layout = locateKnowledgeBase(options);
    config = await loadConfig(layout.config);
    if (config.llm !== null) cacheDir = layout.cache;
  }
  const started = performance.now();
  const result = await withInterrupts((signal) =>
    prepareBundle(inputs, {
      shard,
      out: flags.out,
      settings: prepareSettings(config, { llmFallback: flags.fallback, cacheDir }),
      ignore: config.ignore,
      jobs: flags.jobs,
      timeoutMs: (flags.timeout ?? config.limits.prepareTimeoutSeconds) * 1000,
      signal,
      onEntry: (entry) => {
        if (options.quiet && entry.status !== "failed") return;
        const line = entry.status === "prepared"
          ? `prepared ${entry.source}`
          : entry.status === "skipped"
          ? `skipped ${entry.source}: ${entry.reason}`
          : `failed ${entry.source}: ${entry.error}`;
        say(line);
      },
    })
  );
  say(describe(result, (performance.now() - started) / 1000));
  if (options.json) printJson(result);
  return result.interrupted ? EXIT.interrupted : EXIT.ok;
}
