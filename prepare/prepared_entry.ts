/**
 * A **prepared entry**: one prepared document as a self-contained directory
 * that can be checked on its own. It is the one format of the
 * prepared-results cache (`.quire/cache/prepared/`, see
 * `prepared_cache.ts`) and of prepared bundles (documents prepared on
 * another machine and committed later).
 *
 * ```
 * <entry>/
 *   manifest.json   what the entry is, and the checksum of every other file (written last)
 *   document.json   the prepared document: a StagedDocument without index, stagingDir and ms
 *   source.md       the finished `wiki/sources` page (the document's `sourceFile`)
 *   raw.<ext>       the original bytes (the document's `rawFile`); optional: a bundle
 *                   carries it, the cache does not (whoever looks an entry up by
 *                   content hash holds those bytes already)
 * ```
 *
 * `manifest.json`:
 *
 * ```json
 * {
 *   "format": "quire-prepared-entry",
 *   "formatVersion": 1,
 *   "quireVersion": "0.1.0",
 *   "createdAt": "2026-01-02T03:04:05Z",
 *   "contentHash": "<SHA-256 of the original bytes, hex>",
 *   "compiler": { "kind": "llm", "model": "…", "promptVersion": 2, … },
 *   "compilerDigest": "<SHA-256 of the canonical JSON of compiler>",
 *   "inputDigest": "<SHA-256 of what the compiler was shown (the converted document)>",
 *   "files": {
 *     "document.json": { "sha256": "…", "bytes": 1234 },
 *     "source.md": { "sha256": "…", "bytes": 5678 }
 *   }
 * }
 * ```
 *
 * `compiler` is the compiler's identity: every setting that changes its
 * output (for the LLM: endpoint, model, prompt version and digest, budgets,
 * concepts per document, language; for the offline compiler its version
 * and settings). Canonical JSON sorts object keys at every level.
 *
 * **Verified on read** ({@linkcode readPreparedEntry}): the format and
 * version are known; every field has its type; every listed file exists
 * with its size and SHA-256; `document.json` and the document's source file
 * are listed; `document.json` has the shape of a prepared document (every
 * field typed, a known compiler, well-formed concepts) and names the same content hash, and a listed raw
 * file hashes to it; `compilerDigest` matches `compiler`; file names are
 * plain names (no `/`, no leading dot). Anything else throws
 * {@linkcode PreparedEntryError}: the entry is never trusted in part.
 *
 * **Written atomically** ({@linkcode writePreparedEntry}): into a fresh
 * sibling directory, each file written and fsynced, the manifest last, then
 * renamed into place and the parent directory fsynced. A crash leaves no
 * entry or a whole one, never part of one, plus perhaps an orphaned
 * temporary directory (`.<name>.tmp-<id>`). Replacing an entry removes the
 * old one just before the rename (a directory cannot be renamed over a
 * non-empty one), so a crash at that instant leaves neither: for a cache,
 * a miss.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { timestamp } from "../core/clock.ts";
import {
  ensureDirectory,
  removeIfExists,
  syncDirectory,
  writeFileDurably,
} from "../core/durable_fs.ts";
import { errorMessage } from "../core/errors.ts";
import { sha256Bytes } from "../core/hash.ts";
import type { StagedDocument } from "../core/types.ts";
import { QUIRE_VERSION } from "../core/version.ts";

/** The format name in `manifest.json`. */
export const PREPARED_ENTRY_FORMAT = "quire-prepared-entry";
/** The format version this build reads and writes. */
export const PREPARED_ENTRY_VERSION = 1;

/** A prepared document without the parts that belong to one batch. */
export type PreparedDocument = Omit<StagedDocument, "index" | "stagingDir" | "ms">;

/** A compiler's identity: its kind and every setting that changes its output. */
export interface CompilerIdentity {
  kind: string;
  [setting: string]: string | number | boolean;
}

/** One file's checksum. */
export interface PreparedFile {
  sha256: string;
  bytes: number;
}

/** The parsed `manifest.json`. */
export interface PreparedManifest {
  format: typeof PREPARED_ENTRY_FORMAT;
  formatVersion: number;
  quireVersion: string;
  createdAt: string;
  contentHash: string;
  compiler: CompilerIdentity;
  compilerDigest: string;
  inputDigest: string;
  files: Record<string, PreparedFile>;
}

/** A verified entry. */
export interface PreparedEntry {
  dir: string;
  manifest: PreparedManifest;
  document: PreparedDocument;
}

/** What {@linkcode writePreparedEntry} writes. */
export interface PreparedEntryContent {
  document: PreparedDocument;
  compiler: CompilerIdentity;
  inputDigest: string;
  /** The files besides `document.json`, by name: the source page, and optionally the raw bytes. */
  files: Record<string, string | Uint8Array>;
}

/** An entry that is missing, damaged or of an unknown format. */
export class PreparedEntryError extends Error {
  constructor(dir: string, problem: string) {
    super(`Cannot use prepared entry '${dir}': ${problem}`);
    this.name = "PreparedEntryError";
  }
}

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value).sort();
    const record = value as Record<string, unknown>;
    return `{${
      keys.filter((k) => record[k] !== undefined)
        .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")
    }}`;
  }
  return JSON.stringify(value);
}

/** The SHA-256 of a compiler identity's canonical JSON. */
export function compilerDigest(identity: CompilerIdentity): string {
  return sha256Bytes(canonicalJson(identity));
}

/** The SHA-256 of a value's canonical JSON followed by a long text (hashed without copying). */
export function digestOf(value: unknown, text = ""): string {
  return createHash("sha256").update(canonicalJson(value)).update("\0").update(text).digest("hex");
}

function isPlainName(name: string): boolean {
  return /^[^/\\\0]+$/.test(name) && !name.startsWith(".") && name !== "manifest.json";
}

/**
 * Writes an entry at `dir` atomically (see the module doc), replacing any
 * entry already there. Returns its manifest.
 */
export function writePreparedEntry(dir: string, content: PreparedEntryContent): PreparedManifest {
  const { document } = content;
  const files: Record<string, string | Uint8Array> = {
    ...content.files,
    "document.json": JSON.stringify(document),
  };
  for (const name of Object.keys(files)) {
    if (!isPlainName(name)) throw new PreparedEntryError(dir, `'${name}' is not a plain file name`);
  }
  const parent = dirname(dir);
  ensureDirectory(parent);
  const tmp = join(parent, `.${basename(dir)}.tmp-${crypto.randomUUID().slice(0, 8)}`);
  Deno.mkdirSync(tmp);
  try {
    const listed: Record<string, PreparedFile> = {};
    for (const [name, data] of Object.entries(files)) {
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
      writeFileDurably(join(tmp, name), bytes);
      listed[name] = { sha256: sha256Bytes(bytes), bytes: bytes.length };
    }
    const manifest: PreparedManifest = {
      format: PREPARED_ENTRY_FORMAT,
      formatVersion: PREPARED_ENTRY_VERSION,
      quireVersion: QUIRE_VERSION,
      createdAt: timestamp(),
      contentHash: document.hash,
      compiler: content.compiler,
      compilerDigest: compilerDigest(content.compiler),
      inputDigest: content.inputDigest,
      files: listed,
    };
    // The manifest last: a directory without one is never an entry.
    writeFileDurably(join(tmp, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
    syncDirectory(tmp);
    removeIfExists(dir);
    Deno.renameSync(tmp, dir);
    syncDirectory(parent);
    return manifest;
  } catch (error) {
    removeIfExists(tmp);
    throw error;
  }
}

function readManifest(dir: string): PreparedManifest {
  let text: string;
  try {
    text = Deno.readTextFileSync(join(dir, "manifest.json"));
  } catch (error) {
    throw new PreparedEntryError(
      dir,
      error instanceof Deno.errors.NotFound ? "no manifest.json" : errorMessage(error),
    );
  }
  let manifest: PreparedManifest;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw new PreparedEntryError(dir, "manifest.json is not valid JSON");
  }
  const bad = (problem: string) => new PreparedEntryError(dir, `manifest.json ${problem}`);
  if (manifest?.format !== PREPARED_ENTRY_FORMAT) throw bad("is not a prepared-entry manifest");
  if (manifest.formatVersion !== PREPARED_ENTRY_VERSION) {
    throw bad(`has format version ${manifest.formatVersion}, not ${PREPARED_ENTRY_VERSION}`);
  }
  for (const key of ["quireVersion", "createdAt", "contentHash", "compilerDigest", "inputDigest"]) {
    if (typeof (manifest as unknown as Record<string, unknown>)[key] !== "string") {
      throw bad(`has no string '${key}'`);
    }
  }
  if (typeof manifest.compiler !== "object" || typeof manifest.compiler?.kind !== "string") {
    throw bad("has no compiler identity");
  }
  if (compilerDigest(manifest.compiler) !== manifest.compilerDigest) {
    throw bad("has a compiler digest that does not match its compiler");
  }
  if (typeof manifest.files !== "object" || manifest.files === null) throw bad("lists no files");
  return manifest;
}

const COMPILERS = new Set(["offline", "llm", "offline-fallback"]);

/** What is wrong with the shape of a parsed `document.json`, or null. */
function documentShapeProblem(document: PreparedDocument): string | null {
  const isString = (value: unknown) => typeof value === "string";
  for (const key of ["source", "origin", "rawFile", "sourceFile", "hash", "nameHint"] as const) {
    if (!isString(document[key])) return `has no string '${key}'`;
  }
  if (!isPlainName(document.rawFile) || !isPlainName(document.sourceFile)) {
    return "names a file that is not a plain file name";
  }
  if (!Number.isInteger(document.bytes) || document.bytes < 0) return "has no byte count";
  const converted = document.document;
  if (typeof converted !== "object" || converted === null || !isString(converted.type)) {
    return "has no converted document";
  }
  if (
    !isString(converted.ext) || !isString(converted.title) || !Array.isArray(converted.sections)
  ) {
    return "has a converted document without ext, title or sections";
  }
  const compiled = document.compiled;
  if (typeof compiled !== "object" || compiled === null || !COMPILERS.has(compiled.compiler)) {
    return "has no compiled document of a known compiler";
  }
  if (!isString(compiled.summary) || !isString(compiled.description)) {
    return "has a compiled document without summary or description";
  }
  if (!Array.isArray(compiled.keyPhrases) || !Array.isArray(compiled.concepts)) {
    return "has a compiled document without key phrases or concepts";
  }
  for (const c of compiled.concepts) {
    if (
      !isString(c?.slug) || !isString(c?.label) || !isString(c?.note) ||
      typeof c?.score !== "number" || typeof c?.prominent !== "boolean"
    ) {
      return "has a concept without slug, label, note, score or prominent";
    }
  }
  return null;
}

/**
 * Reads and verifies the entry at `dir` (see the module doc).
 * @throws {PreparedEntryError} when it is missing, damaged or of another format.
 */
export function readPreparedEntry(dir: string): PreparedEntry {
  const manifest = readManifest(dir);
  const contents = new Map<string, Uint8Array>();
  for (const [name, file] of Object.entries(manifest.files)) {
    if (!isPlainName(name)) throw new PreparedEntryError(dir, `'${name}' is not a plain file name`);
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(join(dir, name));
    } catch {
      throw new PreparedEntryError(dir, `'${name}' is missing or unreadable`);
    }
    if (bytes.length !== file?.bytes || sha256Bytes(bytes) !== file?.sha256) {
      throw new PreparedEntryError(dir, `'${name}' does not match its checksum`);
    }
    contents.set(name, bytes);
  }
  const documentBytes = contents.get("document.json");
  if (documentBytes === undefined) throw new PreparedEntryError(dir, "no document.json");
  let document: PreparedDocument;
  try {
    document = JSON.parse(new TextDecoder().decode(documentBytes));
  } catch {
    throw new PreparedEntryError(dir, "document.json is not valid JSON");
  }
  if (document?.hash !== manifest.contentHash) {
    throw new PreparedEntryError(dir, "document.json is for other content");
  }
  const shape = documentShapeProblem(document);
  if (shape !== null) throw new PreparedEntryError(dir, `document.json ${shape}`);
  if (!contents.has(document.sourceFile)) {
    throw new PreparedEntryError(dir, `the source page '${document.sourceFile}' is not listed`);
  }
  const raw = contents.get(document.rawFile);
  if (raw !== undefined && sha256Bytes(raw) !== manifest.contentHash) {
    throw new PreparedEntryError(dir, `'${document.rawFile}' is not the content it names`);
  }
  return { dir, manifest, document };
}
