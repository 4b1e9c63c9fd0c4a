/**
 * A **prepared bundle**: the documents of one shard of a batch, prepared on
 * one machine, as a plain folder that survives being uploaded and downloaded
 * as a CI artifact and is committed later on another machine by
 * `quire add --from-bundle`.
 *
 * ```
 * <bundle>/
 *   bundle.json          the manifest (written last)
 *   entries/<index>/     one prepared entry per prepared input (prepared_entry.ts),
 *                        each with its original bytes, named by its global index
 * ```
 *
 * `bundle.json`:
 *
 * ```json
 * {
 *   "format": "quire-prepared-bundle",
 *   "formatVersion": 1,
 *   "quireVersion": "0.1.0",
 *   "createdAt": "2026-01-02T03:04:05Z",
 *   "shard": { "index": 2, "total": 4 },
 *   "inputCount": 120,
 *   "inputsDigest": "<SHA-256 of the whole batch's sources, in order>",
 *   "compiler": { "kind": "offline", … },
 *   "compilerDigest": "…",
 *   "settingsDigest": "<SHA-256 of the prepare settings that change content>",
 *   "entries": [
 *     { "index": 3, "source": "/docs/a.md", "status": "prepared",
 *       "entry": "entries/000003", "contentHash": "…", "manifestSha256": "…" },
 *     { "index": 7, "source": "/docs/b.png", "status": "skipped", "reason": "unsupported" },
 *     { "index": 8, "source": "/docs/etc", "status": "skipped", "reason": "outside-folder",
 *       "target": "/etc" },
 *     { "index": 9, "source": "/docs/c.pdf", "status": "failed",
 *       "code": "ENCRYPTED", "error": "Cannot add …" }
 *   ],
 *   "checksum": "<SHA-256 of the canonical JSON of everything above>"
 * }
 * ```
 *
 * Every input of the shard is listed in global order, so the bundles of all
 * shards together account for every input exactly once. A prepared entry's
 * own manifest checksums each of its files, and `manifestSha256` pins that
 * manifest, so a flipped byte anywhere is found. The whole bundle is
 * verified before anything is committed ({@linkcode readBundle}): a missing
 * file, a changed byte, a truncated manifest or an entry of other content is
 * refused, with the bundle and the file named.
 *
 * A bundle is written into a temporary sibling folder and renamed into
 * place once `bundle.json` is durable, so a crash while writing leaves no
 * folder that passes verification.
 *
 * @module
 */

import { join } from "node:path";
import { errorMessage, QuireError } from "../core/errors.ts";
import { sha256Bytes } from "../core/hash.ts";
import { QUIRE_VERSION } from "../core/version.ts";
import {
  canonicalJson,
  compilerDigest,
  type CompilerIdentity,
  type PreparedEntry,
  readPreparedEntry,
} from "./prepared_entry.ts";
import type { Shard } from "./shard_inputs.ts";

/** The format name in `bundle.json`. */
export const BUNDLE_FORMAT = "quire-prepared-bundle";
/** The bundle format version this build reads and writes. */
export const BUNDLE_VERSION = 1;

/** One input of the shard, as the bundle lists it. */
export type BundleEntry =
  | {
    index: number;
    source: string;
    status: "prepared";
    /** The entry's folder, relative to the bundle. */
    entry: string;
    contentHash: string;
    manifestSha256: string;
  }
  | { index: number; source: string; status: "skipped"; reason: "unsupported" }
  | { index: number; source: string; status: "skipped"; reason: "outside-folder"; target: string }
  | { index: number; source: string; status: "failed"; code: string; error: string };

/** The parsed `bundle.json`. */
export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  formatVersion: number;
  quireVersion: string;
  createdAt: string;
  shard: Shard;
  inputCount: number;
  inputsDigest: string;
  compiler: CompilerIdentity;
  compilerDigest: string;
  settingsDigest: string;
  entries: BundleEntry[];
  checksum: string;
}

/** A verified bundle: its manifest and its prepared entries by global index. */
export interface Bundle {
  dir: string;
  manifest: BundleManifest;
  prepared: Map<number, PreparedEntry>;
}

/** The checksum `bundle.json` carries: of its canonical JSON without `checksum`. */
export function bundleChecksum(manifest: Omit<BundleManifest, "checksum">): string {
  const { checksum: _, ...rest } = manifest as BundleManifest;
  return sha256Bytes(new TextEncoder().encode(canonicalJson(rest)));
}

/** The digest of a batch's inputs: their sources, in global order. */
export function inputsDigest(sources: readonly string[]): string {
  return sha256Bytes(new TextEncoder().encode(canonicalJson(sources)));
}

/** The folder name of the entry of input `index` (zero-padded, so folders sort in order). */
export function entryFolder(index: number): string {
  return `entries/${String(index).padStart(6, "0")}`;
}

function bundleError(dir: string, problem: string, hint?: string): QuireError {
  return new QuireError("BUNDLE", `Cannot use bundle '${dir}': ${problem}`, {
    hint: hint ??
      "Prepare this shard again with `quire prepare … --shard I/N --out DIR`, or download the bundle again",
  });
}

function readManifest(dir: string): BundleManifest {
  let text: string;
  try {
    text = Deno.readTextFileSync(join(dir, "bundle.json"));
  } catch (error) {
    throw bundleError(
      dir,
      error instanceof Deno.errors.NotFound
        ? "it has no bundle.json (it is not a prepared bundle, or it was not finished)"
        : `bundle.json cannot be read (${errorMessage(error)})`,
    );
  }
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw bundleError(dir, "bundle.json is not valid JSON (truncated?)");
  }
  if (manifest?.format !== BUNDLE_FORMAT) {
    throw bundleError(dir, "bundle.json is not a prepared-bundle manifest");
  }
  if (manifest.formatVersion !== BUNDLE_VERSION) {
    throw bundleError(
      dir,
      `it has bundle format version ${manifest.formatVersion}; this Quire reads version ${BUNDLE_VERSION}`,
    );
  }
  if (typeof manifest.checksum !== "string" || bundleChecksum(manifest) !== manifest.checksum) {
    throw bundleError(dir, "bundle.json does not match its checksum (changed or damaged)");
  }
  if (manifest.quireVersion !== QUIRE_VERSION) {
    throw bundleError(
      dir,
      `it was prepared by Quire ${manifest.quireVersion}, and this is Quire ${QUIRE_VERSION}`,
      `Prepare it again with Quire ${QUIRE_VERSION}`,
    );
  }
  if (compilerDigest(manifest.compiler) !== manifest.compilerDigest) {
    throw bundleError(dir, "its compiler digest does not match its compiler");
  }
  const { index, total } = manifest.shard ?? {};
  if (!Number.isInteger(index) || !Number.isInteger(total) || index < 1 || index > total) {
    throw bundleError(dir, "bundle.json names no valid shard");
  }
  if (!Array.isArray(manifest.entries) || !Number.isInteger(manifest.inputCount)) {
    throw bundleError(dir, "bundle.json lists no entries");
  }
  return manifest;
}

/**
 * Reads and verifies the bundle at `dir`: its manifest, and every prepared
 * entry with every file of it.
 * @throws {QuireError} `BUNDLE` naming what is wrong; nothing is trusted in part.
 */
export function readBundle(dir: string): Bundle {
  const manifest = readManifest(dir);
  const prepared = new Map<number, PreparedEntry>();
  let previous = -1;
  for (const entry of manifest.entries) {
    if (!Number.isInteger(entry?.index) || entry.index <= previous) {
      throw bundleError(dir, "bundle.json lists its inputs out of order");
    }
    if (entry.index >= manifest.inputCount) {
      throw bundleError(dir, `bundle.json lists input ${entry.index} of ${manifest.inputCount}`);
    }
    previous = entry.index;
    if (entry.status !== "prepared") continue;
    if (entry.entry !== entryFolder(entry.index)) {
      throw bundleError(dir, `input ${entry.index} names an unexpected folder '${entry.entry}'`);
    }
    const path = join(dir, entry.entry);
    let read: PreparedEntry;
    try {
      const manifestBytes = Deno.readFileSync(join(path, "manifest.json"));
      if (sha256Bytes(manifestBytes) !== entry.manifestSha256) {
        throw new Error("its manifest.json does not match the bundle's checksum");
      }
      read = readPreparedEntry(path);
    } catch (error) {
      throw bundleError(
        dir,
        `the entry of '${entry.source}' (${entry.entry}): ${errorMessage(error)}`,
      );
    }
    if (read.manifest.contentHash !== entry.contentHash || read.document.source !== entry.source) {
      throw bundleError(dir, `the entry ${entry.entry} is not the document bundle.json names`);
    }
    if (read.manifest.files[read.document.rawFile] === undefined) {
      throw bundleError(dir, `the entry ${entry.entry} does not carry its original`);
    }
    prepared.set(entry.index, read);
  }
  return { dir, manifest, prepared };
}
