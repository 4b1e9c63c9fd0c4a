/**
 * The compile step of a prepare worker: the offline compiler, or the model
 * with everything around it (the prepared-results cache, the fail-fast
 * block, the prepare deadline, and the offline fallback).
 *
 * Choices made where the spec was silent:
 *
 * - The cache is asked first; a verified entry's compiled document is used
 *   as is (no call). See `prepared_cache.ts` for the key.
 * - When the pool has stopped calling the model (`llmBlocked`), the input
 *   is not attempted: it fails at once (`LLM`, "not attempted because…"),
 *   or falls back.
 * - Model calls stop at `deadline`, set by the pool somewhat before its own
 *   prepare timeout, so that a model slower than `--timeout` is a model
 *   failure (`LLM`, "no answer before the prepare timeout") that falls back
 *   like any other, instead of a `TIMEOUT` of the whole input.
 * - Every model failure (an {@linkcode LlmCallError}) falls back with
 *   `--fallback offline`: the result is the offline compiler's, marked
 *   `offline-fallback`, with the failure's message as `fallbackCause`.
 *
 * @module
 */

import type { PrepareSettings } from "../core/config.ts";
import type { LlmReport } from "../core/llm_usage.ts";
import type { CompiledDocument, ConvertedDocument } from "../core/types.ts";
import { compileOffline } from "./compile/compile_offline.ts";
import { llmCompilerIdentity } from "./llm/compile_prompt.ts";
import { compileWithLlm } from "./llm/compile_with_llm.ts";
import { LlmCallError } from "./llm/llm_call_error.ts";
import { convertedDigest, lookupPrepared, preparedCacheKey } from "./prepared_cache.ts";
import { compilerDigest, type CompilerIdentity } from "./prepared_entry.ts";

/** Where a compiled result may be cached. */
export interface CacheSlot {
  cacheDir: string;
  key: string;
  compiler: CompilerIdentity;
  inputDigest: string;
}

/** What {@linkcode compileDocument} produced. */
export interface CompileOutcome {
  compiled: CompiledDocument;
  /** Where to store the result, when it is a fresh model answer worth caching. */
  store: CacheSlot | null;
}

/** Options of {@linkcode compileDocument}. */
export interface CompileDocumentOptions {
  /** The input as the user named it, for messages. */
  source: string;
  /** SHA-256 of the original bytes. */
  contentHash: string;
  /** When (epoch ms) model calls must stop. @default no deadline */
  deadline?: number;
  /** Why the model must not be called; null to call it. @default null */
  llmBlocked?: string | null;
  /** Counts the model's use for this input. */
  report: LlmReport;
}

/** Runs `body` with a signal that aborts at `deadline` with a model-timeout error. */
async function withDeadline<T>(
  deadline: number | undefined,
  source: string,
  body: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (deadline === undefined) return await body(undefined);
  const controller = new AbortController();
  const reason = new LlmCallError(
    "timeout",
    `Cannot compile '${source}': the model gave no answer before the prepare timeout ` +
      "(raise --timeout or 'limits.prepareTimeoutSeconds', or use a faster model)",
    source,
  );
  const timer = setTimeout(() => controller.abort(reason), Math.max(0, deadline - Date.now()));
  try {
    return await body(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Compiles one converted document (see the module doc).
 * @throws {InputError} when the model fails and no fallback is asked for.
 */
export async function compileDocument(
  document: ConvertedDocument,
  settings: PrepareSettings,
  options: CompileDocumentOptions,
): Promise<CompileOutcome> {
  const offline = {
    language: settings.language,
    conceptsPerDocument: settings.conceptsPerDocument,
    maxConceptsPerDocument: settings.conceptsMaxPerDocument,
  };
  const llm = settings.llm;
  if (llm === null) return { compiled: compileOffline(document, offline), store: null };
  const { source, report } = options;

  let slot: CacheSlot | null = null;
  if (settings.cacheDir !== null) {
    const compiler = { ...llmCompilerIdentity(llm, offline) };
    const inputDigest = convertedDigest(document);
    const key = preparedCacheKey(options.contentHash, compilerDigest(compiler), inputDigest);
    slot = { cacheDir: settings.cacheDir, key, compiler, inputDigest };
    const hit = lookupPrepared(settings.cacheDir, key);
    if (hit !== null) {
      report.usage.cacheHits++;
      return { compiled: hit.document.compiled, store: null };
    }
  }

  try {
    if (options.llmBlocked) {
      throw new LlmCallError(
        "not-attempted",
        `Cannot compile '${source}': not attempted, because ${options.llmBlocked}`,
        source,
      );
    }
    const compiled = await withDeadline(
      options.deadline,
      source,
      (signal) => compileWithLlm(document, llm, { ...offline, source, signal, report }),
    );
    return { compiled, store: slot };
  } catch (error) {
    if (!(error instanceof LlmCallError)) throw error;
    if (error.kind === "not-attempted") report.usage.notAttempted++;
    if (settings.llmFallback !== "offline") throw error;
    report.usage.fallbacks++;
    return {
      compiled: {
        ...compileOffline(document, offline),
        compiler: "offline-fallback",
        fallbackCause: error.message,
      },
      store: null,
    };
  }
}
