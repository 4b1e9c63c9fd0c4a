/**
 * The first step of `add --from-bundle DIR…`: verify every bundle (every
 * file of every entry, see `prepared_bundle.ts`), check that they belong
 * together and to this knowledge base, and turn their inputs into one list
 * in the global input order, for the usual batch (`run_batch.ts`), which
 * then dedups, names and commits them exactly like `add` would have.
 *
 * Bundles belong together when they come from one batch: the same inputs
 * (`inputsDigest`), the same number of shards, the same compiler and
 * settings, and each shard at most once. Not every shard has to be given:
 * the shards given are committed in global order and the others can follow
 * later. They belong to the knowledge base when their compiler identity and
 * settings digest equal those of its config, unless `acceptCompiler` says
 * to take them anyway.
 *
 * @module
 */

import type { PrepareSettings } from "../core/config.ts";
import { type InputErrorCode, QuireError } from "../core/errors.ts";
import { compilerIdentity, prepareSettingsDigest } from "./compiler_identity.ts";
import type { DiscoveredInput } from "./discover_inputs.ts";
import { type Bundle, readBundle } from "./prepared_bundle.ts";
import { compilerDigest } from "./prepared_entry.ts";

/** Options of {@linkcode openBundles}. */
export interface OpenBundlesOptions {
  /** The knowledge base's prepare settings. */
  settings: PrepareSettings;
  /** Commit bundles made with another compiler or settings. @default false */
  acceptCompiler?: boolean;
}

/** One verified bundle, as reported. */
export interface OpenedBundle {
  dir: string;
  shard: string;
  entries: number;
}

function refuse(message: string, hint: string): QuireError {
  return new QuireError("BUNDLE", message, { hint });
}

function checkTogether(bundles: Bundle[]): void {
  const [first] = bundles;
  const seen = new Map<number, string>();
  for (const bundle of bundles) {
    const m = bundle.manifest;
    const f = first.manifest;
    if (m.inputsDigest !== f.inputsDigest || m.inputCount !== f.inputCount) {
      throw refuse(
        `Cannot commit bundles '${first.dir}' and '${bundle.dir}' together: they were prepared from different inputs`,
        "Give the bundles of one `quire prepare` run (the same inputs on every shard)",
      );
    }
    if (m.shard.total !== f.shard.total) {
      throw refuse(
        `Cannot commit bundles '${first.dir}' and '${bundle.dir}' together: one is a shard of ${f.shard.total}, the other of ${m.shard.total}`,
        "Give the bundles of one `quire prepare` run (the same N in --shard I/N)",
      );
    }
    if (m.compilerDigest !== f.compilerDigest || m.settingsDigest !== f.settingsDigest) {
      throw refuse(
        `Cannot commit bundles '${first.dir}' and '${bundle.dir}' together: they were prepared with different compilers or settings`,
        "Prepare every shard with the same configuration",
      );
    }
    const other = seen.get(m.shard.index);
    if (other !== undefined) {
      throw refuse(
        `Cannot commit bundles '${other}' and '${bundle.dir}': both claim shard ${m.shard.index}/${m.shard.total}`,
        "Give each shard once",
      );
    }
    seen.set(m.shard.index, bundle.dir);
  }
}

function checkCompatible(bundle: Bundle, settings: PrepareSettings): void {
  const ours = compilerIdentity(settings);
  const m = bundle.manifest;
  if (m.compilerDigest !== compilerDigest(ours)) {
    throw refuse(
      `Cannot commit bundle '${bundle.dir}': it was prepared by another compiler (${
        JSON.stringify(m.compiler)
      }) than this knowledge base's (${JSON.stringify(ours)})`,
      "Prepare it with this knowledge base's config (`quire prepare --kb KB …`), or pass --accept-compiler to commit it as it is",
    );
  }
  if (m.settingsDigest !== prepareSettingsDigest(settings)) {
    throw refuse(
      `Cannot commit bundle '${bundle.dir}': it was prepared with other settings than this knowledge base's config (limits, language, concepts or model)`,
      "Prepare it with this knowledge base's config (`quire prepare --kb KB …`), or pass --accept-compiler to commit it as it is",
    );
  }
}

/**
 * Verifies the bundles at `dirs` and returns their inputs in global order.
 * @throws {QuireError} `BUNDLE` for a damaged, incomplete or foreign bundle, or bundles that do not belong together.
 */
export function openBundles(
  dirs: string[],
  options: OpenBundlesOptions,
): { items: DiscoveredInput[]; bundles: OpenedBundle[] } {
  const bundles = dirs.map((dir) => readBundle(dir));
  if (bundles.length === 0) return { items: [], bundles: [] };
  checkTogether(bundles);
  if (!options.acceptCompiler) checkCompatible(bundles[0], options.settings);
  const indexed: { index: number; item: DiscoveredInput }[] = [];
  for (const bundle of bundles) {
    for (const entry of bundle.manifest.entries) {
      const { index, source } = entry;
      if (entry.status === "prepared") {
        const entryDir = bundle.prepared.get(index)!.dir;
        indexed.push({
          index,
          item: { kind: "input", input: { kind: "prepared", entryDir, source }, source },
        });
      } else if (entry.status === "skipped" && entry.reason === "outside-folder") {
        indexed.push({
          index,
          item: { kind: "skipped", reason: entry.reason, source, target: entry.target },
        });
      } else if (entry.status === "skipped") {
        const message = `Cannot add '${source}': a file of a type Quire does not read`;
        indexed.push({
          index,
          item: {
            kind: "error",
            error: { code: "UNSUPPORTED_TYPE", message, path: source },
            source,
            walked: true,
          },
        });
      } else {
        indexed.push({
          index,
          item: {
            kind: "error",
            // The code was an input error's code of this same Quire version.
            error: { code: entry.code as InputErrorCode, message: entry.error, path: source },
            source,
          },
        });
      }
    }
  }
  indexed.sort((a, b) => a.index - b.index);
  return {
    items: indexed.map((i) => i.item),
    bundles: bundles.map((b) => ({
      dir: b.dir,
      shard: `${b.manifest.shard.index}/${b.manifest.shard.total}`,
      entries: b.manifest.entries.length,
    })),
  };
}
