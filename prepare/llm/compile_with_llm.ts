/**
 * The LLM compiler: asks an OpenAI-compatible model for one document's
 * summary, one-line description and concepts, checks the answer in code, and
 * turns it into a {@linkcode CompiledDocument}.
 *
 * Choices made where the spec was silent:
 *
 * - The model sees the document whole when it is short, else a digest (see
 *   `llm_document_digest.ts`); it is told which, and is asked to write in the
 *   document's own language. `language` only drives concept slugs.
 * - The model is asked to list concepts most central first, so that order is
 *   the ranking: the first `min(3, n)` concepts are `prominent`, and the
 *   concept at rank `i` (0-based) of `n` scores `(n - i) / n` (1 for the
 *   first, down to `1/n`).
 * - Concepts whose slug is "" are dropped, then duplicates by slug (the first
 *   keeps its place), then all past `conceptsPerDocument`.
 * - An unusable answer is retried up to `llm.retries` times. Each retry
 *   resends the prompt with the last bad answer and a message naming its
 *   problem. Transport failures are not retried here: `chatCompletion` has
 *   already spent its own retries on them.
 * - Bounded: each call sends `max_tokens` (`llm.maxTokens`), and the prompt
 *   is fitted so that its estimated tokens (see `estimate_tokens.ts`) plus
 *   that budget stay within `llm.contextTokens`; a long document's digest
 *   is made smaller until it fits.
 * - A cut-off answer (`finish_reason: "length"`) is not re-asked the same
 *   way: the next attempt doubles the output budget (up to 4 × `maxTokens`,
 *   and only while the prompt still fits, else it halves the document
 *   instead) and asks for a briefer answer. When every attempt is cut off
 *   the input fails with `LLM_TRUNCATED`, saying to raise `llm.maxTokens`.
 * - The API key is passed to `chatCompletion` and nowhere else.
 * - `llmCompilerIdentity` (in `compile_prompt.ts`, with the prompt) lists every setting that changes the
 *   answer (endpoint, model, prompt version and text, budgets, concepts per
 *   document, language): the prepared-results cache keys on it.
 *
 * @module
 */

import { conceptSlug } from "../compile/concept_slug.ts";
import type { LlmSettings } from "../../core/config.ts";
import type { LlmReport } from "../../core/llm_usage.ts";
import type { CompiledDocument, ConceptNote, ConvertedDocument } from "../../core/types.ts";
import {
  chatCompletion,
  type ChatMessage,
  endpointOptions,
  type FetchLike,
  type SleepLike,
} from "./chat_completion.ts";
import { attemptMessages, compileInstructions, SAFETY_TOKENS } from "./compile_prompt.ts";
import { cutText } from "./cut_text.ts";
import { LlmCallError } from "./llm_call_error.ts";
import { type AnsweredConcept, parseCompileAnswer } from "./parse_compile_answer.ts";

export type { LlmSettings } from "../../core/config.ts";

/** Options of {@linkcode compileWithLlm}. */
export interface CompileWithLlmOptions {
  /** Language of the concept slugs. @default "en" */
  language?: string;
  /** Concepts kept for the document. @default 8 */
  conceptsPerDocument?: number;
  /** Longest markdown sent whole, if less than the context allows. @default the context's room */
  maxDocumentChars?: number;
  /** The input as the user named it, for error messages. @default the document's title */
  source?: string;
  /** Cancels the call; its reason is thrown as is. */
  signal?: AbortSignal;
  /** Counts calls, retries, tokens and the endpoint's health. */
  report?: LlmReport;
  /** The HTTP client, for tests. @default globalThis.fetch */
  fetch?: FetchLike;
  /** The wait between transport retries, for tests. @default a `setTimeout` sleep */
  sleep?: SleepLike;
}

const PROMINENT_COUNT = 3;
/** Longest bad answer quoted back to the model when asking again. */
const ECHO_CHARS = 2000;

/** Turns the model's ranked concepts into concept notes (see the module doc). */
export function rankConcepts(
  answered: AnsweredConcept[],
  options: { language: string; limit: number },
): ConceptNote[] {
  const seen = new Set<string>();
  const kept: { slug: string; label: string; note: string }[] = [];
  for (const { label, note } of answered) {
    const slug = conceptSlug(label, options.language);
    if (slug === "" || seen.has(slug)) continue;
    seen.add(slug);
    kept.push({ slug, label, note });
    if (kept.length === options.limit) break;
  }
  const n = kept.length;
  return kept.map((concept, i) => ({
    ...concept,
    score: (n - i) / n,
    prominent: i < Math.min(PROMINENT_COUNT, n),
  }));
}

/**
 * Compiles one document with the model.
 * @throws {LlmCallError} (an `InputError`) `LLM` when the endpoint fails
 * (see `chatCompletion`) or every answer, retries included, is unusable;
 * `LLM_TRUNCATED` when every answer was cut off at the output budget.
 */
export async function compileWithLlm(
  doc: ConvertedDocument,
  llm: LlmSettings,
  options: CompileWithLlmOptions = {},
): Promise<CompiledDocument> {
  const language = options.language ?? "en";
  const limit = options.conceptsPerDocument ?? 8;
  const source = options.source ?? (doc.title || "document");
  const system: ChatMessage = { role: "system", content: compileInstructions(limit) };
  const attempts = Math.max(0, llm.retries) + 1;
  const largestBudget = Math.max(
    llm.maxTokens,
    Math.min(llm.maxTokens * 4, Math.floor(llm.contextTokens / 2)),
  );
  let outputTokens = llm.maxTokens;
  let maxChars = options.maxDocumentChars ?? Infinity;
  let follow: ChatMessage[] = [];
  let problem = "";
  let truncated = false;
  let sentTokens = outputTokens;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    sentTokens = outputTokens;
    const messages = attemptMessages(doc, system, follow, {
      inputTokens: llm.contextTokens - outputTokens - SAFETY_TOKENS,
      maxChars,
    });
    const answer = await chatCompletion({ messages, json: true, maxTokens: outputTokens }, {
      ...endpointOptions(llm),
      source,
      signal: options.signal,
      report: options.report,
      fetch: options.fetch,
      sleep: options.sleep,
    });
    const parsed = parseCompileAnswer(answer.content, { maxConcepts: limit });
    if (parsed.ok) {
      const concepts = rankConcepts(parsed.answer.concepts, { language, limit });
      return {
        compiler: "llm",
        description: parsed.answer.description,
        summary: parsed.answer.summary,
        keyPhrases: concepts.map((c) => c.label),
        concepts,
      };
    }
    if (attempt < attempts && options.report) options.report.usage.retries++;
    truncated = answer.finishReason === "length";
    if (truncated) {
      // Cut off: ask again with more room for the answer (or a smaller
      // document when the context is full), and for a briefer answer.
      problem = `the answer was cut off at the output limit of ${outputTokens} tokens`;
      if (outputTokens * 2 <= largestBudget) outputTokens *= 2;
      else maxChars = Math.floor(Math.min(maxChars, messages[1].content.length) / 2);
      follow = [{
        role: "user",
        content: `Your previous answer was cut off at the output limit. Answer again with only ` +
          "the JSON object, more briefly: a summary of at most two short paragraphs and notes " +
          "of one sentence each.",
      }];
      continue;
    }
    problem = parsed.problem;
    follow = [
      { role: "assistant", content: cutText(answer.content, ECHO_CHARS) },
      {
        role: "user",
        content: `Your answer could not be used: ${problem}. Answer again with only the JSON ` +
          'object described, with "summary", "description" and "concepts".',
      },
    ];
  }
  if (truncated) {
    throw new LlmCallError(
      "truncated",
      `Cannot compile '${source}': the model's answer was cut off at the output limit in ` +
        `${attempts} attempt(s) (last 'max_tokens' ${sentTokens}); raise 'llm.maxTokens' ` +
        "(and 'llm.contextTokens' to match the model)",
      source,
    );
  }
  throw new LlmCallError(
    "answer",
    `Cannot compile '${source}': the model gave no usable answer in ${attempts} attempt(s) ` +
      `(last problem: ${problem})`,
    source,
  );
}
