/**
 * What preparing one input would cost the model, without calling it and
 * without writing anything but a scratch folder, removed at once: `add
 * --dry-run` with a model configured. The input is read and converted (on
 * the calling thread) exactly as a worker would, then looked up in the prepared-results cache (read-only: a damaged
 * entry is reported as not cached, and left for the next real run to
 * replace), and the first compile request is built to estimate its prompt
 * tokens (see `llm/estimate_tokens.ts` for how).
 *
 * The readers (`read_input.ts` and every format it reaches) are imported
 * on first use, so that loading this module, which every command does
 * through `prepare/mod.ts`, costs nothing at startup.
 *
 * @module
 */

import { join } from "node:path";
import type { PrepareSettings } from "../core/config.ts";
import type { PrepareInput } from "../core/types.ts";
import { firstCompileRequest, llmCompilerIdentity } from "./llm/compile_prompt.ts";
import { estimateChatTokens } from "./llm/estimate_tokens.ts";
import { convertedDigest, preparedCacheKey, preparedEntryDir } from "./prepared_cache.ts";
import { compilerDigest, readPreparedEntry } from "./prepared_entry.ts";

/** What preparing one input would cost. */
export interface PrepareEstimate {
  /** SHA-256 of the input's bytes. */
  hash: string;
  /** True when the model's answer is in the cache (no call). */
  cached: boolean;
  /** Estimated prompt tokens of the first compile request (0 when cached or no model). */
  promptTokens: number;
}

/**
 * Estimates what preparing `input` would cost the model.
 * @throws {InputError} when the input cannot be read or converted.
 */
export async function estimateDocument(
  input: Exclude<PrepareInput, { kind: "prepared" }>,
  settings: PrepareSettings,
): Promise<PrepareEstimate> {
  // A local original is staged while it is read; the copy is not kept.
  const { readInput } = await import("./read_input.ts");
  const scratch = await Deno.makeTempDir({ prefix: "quire-estimate-" });
  let read;
  try {
    read = await readInput(input, join(scratch, "raw"), settings);
  } finally {
    await Deno.remove(scratch, { recursive: true });
  }
  const { hash, document } = read;
  const llm = settings.llm;
  if (llm === null) return { hash, cached: false, promptTokens: 0 };
  const options = {
    language: settings.language,
    conceptsPerDocument: settings.conceptsPerDocument,
  };
  if (settings.cacheDir !== null) {
    const key = preparedCacheKey(
      hash,
      compilerDigest(llmCompilerIdentity(llm, options)),
      convertedDigest(document),
    );
    try {
      readPreparedEntry(preparedEntryDir(settings.cacheDir, key));
      return { hash, cached: true, promptTokens: 0 };
    } catch {
      // Not cached (or damaged): it would be sent.
    }
  }
  return {
    hash,
    cached: false,
    promptTokens: estimateChatTokens(firstCompileRequest(document, llm, options)),
  };
}
