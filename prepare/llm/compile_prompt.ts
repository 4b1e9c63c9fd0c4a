/**
 * What the LLM compiler sends and who it is: the prompt (system message,
 * user message, the request of one attempt) and the compiler's identity
 * that the prepared-results cache keys on. Kept apart from
 * `compile_with_llm.ts` so that the identity and `add --dry-run`'s token
 * estimate load neither the concept slugs (and their word list) nor the
 * answer's handling.
 *
 * @module
 */

import type { LlmSettings } from "../../core/config.ts";
import { sha256Bytes } from "../../core/hash.ts";
import type { ConvertedDocument } from "../../core/types.ts";
import { type ChatMessage, displayUrl } from "./chat_completion.ts";
import { cutText } from "./cut_text.ts";
import { estimateChatTokens, fitToTokens } from "./estimate_tokens.ts";
import { llmDocumentDigest } from "./llm_document_digest.ts";

/**
 * Bump when the user prompt, the digest or the answer's handling changes in
 * a way that changes the result (the system prompt's text is hashed into
 * the identity anyway).
 */
export const COMPILE_PROMPT_VERSION = 2;
/** Tokens kept free besides the prompt estimate and the output budget. */
export const SAFETY_TOKENS = 64;

/** The settings that change a compile answer; the prepared-results cache keys on them. */
export type LlmCompilerIdentity = {
  kind: "llm";
  endpoint: string;
  model: string;
  promptVersion: number;
  /** SHA-256 (first 16 hex digits) of the system prompt. */
  promptDigest: string;
  maxTokens: number;
  contextTokens: number;
  conceptsPerDocument: number;
  language: string;
};

/** Returns the identity of the LLM compiler with these settings. */
export function llmCompilerIdentity(
  llm: LlmSettings,
  options: { language: string; conceptsPerDocument: number },
): LlmCompilerIdentity {
  return {
    kind: "llm",
    endpoint: displayUrl(llm.baseUrl.replace(/\/+$/, "")),
    model: llm.model,
    promptVersion: COMPILE_PROMPT_VERSION,
    promptDigest: sha256Bytes(compileInstructions(options.conceptsPerDocument)).slice(0, 16),
    maxTokens: llm.maxTokens,
    contextTokens: llm.contextTokens,
    conceptsPerDocument: options.conceptsPerDocument,
    language: options.language,
  };
}
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

/** The request of one attempt: the prompt fitted to the context, then any follow-up. */
export function attemptMessages(
  doc: ConvertedDocument,
  system: ChatMessage,
  follow: ChatMessage[],
  room: { inputTokens: number; maxChars: number },
): ChatMessage[] {
  const fixed = estimateChatTokens([system, ...follow, { role: "user", content: "" }]);
  const user = fitToTokens(
    (chars) => compilePrompt(doc, Math.min(chars, room.maxChars)),
    Math.max(1, room.inputTokens - fixed),
    cutText,
  );
  return [system, { role: "user", content: user }, ...follow];
}

/** The messages of the first compile request for `doc`, as sent (for estimates). */
export function firstCompileRequest(
  doc: ConvertedDocument,
  llm: LlmSettings,
  options: { conceptsPerDocument: number },
): ChatMessage[] {
  const system: ChatMessage = {
    role: "system",
    content: compileInstructions(options.conceptsPerDocument),
  };
  return attemptMessages(doc, system, [], {
    inputTokens: llm.contextTokens - llm.maxTokens - SAFETY_TOKENS,
    maxChars: Infinity,
  });
}
