/**
 * The per-document work of a prepare worker: read → hash → convert →
 * section tree → summary and concepts, with every file written into the
 * batch's staging directory, under the input's own staging name, and
 * nowhere else (the prepared-results cache aside).
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
 * Reading is `read_input.ts` (streaming and size limits); the compile step
 * is `compile_document.ts` (offline, or the model with its cache, fail-fast
 * block, deadline and fallback). A fresh model answer is stored in the
 * prepared-results cache once the staged files are written; the model's use
 * is counted into the caller's {@linkcode LlmReport}, which the worker sends
 * back whether the input succeeds or fails. A document prepared elsewhere
 * (an entry of a prepared bundle) is only staged (`stage_prepared_entry.ts`).
 *
 * @module
 */

import { basename } from "node:path";
import type { PrepareSettings } from "../core/config.ts";
import { removeIfExists } from "../core/durable_fs.ts";
import { emptyLlmReport, type LlmReport } from "../core/llm_usage.ts";
import { type PrepareInput, sourceOf, type StagedDocument, stagedFiles } from "../core/types.ts";
import { compileDocument } from "./compile_document.ts";
import { storePrepared } from "./prepared_cache.ts";
import { readInput } from "./read_input.ts";
import { withoutPlaceholders } from "./read/document_links.ts";
import { stagePreparedEntry } from "./stage_prepared_entry.ts";

/** What the worker is asked to prepare. */
export interface PrepareRequestData {
  index: number;
  input: PrepareInput;
  /** The batch's staging directory. */
  stagingDir: string;
  /** This input's files there are `stagedFiles(stagingDir, stagingName)`. */
  stagingName: string;
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
 * Prepares input number `index` into the staging directory, as the files
 * named after its staging name.
 * @throws {InputError} when the input cannot be read, converted or compiled.
 */
export async function prepareDocument(
  request: PrepareRequestData,
  settings: PrepareSettings,
  report: LlmReport = emptyLlmReport(),
): Promise<StagedDocument> {
  const started = performance.now();
  const { index, input, stagingDir, stagingName } = request;
  const files = stagedFiles(stagingDir, stagingName);
  if (input.kind === "prepared") {
    return stagePreparedEntry(index, input.entryDir, { stagingDir, stagingName });
  }
  try {
    const { document, nameHint, hash, bytes, raw } = await readInput(input, files.raw, settings);
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
    const markdown = document.markdown.endsWith("\n")
      ? document.markdown
      : document.markdown + "\n";
    if (raw !== null) Deno.writeFileSync(files.raw, raw);
    Deno.writeTextFileSync(files.source, markdown);
    Deno.writeFileSync(files.summary, new Uint8Array());
    const { markdown: _, ...rest } = document;
    const sourceFile = basename(files.source);
    const prepared = {
      source: sourceOf(input),
      origin: input.kind === "stored" ? input.origin : input.kind,
      stagingName,
      rawFile: basename(files.raw),
      sourceFile,
      hash,
      bytes,
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
  } catch (error) {
    for (const file of [files.raw, files.source, files.summary]) removeIfExists(file);
    throw error;
  }
}
