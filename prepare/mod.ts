/**
 * `prepare/`: everything that turns one input into a staged artifact. The
 * pipeline is at the root: `discover_inputs.ts` (the ordered input list),
 * `prepare_pool.ts` (Web Workers, `--jobs N`), `prepare_worker.ts` (the
 * worker's entry point) and `prepare_document.ts` (read → hash → convert →
 * compile → write the staging directory). One subfolder per concern:
 *
 * - `read/`: type detection, decoding, a reader per format, section trees;
 * - `fetch/`: URLs and the PageIndex client;
 * - `compile/`: the offline compiler;
 * - `llm/`: the model client, the LLM compiler, question answering.
 *
 * Prepared results have one format, the prepared entry
 * (`prepared_entry.ts`: a directory with the staged files, the
 * `StagedDocument` as JSON and a checksummed manifest); the prepared-results
 * cache (`prepared_cache.ts`) keeps model answers in it, and prepared
 * bundles reuse it.
 *
 * Nothing here writes outside a staging directory and the prepared-results
 * cache, or opens the registry.
 *
 * @module
 */

export { answerQuestion, type QuestionPage } from "./llm/answer_question.ts";
export type { FetchLike, SleepLike } from "./llm/chat_completion.ts";
export type { LlmSettings } from "./llm/compile_with_llm.ts";
export { stopWords } from "./compile/stop_words.ts";
export { type DiscoveredInput, discoverInputs } from "./discover_inputs.ts";
export { estimateDocument, type PrepareEstimate } from "./estimate_document.ts";
export type { LlmCircuit } from "./llm_circuit.ts";
export { openBundles, type OpenBundlesOptions, type OpenedBundle } from "./open_bundles.ts";
export {
  prepareBundle,
  type PrepareBundleOptions,
  type PrepareBundleResult,
} from "./prepare_bundle.ts";
export { type BundleEntry, type BundleManifest, readBundle } from "./prepared_bundle.ts";
export { parseShard, type Shard, shardFromEnv } from "./shard_inputs.ts";
export {
  type CacheUsage,
  lookupPrepared,
  preparedCacheKey,
  preparedCacheUsage,
  preparedEntryDir,
  prunePreparedCache,
  storePrepared,
} from "./prepared_cache.ts";
export {
  canonicalJson,
  compilerDigest,
  type CompilerIdentity,
  digestOf,
  PREPARED_ENTRY_FORMAT,
  PREPARED_ENTRY_VERSION,
  type PreparedDocument,
  type PreparedEntry,
  type PreparedEntryContent,
  PreparedEntryError,
  type PreparedFile,
  type PreparedManifest,
  readPreparedEntry,
  writePreparedEntry,
} from "./prepared_entry.ts";
export {
  type PoolOutcome,
  PreparePool,
  type PreparePoolOptions,
  type Settled,
} from "./prepare_pool.ts";
