/**
 * Estimating how many tokens a text costs, without the model's tokenizer
 * (which Quire does not have for an arbitrary OpenAI-compatible model).
 *
 * The estimate is one token per 3.5 ASCII characters (English prose with
 * BPE tokenizers averages about 4; markdown, numbers and code run lower)
 * plus one token per other character (accented letters, CJK, emoji: a
 * tokenizer spends at most about one token on most of them). So it errs on
 * the high side for everything but unusual symbol runs, and a prompt fitted
 * to it stays within the context window. Each chat message adds 4 tokens of
 * framing, and a chat 3 more.
 *
 * @module
 */

import type { ChatMessage } from "./chat_completion.ts";

/** ASCII characters counted per token. */
export const ASCII_CHARS_PER_TOKEN = 3.5;

/** Estimates the tokens of `text` (see the module doc). */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) ascii++;
    // A surrogate pair is one character: count its high half only.
    else if (code < 0xdc00 || code > 0xdfff) other++;
  }
  return Math.ceil(ascii / ASCII_CHARS_PER_TOKEN) + other;
}

/** Estimates the prompt tokens of a chat request. */
export function estimateChatTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + estimateTokens(m.content) + 4, 3);
}

/**
 * Fits a text built for a character budget into `maxTokens`: builds it for
 * `maxTokens` × 3.5 characters, and while the estimate is over, builds it
 * again for proportionally fewer; as a last resort cuts it to `maxTokens`
 * characters (never more than one token each).
 */
export function fitToTokens(
  build: (maxChars: number) => string,
  maxTokens: number,
  cut: (text: string, maxChars: number) => string,
): string {
  let chars = Math.max(1, Math.floor(maxTokens * ASCII_CHARS_PER_TOKEN));
  let text = build(chars);
  for (let round = 0; round < 6; round++) {
    const tokens = estimateTokens(text);
    if (tokens <= maxTokens) return text;
    chars = Math.max(1, Math.floor((chars * maxTokens / tokens) * 0.95));
    text = build(chars);
  }
  return estimateTokens(text) <= maxTokens ? text : cut(text, Math.max(1, maxTokens - 1));
}
