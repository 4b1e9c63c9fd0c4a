/**
 * Answers a question from given knowledge-base pages with the LLM, citing
 * them as `[[path]]` wikilinks. Meant for a `query "question"` command: the
 * caller finds the pages (e.g. by full-text search) and passes their text.
 *
 * Choices made where the spec was silent:
 *
 * - The pages share a character budget in the order given (most relevant
 *   first): each gets an equal share of what is left, so room a short page
 *   does not use goes to the pages after it. Texts are cut at a boundary.
 * - The model is told to answer only from the pages and to say when they do
 *   not answer the question. With no pages it is still asked, and says so.
 * - An empty answer (after removing a leading `<think>…</think>` block) is
 *   retried up to `llm.retries` times; a non-empty one is returned trimmed,
 *   whether or not it cites a page.
 * - Bounded like the compiler: `max_tokens` is `llm.maxTokens`, and the
 *   pages' budget shrinks until the prompt's estimated tokens plus that
 *   budget fit `llm.contextTokens`, however many pages there are. An answer
 *   cut off at the budget is asked again with twice the budget (while the
 *   context allows); if it is still cut off, the partial answer is returned
 *   with a note saying so.
 *
 * @module
 */

import type { LlmSettings } from "../../core/config.ts";
import {
  chatCompletion,
  type ChatMessage,
  endpointOptions,
  type FetchLike,
  type SleepLike,
} from "./chat_completion.ts";
import { cutLine, cutText } from "./cut_text.ts";
import { estimateChatTokens, fitToTokens } from "./estimate_tokens.ts";
import { LlmCallError } from "./llm_call_error.ts";

/** One page to answer from. */
export interface QuestionPage {
  /** The page's title. */
  title: string;
  /** The wikilink target, e.g. `summaries/report-2023`; cited as `[[path]]`. */
  path: string;
  /** The page's text (markdown). */
  text: string;
}

/** A question and the pages to answer it from, most relevant first. */
export interface QuestionRequest {
  question: string;
  pages: QuestionPage[];
}

/** Options of {@linkcode answerQuestion}. */
export interface AnswerQuestionOptions {
  /** Characters of page text sent in all, if less than the context allows. @default the context's room */
  maxPageChars?: number;
  /** Cancels the call; its reason is thrown as is. */
  signal?: AbortSignal;
  /** The HTTP client, for tests. @default globalThis.fetch */
  fetch?: FetchLike;
  /** The wait between transport retries, for tests. @default a `setTimeout` sleep */
  sleep?: SleepLike;
}

const INSTRUCTIONS = [
  "You answer questions from the pages of a knowledge base.",
  "Use only what the pages say. Cite the pages you use as wikilinks, exactly as given",
  "after 'Path:', e.g. [[summaries/report]]. If the pages do not answer the question,",
  "say so briefly. Answer in markdown, in the language of the question.",
].join("\n");

/** The user message: the question, then each page within the budget. */
export function questionPrompt(request: QuestionRequest, maxPageChars: number): string {
  const blocks: string[] = [];
  let left = maxPageChars;
  for (const [i, page] of request.pages.entries()) {
    const text = cutText(page.text, Math.floor(left / (request.pages.length - i)));
    left -= text.length;
    blocks.push(`## ${page.title}\nPath: [[${page.path}]]\n\n${text}`);
  }
  const pages = blocks.length > 0 ? blocks.join("\n\n") : "(no pages matched the question)";
  return `Question: ${request.question.replace(/\s+/g, " ").trim()}\n\nPages:\n\n${pages}`;
}

/** Notes that an answer was cut off at the output budget. */
export const CUT_OFF_NOTE =
  "\n\n*(The answer was cut off at the output limit; raise `llm.maxTokens` for longer answers.)*";

/**
 * Asks the model to answer `request.question` from `request.pages`; returns
 * the markdown answer.
 * @throws {LlmCallError} (an `InputError`, code `LLM`) when the endpoint
 * fails or every answer is empty.
 */
export async function answerQuestion(
  request: QuestionRequest,
  llm: LlmSettings,
  options: AnswerQuestionOptions = {},
): Promise<string> {
  const shown = cutLine(request.question.replace(/\s+/g, " ").trim(), 80);
  const system: ChatMessage = { role: "system", content: INSTRUCTIONS };
  const attempts = Math.max(0, llm.retries) + 1;
  const largestBudget = Math.max(
    llm.maxTokens,
    Math.min(llm.maxTokens * 4, Math.floor(llm.contextTokens / 2)),
  );
  let outputTokens = llm.maxTokens;
  let follow: ChatMessage[] = [];
  let partial = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const room = llm.contextTokens - outputTokens - 64 -
      estimateChatTokens([system, ...follow, { role: "user", content: "" }]);
    const user = fitToTokens(
      (chars) => questionPrompt(request, Math.min(chars, options.maxPageChars ?? Infinity)),
      Math.max(1, room),
      cutText,
    );
    const answer = await chatCompletion(
      { messages: [system, { role: "user", content: user }, ...follow], maxTokens: outputTokens },
      {
        ...endpointOptions(llm),
        source: shown,
        signal: options.signal,
        fetch: options.fetch,
        sleep: options.sleep,
      },
    );
    const text = answer.content.replace(/^\s*<think>[\s\S]*?(<\/think>|$)/, "").trim();
    if (answer.finishReason === "length") {
      if (text !== "") partial = text;
      if (outputTokens * 2 <= largestBudget && attempt < attempts) {
        outputTokens *= 2;
        follow = [];
        continue;
      }
      if (partial !== "") return partial + CUT_OFF_NOTE;
    } else if (text !== "") {
      return text;
    }
    follow = [
      { role: "assistant", content: cutText(answer.content, 2000) },
      { role: "user", content: "Your answer was empty. Answer the question from the pages." },
    ];
  }
  if (partial !== "") return partial + CUT_OFF_NOTE;
  throw new LlmCallError(
    "answer",
    `Cannot answer '${shown}': the model gave an empty answer in ${attempts} attempt(s)`,
    shown,
  );
}
