/**
 * The per-document work of a prepare worker: read → hash → convert →
 * section tree → summary and concepts, with every file written into the
 * batch's staging directory, under the input's own staging name, and
 * nowhere else.
 *
 * The staging directory ends up holding `<stagingName>.raw` (the original
 * bytes, exactly those that were hashed and converted) and
 * `<stagingName>.source.md` (the finished `wiki/sources` page), so the
 * coordinator can publish them by rename, and an empty
 * `<stagingName>.summary.md` for the coordinator to write the summary into.
 * They are written here but not fsynced: the coordinator fsyncs every staged
 * file of a commit group at once, before its commit marker (on a journaling
 * filesystem one fsync per document here would force one journal commit per
 * document; a group's fsyncs issued together share one). What is returned is a
 * {@linkcode StagedDocument}: data only. A failed write removes what was
 * written.
 *
 * Local files larger than {@linkcode MAX_FILE_BYTES} are refused rather than
 * read into memory.
 *
 * @module
 */

import { basename } from "node:path";
import { errorMessage, InputError } from "../core/errors.ts";
import type { PrepareSettings } from "../core/config.ts";
import { removeIfExists } from "../core/durable_fs.ts";
import { sha256Bytes } from "../core/hash.ts";
import { fileStem } from "../core/naming.ts";
import {
  type CompiledDocument,
  type ConvertedDocument,
  type PrepareInput,
  sourceOf,
  type StagedDocument,
  stagedFiles,
} from "../core/types.ts";
import { compileOffline } from "./compile/compile_offline.ts";
import { compileWithLlm } from "./llm/compile_with_llm.ts";
import { convertDocument } from "./read/convert_document.ts";
import { fetchPageIndexDocument } from "./fetch/fetch_pageindex.ts";
import { fetchUrl } from "./fetch/fetch_url.ts";
import { pageIndexDocument, type PageIndexRaw } from "./fetch/pageindex_document.ts";

/** Largest local file Quire reads (512 MiB). */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

function readLocalFile(path: string): Uint8Array {
  try {
    const info = Deno.statSync(path);
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
    return Deno.readFileSync(path);
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

interface ReadResult {
  bytes: Uint8Array;
  document: ConvertedDocument;
  nameHint: string;
}

async function readInput(input: PrepareInput, settings: PrepareSettings): Promise<ReadResult> {
  const source = sourceOf(input);
  switch (input.kind) {
    case "file": {
      const bytes = readLocalFile(input.path);
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
      const bytes = readLocalFile(input.path);
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
      });
      return { bytes: imported.raw, document: imported.document, nameHint: imported.nameHint };
    }
  }
}

async function compile(
  document: ConvertedDocument,
  settings: PrepareSettings,
): Promise<CompiledDocument> {
  const options = {
    language: settings.language,
    conceptsPerDocument: settings.conceptsPerDocument,
  };
  if (settings.llm === null) return compileOffline(document, options);
  try {
    return await compileWithLlm(document, settings.llm, options);
  } catch (error) {
    if (!(error instanceof InputError) || settings.llmFallback !== "offline") throw error;
    return { ...compileOffline(document, options), compiler: "offline-fallback" };
  }
}

/** What {@linkcode prepareDocument} is asked to do. */
export interface PrepareRequestData {
  index: number;
  input: PrepareInput;
  stagingDir: string;
  stagingName: string;
}

/**
 * Prepares input number `index` into the staging directory `stagingDir`, as
 * the files named after `stagingName`.
 * @throws {InputError} when the input cannot be read, converted or compiled.
 */
export async function prepareDocument(
  request: PrepareRequestData,
  settings: PrepareSettings,
): Promise<StagedDocument> {
  const started = performance.now();
  const { index, input, stagingDir, stagingName } = request;
  const { bytes, document, nameHint } = await readInput(input, settings);
  const compiled = await compile(document, settings);
  const files = stagedFiles(stagingDir, stagingName);
  const markdown = document.markdown.endsWith("\n") ? document.markdown : document.markdown + "\n";
  try {
    Deno.writeFileSync(files.raw, bytes);
    Deno.writeTextFileSync(files.source, markdown);
    // The summary page is rendered by the coordinator (it names the
    // document); its file is created here, empty, because creating a file
    // costs far more than writing into one, and the coordinator's thread is
    // the one to spare.
    Deno.writeFileSync(files.summary, new Uint8Array());
  } catch (error) {
    for (const file of [files.raw, files.source, files.summary]) removeIfExists(file);
    throw error;
  }
  // The staging directory itself needs no fsync: publishing renames these
  // files out of it and fsyncs their destination directories.
  const { markdown: _, ...rest } = document;
  return {
    index,
    source: sourceOf(input),
    origin: input.kind === "stored" ? input.origin : input.kind,
    stagingDir,
    stagingName,
    rawFile: basename(files.raw),
    sourceFile: basename(files.source),
    hash: sha256Bytes(bytes),
    bytes: bytes.length,
    nameHint,
    document: { ...rest, title: rest.title || nameHint },
    compiled,
    ms: Math.round(performance.now() - started),
  };
}
