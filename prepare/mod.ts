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
 * Nothing here writes outside the staging directory or opens the registry.
 *
 * @module
 */

export { answerQuestion, type QuestionPage } from "./llm/answer_question.ts";
export type { FetchLike, SleepLike } from "./llm/chat_completion.ts";
export type { LlmSettings } from "./llm/compile_with_llm.ts";
export { stopWords } from "./compile/stop_words.ts";
export { type DiscoveredInput, discoverInputs } from "./discover_inputs.ts";
export {
  type PoolOutcome,
  PreparePool,
  type PreparePoolOptions,
  type Settled,
} from "./prepare_pool.ts";
