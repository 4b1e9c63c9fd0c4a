/**
 * `quire prepare INPUTS… --shard I/N --out DIR`: the first half of `add`,
 * for one shard of the inputs, with the result kept as a prepared bundle
 * (see `prepared_bundle.ts`) instead of committed.
 *
 * Steps: discover the inputs exactly as `add` does (the global order);
 * weigh them and assign shards (`shard_inputs.ts`); run the prepare pool on
 * this shard's inputs, in global order; write each prepared document as an
 * entry (original bytes, source page, the prepared document as data); then
 * write `bundle.json` and rename the bundle into place. Nothing here opens a
 * registry or takes a lock: preparing needs only the settings, which come
 * from the knowledge base's config when one is given (and its cache, so a
 * model is not asked twice), else from the defaults.
 *
 * Choices where the issue was silent:
 *
 * - A shard with no inputs gives a valid bundle with no entries, so that a
 *   CI matrix wider than the batch needs no special case.
 * - `--out` must not exist, or be an empty folder; an existing bundle is
 *   never overwritten.
 * - Inputs that fail to prepare are listed in the bundle with their error
 *   and reported again, in order, when the bundle is committed; a file of a
 *   type Quire does not read, met while walking a folder, is listed as
 *   skipped (`unsupported`), as `add` reports it.
 * - The local dedup check of `add` (skip files already in the knowledge
 *   base before preparing them) is not done: the bundle may be committed
 *   into another knowledge base; `add --from-bundle` skips duplicates.
 *
 * @module
 */

import { basename, dirname, join, resolve } from "node:path";
import type { PrepareSettings } from "../core/config.ts";
import { timestamp } from "../core/clock.ts";
import { crashPoint } from "../core/crash_point.ts";
import { removeIfExists, syncDirectory, writeFileDurably } from "../core/durable_fs.ts";
import { type ErrorPayload, QuireError } from "../core/errors.ts";
import { sha256Bytes } from "../core/hash.ts";
import { type PrepareInput, type StagedDocument, stagedFiles } from "../core/types.ts";
import { QUIRE_VERSION } from "../core/version.ts";
import { compilerIdentity, prepareSettingsDigest } from "./compiler_identity.ts";
import { type DiscoveredInput, discoverInputs } from "./discover_inputs.ts";
import { PreparePool, type Settled } from "./prepare_pool.ts";
import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  bundleChecksum,
  type BundleEntry,
  type BundleManifest,
  entryFolder,
  inputsDigest,
} from "./prepared_bundle.ts";
import { compilerDigest, digestOf, writePreparedEntry } from "./prepared_entry.ts";
import { assignShards, REMOTE_INPUT_WEIGHT, type Shard } from "./shard_inputs.ts";

/** Options of {@linkcode prepareBundle}. */
export interface PrepareBundleOptions {
  shard: Shard;
  /** The bundle folder to create. */
  out: string;
  settings: PrepareSettings;
  /** Name patterns to skip while walking folders. @default [] */
  ignore?: string[];
  /** Prepare workers. @default 1 */
  jobs?: number;
  /** Milliseconds one input may take. */
  timeoutMs: number;
  /** Aborting stops the run; no bundle is left. */
  signal?: AbortSignal;
  /** Called after each input of the shard. */
  onEntry?: (entry: BundleEntry, done: number, total: number) => void;
}

/** What `prepare` did. */
export interface PrepareBundleResult {
  /** The bundle folder, absolute (null when interrupted: no bundle was written). */
  bundle: string | null;
  shard: Shard;
  /** Inputs of the whole batch, and of this shard. */
  inputCount: number;
  shardInputs: number;
  prepared: { index: number; source: string; hash: string }[];
  skipped: { index: number; source: string; reason: string }[];
  failed: { index: number; source: string; code: string; error: string }[];
  interrupted: boolean;
}

function weightOf(item: DiscoveredInput): number {
  if (item.kind !== "input") return 0;
  if (item.input.kind !== "file") return REMOTE_INPUT_WEIGHT;
  try {
    return Deno.statSync(item.input.path).size;
  } catch {
    return 0;
  }
}

/** Checks that `out` can become the bundle: absent, or an empty folder. */
function checkOut(out: string): void {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(out)];
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw new QuireError("USAGE", `Cannot prepare into '${out}': it is not a folder`, {
      hint: "Give --out a new folder",
    });
  }
  if (entries.length > 0) {
    throw new QuireError("USAGE", `Cannot prepare into '${out}': the folder is not empty`, {
      hint: "Give --out a new or empty folder (an existing bundle is never overwritten)",
    });
  }
}

function entryOf(index: number, source: string, error: ErrorPayload, walked: boolean): BundleEntry {
  return error.code === "UNSUPPORTED_TYPE" && walked
    ? { index, source, status: "skipped", reason: "unsupported" }
    : { index, source, status: "failed", code: error.code, error: error.message };
}

/** Writes the staged document of input `index` as the bundle's entry; returns its listing. */
function writeEntry(tmp: string, staged: StagedDocument, settings: PrepareSettings): BundleEntry {
  const { index, stagingDir, ms: _, ...document } = staged;
  const staging = stagedFiles(stagingDir, staged.stagingName);
  const source = Deno.readTextFileSync(join(stagingDir, document.sourceFile));
  const folder = entryFolder(index);
  writePreparedEntry(join(tmp, folder), {
    document,
    compiler: compilerIdentity(settings),
    inputDigest: digestOf(document.document, source),
    files: {
      [document.rawFile]: Deno.readFileSync(join(stagingDir, document.rawFile)),
      [document.sourceFile]: source,
    },
  });
  for (const file of [staging.raw, staging.source, staging.summary]) removeIfExists(file);
  crashPoint("bundle-entry-written");
  const manifest = Deno.readFileSync(join(tmp, folder, "manifest.json"));
  return {
    index,
    source: document.source,
    status: "prepared",
    entry: folder,
    contentHash: document.hash,
    manifestSha256: sha256Bytes(manifest),
  };
}

/**
 * Prepares shard `options.shard` of `args` into a new bundle at `options.out`.
 * @throws {QuireError} `USAGE` when `--out` exists and is not an empty folder.
 */
export async function prepareBundle(
  args: string[],
  options: PrepareBundleOptions,
): Promise<PrepareBundleResult> {
  const out = resolve(options.out);
  checkOut(out);
  const items = await discoverInputs(args, { ignore: options.ignore ?? [] });
  const shardOf = assignShards(items.map(weightOf), options.shard.total);
  const mine = items.flatMap((_, index) => shardOf[index] === options.shard.index ? [index] : []);
  const result: PrepareBundleResult = {
    bundle: null,
    shard: options.shard,
    inputCount: items.length,
    shardInputs: mine.length,
    prepared: [],
    skipped: [],
    failed: [],
    interrupted: false,
  };
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${crypto.randomUUID()}`);
  const stagingRoot = join(tmp, "staging");
  Deno.mkdirSync(stagingRoot, { recursive: true });
  const entries: BundleEntry[] = [];
  const record = (entry: BundleEntry) => {
    entries.push(entry);
    if (entry.status === "prepared") {
      result.prepared.push({ index: entry.index, source: entry.source, hash: entry.contentHash });
    } else if (entry.status === "skipped") {
      result.skipped.push({ index: entry.index, source: entry.source, reason: entry.reason });
    } else {
      const { index, source, code, error } = entry;
      result.failed.push({ index, source, code, error });
    }
    options.onEntry?.(entry, entries.length, mine.length);
  };
  try {
    using pool = new PreparePool({
      jobs: options.jobs ?? 1,
      timeoutMs: options.timeoutMs,
      stagingRoot,
      settings: options.settings,
    });
    const onAbort = () => pool.stop();
    options.signal?.addEventListener("abort", onAbort);
    try {
      // Errors and skipped links settle without a worker; the loop below reads them.
      const plan = (i: number): Promise<PrepareInput | Settled<null>> => {
        const item = items[mine[i]];
        return Promise.resolve(
          item.kind === "input" ? item.input : { kind: "settled", index: i, value: null },
        );
      };
      for await (const outcome of pool.prepareInOrder(mine.length, plan)) {
        if (options.signal?.aborted) break;
        const index = mine[outcome.index];
        const item = items[index];
        if (outcome.kind === "staged") {
          record(writeEntry(tmp, { ...outcome.document, index }, options.settings));
        } else if (item.kind === "skipped") {
          const { source, reason, target } = item;
          record({ index, source, status: "skipped", reason, target });
        } else if (outcome.kind === "failed") {
          const walked = item.kind === "input" && item.walked === true;
          record(entryOf(index, item.source, outcome.error, walked));
        } else if (item.kind === "error") {
          record(entryOf(index, item.source, item.error, item.walked === true));
        }
      }
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }
    if (options.signal?.aborted || entries.length < mine.length) {
      result.interrupted = true;
      removeIfExists(tmp);
      return result;
    }
    removeIfExists(stagingRoot);
    const compiler = compilerIdentity(options.settings);
    const manifest: Omit<BundleManifest, "checksum"> = {
      format: BUNDLE_FORMAT,
      formatVersion: BUNDLE_VERSION,
      quireVersion: QUIRE_VERSION,
      createdAt: timestamp(),
      shard: options.shard,
      inputCount: items.length,
      inputsDigest: inputsDigest(items.map((item) => item.source)),
      compiler,
      compilerDigest: compilerDigest(compiler),
      settingsDigest: prepareSettingsDigest(options.settings),
      entries,
    };
    const text = JSON.stringify({ ...manifest, checksum: bundleChecksum(manifest) }, null, 2);
    // The manifest last: a folder without a whole bundle.json is not a bundle.
    writeFileDurably(join(tmp, "bundle.json"), text + "\n");
    syncDirectory(tmp);
    crashPoint("bundle-manifest-written");
    removeIfExists(out); // An empty folder (checked above) cannot be renamed over on every OS.
    Deno.renameSync(tmp, out);
    syncDirectory(dirname(out));
    result.bundle = out;
    return result;
  } catch (error) {
    removeIfExists(tmp);
    throw error;
  }
}
