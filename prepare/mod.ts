/**
 * `prepare/`: everything that turns one input into a staged artifact —
 * discovery of inputs, format readers, URL and remote fetching, section
 * trees, the offline and LLM compilers, the worker entry point and the pool.
 * Nothing here writes outside a staging directory or opens the registry.
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
