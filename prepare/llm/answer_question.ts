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
 *
 * @module
 */

import { InputError } from "../../core/errors.ts";
import {
  chatCompletion,
  type ChatMessage,
  type FetchLike,
  type SleepLike,
} from "./chat_completion.ts";
import type { LlmSettings } from "./compile_with_llm.ts";
import { cutLine, cutText } from "./cut_text.ts";

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
  /** Characters of page text sent in all. @default 24000 */
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

/**
 * Asks the model to answer `request.question` from `request.pages`; returns
 * the markdown answer.
 * @throws {InputError} `LLM` when the endpoint fails or every answer is empty.
 */
export async function answerQuestion(
  request: QuestionRequest,
  llm: LlmSettings,
  options: AnswerQuestionOptions = {},
): Promise<string> {
  const shown = cutLine(request.question.replace(/\s+/g, " ").trim(), 80);
  const prompt: ChatMessage[] = [
    { role: "system", content: INSTRUCTIONS },
    { role: "user", content: questionPrompt(request, options.maxPageChars ?? 24_000) },
  ];
  const attempts = Math.max(0, llm.retries) + 1;
  let messages = prompt;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const content = await chatCompletion({ messages }, {
      baseUrl: llm.baseUrl,
      model: llm.model,
      apiKey: llm.apiKey,
      timeoutSeconds: llm.timeoutSeconds,
      retries: llm.retries,
      source: shown,
      signal: options.signal,
      fetch: options.fetch,
      sleep: options.sleep,
    });
    const answer = content.replace(/^\s*<think>[\s\S]*?<\/think>/, "").trim();
    if (answer !== "") return answer;
    messages = [
      ...prompt,
      { role: "assistant", content },
      { role: "user", content: "Your answer was empty. Answer the question from the pages." },
    ];
  }
  throw new InputError(
    "LLM",
    `Cannot answer '${shown}': the model gave an empty answer in ${attempts} attempt(s)`,
    shown,
  );
}
