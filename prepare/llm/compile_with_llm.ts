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
 * - The API key is passed to `chatCompletion` and nowhere else.
 *
 * @module
 */

import { conceptSlug } from "../compile/concept_slug.ts";
import type { PrepareSettings } from "../../core/config.ts";
import { InputError } from "../../core/errors.ts";
import type { CompiledDocument, ConceptNote, ConvertedDocument } from "../../core/types.ts";
import {
  chatCompletion,
  type ChatMessage,
  type FetchLike,
  type SleepLike,
} from "./chat_completion.ts";
import { llmDocumentDigest } from "./llm_document_digest.ts";
import { type AnsweredConcept, parseCompileAnswer } from "./parse_compile_answer.ts";

/** The LLM settings a worker gets: endpoint, model, resolved key, timeout, retries. */
export type LlmSettings = NonNullable<PrepareSettings["llm"]>;

/** Options of {@linkcode compileWithLlm}. */
export interface CompileWithLlmOptions {
  /** Language of the concept slugs. @default "en" */
  language?: string;
  /** Concepts kept for the document. @default 8 */
  conceptsPerDocument?: number;
  /** Longest markdown sent whole; longer documents are sent as a digest. @default 24000 */
  maxDocumentChars?: number;
  /** The input as the user named it, for error messages. @default the document's title */
  source?: string;
  /** Cancels the call; its reason is thrown as is. */
  signal?: AbortSignal;
  /** The HTTP client, for tests. @default globalThis.fetch */
  fetch?: FetchLike;
  /** The wait between transport retries, for tests. @default a `setTimeout` sleep */
  sleep?: SleepLike;
}

const PROMINENT_COUNT = 3;

/** The system message: the task and the exact JSON shape of the answer. */
export function compileInstructions(conceptsPerDocument: number): string {
  return [
    "You compile documents into a knowledge base of markdown pages.",
    "Read the document the user sends and answer with one JSON object and nothing else:",
    '{"summary": "…", "description": "…", "concepts": [{"label": "…", "note": "…"}]}',
    "",
    '- "summary": two to five paragraphs of markdown (no headings) saying what the document',
    "  covers, its main points and conclusions.",
    '- "description": one line of at most 200 characters saying what the document is.',
    `- "concepts": at most ${conceptsPerDocument} concepts the document discusses, the most`,
    '  central first. Each has a "label": a short noun phrase as the document writes it',
    '  (e.g. "vector database"), and a "note": one or two sentences on what this document',
    "  says about it.",
    "",
    "Write in the document's own language. Use only what the document says.",
  ].join("\n");
}

/** The user message: the document's metadata and its text (whole or digest). */
export function compilePrompt(doc: ConvertedDocument, maxChars: number): string {
  const { text, digested } = llmDocumentDigest(doc, { maxChars });
  const lines = [`Title: ${doc.title || "(none)"}`, `Type: ${doc.type}`];
  if (doc.pageCount) lines.push(`Pages: ${doc.pageCount}`);
  for (const [key, value] of Object.entries(doc.facts)) lines.push(`${key}: ${value}`);
  lines.push(`Text: ${digested ? "a digest of a long document" : "complete"}`);
  return `${lines.join("\n")}\n\n<document>\n${text}\n</document>`;
}

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
 * @throws {InputError} `LLM` when the endpoint fails (see `chatCompletion`)
 * or every answer, retries included, is unusable.
 */
export async function compileWithLlm(
  doc: ConvertedDocument,
  llm: LlmSettings,
  options: CompileWithLlmOptions = {},
): Promise<CompiledDocument> {
  const language = options.language ?? "en";
  const limit = options.conceptsPerDocument ?? 8;
  const source = options.source ?? (doc.title || "document");
  const prompt: ChatMessage[] = [
    { role: "system", content: compileInstructions(limit) },
    { role: "user", content: compilePrompt(doc, options.maxDocumentChars ?? 24_000) },
  ];
  const attempts = Math.max(0, llm.retries) + 1;
  let messages = prompt;
  let problem = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const content = await chatCompletion({ messages, json: true }, {
      baseUrl: llm.baseUrl,
      model: llm.model,
      apiKey: llm.apiKey,
      timeoutSeconds: llm.timeoutSeconds,
      retries: llm.retries,
      source,
      signal: options.signal,
      fetch: options.fetch,
      sleep: options.sleep,
    });
    const parsed = parseCompileAnswer(content, { maxConcepts: limit });
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
    problem = parsed.problem;
    messages = [
      ...prompt,
      { role: "assistant", content },
      {
        role: "user",
        content: `Your answer could not be used: ${problem}. Answer again with only the JSON ` +
          'object described, with "summary", "description" and "concepts".',
      },
    ];
  }
  throw new InputError(
    "LLM",
    `Cannot compile '${source}': the model gave no usable answer in ${attempts} attempt(s) ` +
      `(last problem: ${problem})`,
    source,
  );
}
