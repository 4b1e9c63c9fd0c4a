/**
 * Reading one input for a prepare worker: a local file is hashed and copied
 * into staging in one streaming pass (`stage_local_file.ts`), so memory does
 * not grow with its size, and only its head is converted when it is a text
 * format larger than `limits.maxTextBytes` (the source page then says where
 * it was cut, see `read/text_head.ts`); files over `limits.maxInputBytes`
 * are refused before they are read. Formats parsed whole (PDF, `.docx`) are
 * held in memory whole, up to that limit; their readers cap the text they
 * extract. URLs and PageIndex documents are fetched with their caps.
 *
 * @module
 */

import { basename } from "node:path";
import { errorMessage, InputError } from "../core/errors.ts";
import type { PrepareSettings } from "../core/config.ts";
import { sha256Bytes } from "../core/hash.ts";
import { fileStem } from "../core/naming.ts";
import { type ConvertedDocument, type PrepareInput, sourceOf } from "../core/types.ts";
import { convertDocument } from "./read/convert_document.ts";
import { isParsedWhole, type ReaderInput } from "./read/detect_type.ts";
import { closeOpenFence, cutNote, textCutPhrase, textHead } from "./read/text_head.ts";
import { fetchPageIndexDocument } from "./fetch/fetch_pageindex.ts";
import { fetchUrl } from "./fetch/fetch_url.ts";
import { pageIndexDocument, type PageIndexRaw } from "./fetch/pageindex_document.ts";
import { stageLocalFile } from "./stage_local_file.ts";

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

/** One input read and converted (its original staged or in memory). */
export interface ReadResult {
  document: ConvertedDocument;
  nameHint: string;
  hash: string;
  bytes: number;
  /** The original bytes when they are in memory; else they were copied to the raw path. */
  raw: Uint8Array | null;
}

/**
 * Converts `bytes`, the first of `total` bytes: all of it when it is short
 * text or a format parsed whole, else the head of the text with a cut note.
 */
async function convertHead(
  input: ReaderInput & { total: number },
  settings: PrepareSettings,
): Promise<ConvertedDocument> {
  const { total, ...reader } = input;
  if (isParsedWhole(reader.bytes, reader.fileName)) {
    if (reader.bytes.length !== total) {
      throw new InputError(
        "UNREADABLE",
        `Cannot add '${reader.source}': the file changed while it was read; add it again`,
        reader.source,
      );
    }
    return await convertDocument(reader, settings);
  }
  if (reader.bytes.length === total && total <= settings.maxTextBytes) {
    return await convertDocument(reader, settings);
  }
  const head = textHead(reader.bytes.subarray(0, settings.maxTextBytes));
  const document = await convertDocument({ ...reader, bytes: head }, settings);
  const markdown = document.type === "markdown"
    ? closeOpenFence(document.markdown)
    : document.markdown;
  const cut = textCutPhrase(head, total);
  return {
    ...document,
    markdown: markdown + cutNote(cut),
    warnings: [...document.warnings, `converted only ${cut} (limits.maxTextBytes)`],
  };
}

/** Stages a local file by streaming and converts what it kept of it. */
async function readLocalInput(
  path: string,
  rawPath: string,
  settings: PrepareSettings,
  reader: Omit<ReaderInput, "bytes" | "fileName">,
): Promise<Omit<ReadResult, "nameHint">> {
  const fileName = basename(path);
  const staged = stageLocalFile(path, rawPath, {
    maxInputBytes: settings.maxInputBytes,
    keepBytes: (first) => isParsedWhole(first, fileName) ? Infinity : settings.maxTextBytes,
  });
  // The head is not used after conversion, so a reader may consume it (PDF: no copy).
  const document = await convertHead(
    { ...reader, bytes: staged.head, fileName, total: staged.bytes, owned: true },
    settings,
  );
  return { document, hash: staged.hash, bytes: staged.bytes, raw: null };
}

/**
 * Reads and converts one input (fetching URLs and remote documents). A local
 * file's original is copied to `rawPath` while it is read; a fetched one is returned in memory (`raw`).
 * @throws {InputError} when it cannot be read or converted.
 */
export async function readInput(
  input: Exclude<PrepareInput, { kind: "prepared" }>,
  rawPath: string,
  settings: PrepareSettings,
): Promise<ReadResult> {
  const source = sourceOf(input);
  switch (input.kind) {
    case "file": {
      const read = await readLocalInput(input.path, rawPath, settings, { source });
      return { ...read, nameHint: fileStem(basename(input.path)) };
    }
    case "url": {
      const fetched = await fetchUrl(input.url, {
        maxBytes: settings.maxFetchBytes,
        timeoutMs: settings.fetchTimeoutMs,
      });
      const document = await convertHead({
        bytes: fetched.bytes,
        total: fetched.bytes.length,
        fileName: fetched.fileName,
        contentType: fetched.contentType,
        source,
        url: fetched.finalUrl,
      }, settings);
      return {
        document,
        nameHint: document.title || fileStem(fetched.fileName),
        hash: sha256Bytes(fetched.bytes),
        bytes: fetched.bytes.length,
        raw: fetched.bytes,
      };
    }
    case "stored": {
      if (input.type === "pageindex") {
        const staged = stageLocalFile(input.path, rawPath, {
          maxInputBytes: settings.maxInputBytes,
          keepBytes: () => Infinity,
        });
        const document = storedPageIndexDocument(staged.head, source);
        return {
          document,
          nameHint: input.nameHint,
          hash: staged.hash,
          bytes: staged.bytes,
          raw: null,
        };
      }
      const url = input.origin === "url" ? source : undefined;
      const read = await readLocalInput(input.path, rawPath, settings, { source, url });
      return { ...read, nameHint: input.nameHint };
    }
    case "pageindex": {
      const imported = await fetchPageIndexDocument(input.docId, {
        baseUrl: settings.pageindex.baseUrl,
        apiKey: settings.pageindex.apiKey,
        timeoutMs: settings.fetchTimeoutMs,
        maxBytes: settings.maxFetchBytes,
      });
      return {
        document: imported.document,
        nameHint: imported.nameHint,
        hash: sha256Bytes(imported.raw),
        bytes: imported.raw.length,
        raw: imported.raw,
      };
    }
  }
}
