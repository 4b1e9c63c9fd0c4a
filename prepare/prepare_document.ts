/**
 * The per-document work of a prepare worker: read → hash → convert →
 * section tree → summary and concepts, with every file written into the
 * worker's private staging directory and nowhere else.
 *
 * The staging directory ends up holding `raw.<ext>` (the original bytes,
 * exactly those that were hashed and converted) and `source.md` (the finished
 * `wiki/sources` page), both fsynced, so the coordinator can publish them by
 * rename. What is returned is a {@linkcode StagedDocument}: data only.
 *
 * Local files larger than {@linkcode MAX_FILE_BYTES} are refused rather than
 * read into memory.
 *
 * The compile step is `compile_document.ts` (offline, or the model with its
 * cache, fail-fast block, deadline and fallback). A fresh model answer is
 * stored in the prepared-results cache once the staged files are written;
 * the model's use is counted into the caller's {@linkcode LlmReport}, which
 * the worker sends back whether the input succeeds or fails.
 *
 * @module
 */

import { basename, join } from "node:path";
import { errorMessage, InputError } from "../core/errors.ts";
import type { PrepareSettings } from "../core/config.ts";
import { emptyLlmReport, type LlmReport } from "../core/llm_usage.ts";
import { writeFileDurably } from "../core/durable_fs.ts";
import { sha256Bytes } from "../core/hash.ts";
import { fileStem } from "../core/naming.ts";
import {
  type ConvertedDocument,
  type PrepareInput,
  sourceOf,
  type StagedDocument,
} from "../core/types.ts";
import { compileDocument } from "./compile_document.ts";
import { storePrepared } from "./prepared_cache.ts";
import { stagePreparedEntry } from "./stage_prepared_entry.ts";
import { convertDocument } from "./read/convert_document.ts";
import { withoutPlaceholders } from "./read/document_links.ts";
import { fetchPageIndexDocument } from "./fetch/fetch_pageindex.ts";
import { fetchUrl } from "./fetch/fetch_url.ts";
import { pageIndexDocument, type PageIndexRaw } from "./fetch/pageindex_document.ts";

/** Largest local file Quire reads (512 MiB). */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

async function readLocalFile(path: string): Promise<Uint8Array> {
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) {
      throw new InputError("UNREADABLE", `Cannot add '${path}': not a regular file`, path);
    }
    if (info.size > MAX_FILE_BYTES) {
      throw new InputError(
        "TOO_LARGE",
        `Cannot add '${path}': ${info.size} bytes is over the ${MAX_FILE_BYTES}-byte limit`,
        path,
      );
    }
    return await Deno.readFile(path);
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (error instanceof Deno.errors.NotFound) {
      throw new InputError("MISSING", `Cannot add '${path}': no such file`, path);
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new InputError("UNREADABLE", `Cannot add '${path}': permission denied`, path);
    }
    throw new InputError("UNREADABLE", `Cannot add '${path}': ${errorMessage(error)}`, path);
  }
}

/** Reads a stored PageIndex import (`raw/<name>.json`) back into a document. */
function storedPageIndexDocument(bytes: Uint8Array, source: string): ConvertedDocument {
  let raw: PageIndexRaw;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes)) as PageIndexRaw;
  } catch (error) {
    throw new InputError(
      "CORRUPT",
      `Cannot recompile '${source}': its stored JSON is unreadable (${errorMessage(error)})`,
      source,
    );
  }
  return pageIndexDocument(raw);
}

/** One input read and converted. */
export interface ReadResult {
  bytes: Uint8Array;
  document: ConvertedDocument;
  nameHint: string;
}

/**
 * Reads and converts one input (fetching URLs and remote documents).
 * @throws {InputError} when it cannot be read or converted.
 */
export async function readInput(
  input: Exclude<PrepareInput, { kind: "prepared" }>,
  settings: PrepareSettings,
): Promise<ReadResult> {
  const source = sourceOf(input);
  switch (input.kind) {
    case "file": {
      const bytes = await readLocalFile(input.path);
      const fileName = basename(input.path);
      const document = await convertDocument({ bytes, fileName, source }, settings);
      return { bytes, document, nameHint: fileStem(fileName) };
    }
    case "url": {
      const fetched = await fetchUrl(input.url, {
        maxBytes: settings.maxFetchBytes,
        timeoutMs: settings.fetchTimeoutMs,
      });
      const document = await convertDocument({
        bytes: fetched.bytes,
        fileName: fetched.fileName,
        contentType: fetched.contentType,
        source,
        url: fetched.finalUrl,
      }, settings);
      return {
        bytes: fetched.bytes,
        document,
        nameHint: document.title || fileStem(fetched.fileName),
      };
    }
    case "stored": {
      const bytes = await readLocalFile(input.path);
      const document = input.type === "pageindex"
        ? storedPageIndexDocument(bytes, source)
        : await convertDocument({
          bytes,
          fileName: basename(input.path),
          source,
          url: input.origin === "url" ? source : undefined,
        }, settings);
      return { bytes, document, nameHint: input.nameHint };
    }
    case "pageindex": {
      const imported = await fetchPageIndexDocument(input.docId, {
        baseUrl: settings.pageindex.baseUrl,
        apiKey: settings.pageindex.apiKey,
        timeoutMs: settings.fetchTimeoutMs,
        maxBytes: settings.maxFetchBytes,
      });
      return { bytes: imported.raw, document: imported.document, nameHint: imported.nameHint };
    }
  }
}

/** What the worker is asked to prepare. */
export interface PrepareRequestData {
  index: number;
  input: PrepareInput;
  stagingDir: string;
  /** When (epoch ms) model calls must stop. @default no deadline */
  deadline?: number;
  /** Why the model must not be called. @default null */
  llmBlocked?: string | null;
}

/**
 * A title as one plain line: whitespace collapsed, typographic apostrophes
 * and quotes made ASCII ("Brewer’s" → "Brewer's"), so that a title reads
 * and searches the same whatever the typesetter did.
 */
export function plainTitle(title: string): string {
  return title.replace(/[\u2018\u2019\u201b\u2032]/g, "'").replace(
    /[\u201c\u201d\u201f\u2033]/g,
    '"',
  )
    .replace(/\s+/g, " ").trim();
}

/**
 * Prepares input number `index` into `stagingDir`.
 * @throws {InputError} when the input cannot be read, converted or compiled.
 */
export async function prepareDocument(
  request: PrepareRequestData,
  settings: PrepareSettings,
  report: LlmReport = emptyLlmReport(),
): Promise<StagedDocument> {
  const started = performance.now();
  const { index, input, stagingDir } = request;
  // Staging is disposable: a plain mkdir, no fsync.
  // A document prepared elsewhere (a bundle's entry) is only staged.
  if (input.kind === "prepared") return stagePreparedEntry(index, input.entryDir, stagingDir);
  Deno.mkdirSync(stagingDir, { recursive: true });
  const { bytes, document, nameHint } = await readInput(input, settings);
  const hash = sha256Bytes(bytes);
  // The compiler reads the text as a reader sees it: link labels, no placeholders.
  const { compiled, store } = await compileDocument(
    { ...document, markdown: withoutPlaceholders(document.markdown) },
    settings,
    {
      source: sourceOf(input),
      contentHash: hash,
      deadline: request.deadline,
      llmBlocked: request.llmBlocked,
      report,
    },
  );
  const rawFile = `raw.${document.ext}`;
  const sourceFile = "source.md";
  writeFileDurably(join(stagingDir, rawFile), bytes);
  const markdown = document.markdown.endsWith("\n") ? document.markdown : document.markdown + "\n";
  writeFileDurably(join(stagingDir, sourceFile), markdown);
  // The staging directory itself needs no fsync: publishing renames these
  // files out of it and fsyncs their destination directories.
  const { markdown: _, ...rest } = document;
  const prepared = {
    source: sourceOf(input),
    origin: input.kind === "stored" ? input.origin : input.kind,
    rawFile,
    sourceFile,
    hash,
    bytes: bytes.length,
    nameHint,
    document: { ...rest, title: plainTitle(rest.title) || nameHint },
    compiled,
  };
  if (store !== null) {
    const stored = storePrepared(store.cacheDir, store.key, {
      document: prepared,
      compiler: store.compiler,
      inputDigest: store.inputDigest,
      files: { [sourceFile]: markdown },
    });
    if (stored) report.cacheWrites++;
  }
  return { index, stagingDir, ...prepared, ms: Math.round(performance.now() - started) };
}
