/**
 * One call to an OpenAI-compatible chat-completions endpoint
 * (`POST <baseUrl>/chat/completions`), returning the assistant's text.
 *
 * Choices made where the spec was silent:
 *
 * - Retried: network errors, HTTP 429 and HTTP 5xx, up to `retries` extra
 *   attempts. A `Retry-After` (seconds or an HTTP date) on a 429 or 503 is
 *   honoured up to `maxRetryDelaySeconds`; otherwise the wait doubles from one second
 *   (1 s, 2 s, 4 s…, same cap). There is no jitter, so tests stay exact.
 * - Not retried: any other 4xx, a malformed 200 body, and a timeout. A model
 *   too slow for a prompt is as slow the second time, and the worker's
 *   prepare timeout bounds the whole input anyway; the message says to raise
 *   `llm.timeoutSeconds` instead.
 * - JSON mode: some servers (LM Studio, older vLLM) answer 400 to
 *   `response_format: {type: "json_object"}`. When a 400 body names
 *   `response_format`, the request is sent once more without it; callers
 *   validate the answer anyway. This does not count as a retry.
 * - The API key goes only into the `Authorization` header. Every error
 *   message has the key replaced by `[redacted]`, since servers often echo
 *   the key they refused. Errors carry no `cause` for the same reason.
 * - Endpoints are shown without user info or query string.
 *
 * @module
 */

import { InputError } from "../../core/errors.ts";

/** One message of a chat. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** What to ask the model. */
export interface ChatRequest {
  /** The conversation so far, system message first. */
  messages: ChatMessage[];
  /** Ask for a JSON object (`response_format: {type: "json_object"}`). @default false */
  json?: boolean;
}

/** A `fetch`-compatible function. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Waits `ms` milliseconds; rejects when `signal` aborts. */
export type SleepLike = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Where and how to send a chat request. */
export interface ChatCompletionOptions {
  /** Base URL up to and including `/v1`, e.g. `http://127.0.0.1:11434/v1`. */
  baseUrl: string;
  /** Model name sent in the request. */
  model: string;
  /** API key for the `Authorization: Bearer` header; "" sends none. @default "" */
  apiKey?: string;
  /** Seconds before one request is abandoned. @default 120 */
  timeoutSeconds?: number;
  /** Extra attempts after a network error, a 429 or a 5xx. @default 2 */
  retries?: number;
  /** Longest wait before a retry, whatever `Retry-After` says. @default 60 */
  maxRetryDelaySeconds?: number;
  /** The input this request works for: the error's `path`. @default the endpoint URL */
  source?: string;
  /** Cancels the call; its reason is thrown as is. */
  signal?: AbortSignal;
  /** The HTTP client, for tests. @default globalThis.fetch */
  fetch?: FetchLike;
  /** The wait between attempts, for tests. @default a `setTimeout` sleep */
  sleep?: SleepLike;
}

const BODY_EXCERPT_CHARS = 300;

/** Waits `ms` milliseconds unless `signal` aborts first. */
export function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Returns the wait a `Retry-After` header asks for, in milliseconds, or
 * `undefined` when it is absent or unreadable. Past dates give 0.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The endpoint as shown in messages: no user info, no query string. */
function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return url;
  }
}

function redact(text: string, key: string): string {
  return key === "" ? text : text.split(key).join("[redacted]");
}

function excerpt(body: string): string {
  const line = body.replace(/\s+/g, " ").trim();
  return line.length > BODY_EXCERPT_CHARS ? line.slice(0, BODY_EXCERPT_CHARS) + "…" : line;
}

/** Reads `choices[0].message.content` from a completion body. */
function messageContent(body: unknown): string | undefined {
  const choice = (body as { choices?: { message?: { content?: unknown } }[] })?.choices?.[0];
  const content = choice?.message?.content;
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    const parts = content.map((part) => (part as { text?: unknown })?.text);
    if (parts.every((part) => typeof part === "string")) return parts.join("");
  }
  return undefined;
}

/**
 * Sends a chat request and returns the assistant message's content.
 * @throws {InputError} `LLM` when the endpoint cannot be reached, refuses the
 * request, times out, or answers without a message; the message names the
 * endpoint and the HTTP status, never the API key.
 */
export async function chatCompletion(
  request: ChatRequest,
  options: ChatCompletionOptions,
): Promise<string> {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  const shown = displayUrl(url);
  const key = options.apiKey ?? "";
  const source = options.source ?? shown;
  const retries = Math.max(0, options.retries ?? 2);
  const timeoutMs = (options.timeoutSeconds ?? 120) * 1000;
  const maxDelayMs = (options.maxRetryDelaySeconds ?? 60) * 1000;
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const sleep = options.sleep ?? sleepFor;
  const fail = (state: string) =>
    new InputError("LLM", redact(`Cannot get an answer from '${shown}': ${state}`, key), source);

  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key !== "") headers.authorization = `Bearer ${key}`;
  let json = request.json ?? false;
  let attempt = 0;
  while (true) {
    const body = JSON.stringify({
      model: options.model,
      messages: request.messages,
      temperature: 0,
      ...(json ? { response_format: { type: "json_object" } } : {}),
    });
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let status: number;
    let text: string;
    let retryAfter: string | null = null;
    try {
      const response = await doFetch(url, { method: "POST", headers, body, signal });
      status = response.status;
      retryAfter = response.headers.get("retry-after");
      // Redact before any excerpt is cut, so no part of the key survives a cut.
      text = redact(await response.text(), key);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (timeout.aborted) {
        throw fail(
          `no answer within ${timeoutMs / 1000} s (raise 'llm.timeoutSeconds' for slow models)`,
        );
      }
      const reason = error instanceof Error ? error.message : String(error);
      if (attempt >= retries) {
        throw fail(`network error after ${attempt + 1} attempt(s): ${reason}`);
      }
      await sleep(Math.min(1000 * 2 ** attempt, maxDelayMs), options.signal);
      attempt++;
      continue;
    }

    if (status >= 200 && status < 300) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw fail(`HTTP ${status} with a body that is not JSON: ${excerpt(text)}`);
      }
      const content = messageContent(parsed);
      if (content === undefined) {
        throw fail(`HTTP ${status} without a message in 'choices[0]': ${excerpt(text)}`);
      }
      return content;
    }

    if (status === 400 && json && text.includes("response_format")) {
      json = false;
      continue;
    }
    const retryable = status === 429 || status >= 500;
    if (!retryable || attempt >= retries) {
      const tries = retryable ? ` after ${attempt + 1} attempt(s)` : "";
      const advice = status === 401 || status === 403 ? " (check the API key)" : "";
      throw fail(`HTTP ${status}${advice}${tries}: ${excerpt(text) || "(empty body)"}`);
    }
    const asked = retryAfterMs(retryAfter);
    await sleep(Math.min(asked ?? 1000 * 2 ** attempt, maxDelayMs), options.signal);
    attempt++;
  }
}
