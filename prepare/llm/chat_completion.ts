/**
 * One call to an OpenAI-compatible chat-completions endpoint
 * (`POST <baseUrl>/chat/completions`), returning the assistant's text with
 * why the model stopped and the tokens the server counted.
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
 * - Output budget: `max_tokens` is sent when asked for. A server that
 *   refuses it by name in a 400 (OpenAI's newer models want
 *   `max_completion_tokens`) gets the same request with
 *   `max_completion_tokens` instead. A cut-off answer (`finish_reason:
 *   "length"`) is returned as such; what to do about it is the caller's call.
 * - JSON mode: some servers (LM Studio, older vLLM) answer 400 to
 *   `response_format: {type: "json_object"}`. When a 400 body names
 *   `response_format`, the request is sent once more without it; callers
 *   validate the answer anyway. Like the `max_tokens` switch, this counts
 *   as a call but not as a retry.
 * - Streaming (`stream: true`, with `stream_options.include_usage`) reads
 *   server-sent events into the same answer (see `read_chat_completion.ts`).
 * - The API key goes only into the `Authorization` header. Every error
 *   message has each form of the key (as set, and trimmed) replaced by
 *   `[redacted]`, since servers often echo the key they refused. Errors
 *   carry no `cause` for the same reason; a network error's cause is put
 *   into the message instead (refused, DNS…, see `llm_call_error.ts`).
 *   A 401/403 says which variable the key comes from, and whether it was
 *   unset or empty (then no key was sent).
 * - Endpoints are shown without user info or query string.
 * - `report`, when given, counts calls, retries and tokens, and records the
 *   endpoint's health for the fail-fast logic of the prepare pool.
 *
 * @module
 */

import type { ApiKeyState, LlmSettings } from "../../core/config.ts";
import type { LlmReport } from "../../core/llm_usage.ts";
import {
  describeNetworkError,
  LlmCallError,
  type LlmFailureKind,
  redactSecrets,
} from "./llm_call_error.ts";
import {
  type ChatAnswer,
  excerpt,
  type ReadAnswer,
  readCompletionBody,
  readCompletionStream,
} from "./read_chat_completion.ts";

export type { ChatAnswer, ChatUsage } from "./read_chat_completion.ts";

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
  /** The output budget (`max_tokens`). @default none sent */
  maxTokens?: number;
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
  /** API key for the `Authorization: Bearer` header (trimmed); "" sends none. @default "" */
  apiKey?: string;
  /** Every form of the key to redact from messages. @default [apiKey] */
  secrets?: readonly string[];
  /** The variable the key comes from, named on 401/403. @default unnamed */
  keyVariable?: string;
  /** Whether that variable gave a key. @default "set" when `apiKey` is not "" */
  keyState?: ApiKeyState;
  /** Seconds before one request is abandoned. @default 120 */
  timeoutSeconds?: number;
  /** Extra attempts after a network error, a 429 or a 5xx. @default 2 */
  retries?: number;
  /** Longest wait before a retry, whatever `Retry-After` says. @default 60 */
  maxRetryDelaySeconds?: number;
  /** Ask for server-sent events (`stream: true`). @default false */
  stream?: boolean;
  /** The input this request works for: the error's `path`. @default the endpoint URL */
  source?: string;
  /** Cancels the call; its reason is thrown as is. */
  signal?: AbortSignal;
  /** Counts calls, retries, tokens and the endpoint's health into this report. */
  report?: LlmReport;
  /** The HTTP client, for tests. @default globalThis.fetch */
  fetch?: FetchLike;
  /** The wait between attempts, for tests. @default a `setTimeout` sleep */
  sleep?: SleepLike;
}

/** The options every call to the configured endpoint shares, taken from the LLM settings. */
export function endpointOptions(llm: LlmSettings): ChatCompletionOptions {
  return {
    baseUrl: llm.baseUrl,
    model: llm.model,
    apiKey: llm.apiKey,
    secrets: llm.secrets,
    keyVariable: llm.apiKeyEnv,
    keyState: llm.apiKeyState,
    timeoutSeconds: llm.timeoutSeconds,
    retries: llm.retries,
    stream: llm.stream,
  };
}

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
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return url;
  }
}

/** What a 401/403 message adds about the key. */
function keyAdvice(options: ChatCompletionOptions): string {
  const variable = options.keyVariable;
  const state = options.keyState ?? ((options.apiKey ?? "") === "" ? "none" : "set");
  switch (state) {
    case "unset":
      return ` (no API key was sent: the variable '${variable}' is not set)`;
    case "empty":
      return ` (no API key was sent: the variable '${variable}' is empty)`;
    case "none":
      return variable === undefined
        ? " (no API key was sent)"
        : ` (no API key was sent: 'llm.apiKeyEnv' names no variable)`;
    case "set":
      return variable ? ` (check the API key in '${variable}')` : " (check the API key)";
  }
}

/** The request body for one attempt. */
function requestBody(
  request: ChatRequest,
  options: ChatCompletionOptions,
  mode: { json: boolean; budgetName: string; streamOptions: boolean },
): string {
  return JSON.stringify({
    model: options.model,
    messages: request.messages,
    temperature: 0,
    ...(request.maxTokens !== undefined ? { [mode.budgetName]: request.maxTokens } : {}),
    ...(mode.json ? { response_format: { type: "json_object" } } : {}),
    ...(options.stream
      ? { stream: true, ...(mode.streamOptions ? { stream_options: { include_usage: true } } : {}) }
      : {}),
  });
}

/**
 * Sends a chat request and returns the model's answer.
 * @throws {LlmCallError} (an `InputError`, code `LLM`) when the endpoint
 * cannot be reached, refuses the request, times out, or answers without a
 * message; the message names the endpoint and the HTTP status, never the API key.
 */
export async function chatCompletion(
  request: ChatRequest,
  options: ChatCompletionOptions,
): Promise<ChatAnswer> {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  const shown = displayUrl(url);
  const key = options.apiKey ?? "";
  const secrets = options.secrets ?? [key];
  const source = options.source ?? shown;
  const retries = Math.max(0, options.retries ?? 2);
  const timeoutMs = (options.timeoutSeconds ?? 120) * 1000;
  const maxDelayMs = (options.maxRetryDelaySeconds ?? 60) * 1000;
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const sleep = options.sleep ?? sleepFor;
  const report = options.report;
  const fail = (kind: LlmFailureKind, state: string): LlmCallError =>
    new LlmCallError(
      kind,
      redactSecrets(`Cannot get an answer from '${shown}': ${state}`, secrets),
      source,
    );
  /** A connection-level failure: counts towards stopping a dead endpoint. */
  const endpointFailed = (cause: string) => {
    if (!report) return;
    report.failuresInARow++;
    report.cause = redactSecrets(cause, secrets);
  };
  const endpointAnswered = () => {
    if (!report) return;
    report.answered = true;
    report.failuresInARow = 0;
  };

  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key !== "") headers.authorization = `Bearer ${key}`;
  const mode = { json: request.json ?? false, budgetName: "max_tokens", streamOptions: true };
  let attempt = 0;
  while (true) {
    const body = requestBody(request, options, mode);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let status: number;
    let text = "";
    let read: ReadAnswer | undefined;
    let retryAfter: string | null = null;
    if (report) report.usage.calls++;
    try {
      const response = await doFetch(url, { method: "POST", headers, body, signal });
      status = response.status;
      retryAfter = response.headers.get("retry-after");
      const streamed = (response.headers.get("content-type") ?? "").includes("text/event-stream");
      if (status >= 200 && status < 300 && streamed && response.body) {
        read = await readCompletionStream(response.body);
      } else {
        // Redact before any excerpt is cut, so no part of the key survives a cut.
        text = redactSecrets(await response.text(), secrets);
      }
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (timeout.aborted) {
        endpointFailed(`no answer within ${timeoutMs / 1000} s`);
        throw fail(
          "timeout",
          `no answer within ${timeoutMs / 1000} s (raise 'llm.timeoutSeconds' for slow models)`,
        );
      }
      const reason = describeNetworkError(error);
      endpointFailed(reason);
      if (attempt >= retries) {
        throw fail("connection", `network error after ${attempt + 1} attempt(s): ${reason}`);
      }
      await sleep(Math.min(1000 * 2 ** attempt, maxDelayMs), options.signal);
      attempt++;
      if (report) report.usage.retries++;
      continue;
    }

    if (status >= 200 && status < 300) {
      endpointAnswered();
      read ??= readCompletionBody(text);
      if (!read.ok) {
        throw fail("answer", redactSecrets(`HTTP ${status} with ${read.problem}`, secrets));
      }
      const answer = read.answer;
      if (report && answer.usage) {
        report.usage.promptTokens += answer.usage.promptTokens;
        report.usage.completionTokens += answer.usage.completionTokens;
      }
      return answer;
    }
    if (status < 500) endpointAnswered();
    if (status === 400 && mode.json && text.includes("response_format")) {
      mode.json = false;
      continue;
    }
    if (
      status === 400 && request.maxTokens !== undefined && mode.budgetName === "max_tokens" &&
      text.includes("max_tokens")
    ) {
      mode.budgetName = "max_completion_tokens";
      continue;
    }
    if (status === 400 && options.stream && mode.streamOptions && text.includes("stream_options")) {
      mode.streamOptions = false;
      continue;
    }
    const detail = excerpt(text) || "(empty body)";
    if (status === 401 || status === 403) {
      const refusal = `HTTP ${status}${keyAdvice(options)}`;
      if (report) report.keyRefused = redactSecrets(refusal, secrets);
      throw fail("key", `${refusal}: ${detail}`);
    }
    const retryable = status === 429 || status >= 500;
    if (status >= 500) endpointFailed(`HTTP ${status}: ${detail}`);
    if (!retryable || attempt >= retries) {
      const tries = retryable ? ` after ${attempt + 1} attempt(s)` : "";
      throw fail(status >= 500 ? "server" : "http", `HTTP ${status}${tries}: ${detail}`);
    }
    const asked = retryAfterMs(retryAfter);
    await sleep(Math.min(asked ?? 1000 * 2 ** attempt, maxDelayMs), options.signal);
    attempt++;
    if (report) report.usage.retries++;
  }
}
