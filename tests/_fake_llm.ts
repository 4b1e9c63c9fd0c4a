/**
 * A fake OpenAI-compatible server for tests: a real HTTP server on
 * 127.0.0.1, random port, speaking `POST /v1/chat/completions` and
 * `GET /v1/models`. It answers from a script, then from a deterministic
 * default, and records every request.
 *
 * ```ts
 * await using llm = startFakeLlm({ answers: [fakeText("not json"), fakeJson({ … })] });
 * const settings = fakeLlmSettings(llm.baseUrl, { retries: 2 });
 * // … run the code under test, then assert on llm.requests[i].body / .headers
 * ```
 *
 * When the script is exhausted, a compile prompt (one whose messages mention
 * `"concepts"`) gets a valid compile answer built from the text between
 * `<document>` and `</document>` (or the whole last user message): summary,
 * description and up to three concepts taken from its first distinct words of
 * seven letters or more. Any other prompt gets a markdown answer that cites
 * every `Path: [[…]]` it was given. So any number of documents can be compiled.
 *
 * Every completion reports `usage` (prompt tokens: the request's characters
 * / 4; completion tokens: the answer's characters / 4, rounded up) and the
 * scripted `finishReason` (default "stop"). A request with `stream: true`
 * gets the same answer as server-sent events in pieces of 16 characters,
 * with the usage in a last event when `stream_options.include_usage` is set.
 *
 * @module
 */

import type { LlmSettings } from "../core/config.ts";
import { LLM_DEFAULTS } from "../core/config.ts";

/** Worker LLM settings for a test: model "fake", no key, 5 s timeout, then `overrides`. */
export function fakeLlmSettings(
  baseUrl: string,
  overrides: Partial<LlmSettings> = {},
): LlmSettings {
  const apiKey = overrides.apiKey ?? "";
  return {
    ...LLM_DEFAULTS,
    baseUrl,
    model: "fake",
    apiKeyEnv: "",
    timeoutSeconds: 5,
    apiKey,
    apiKeyState: apiKey === "" ? "none" : "set",
    secrets: apiKey === "" ? [] : [apiKey],
    ...overrides,
  };
}

/** One scripted reply. With neither `status` nor `content`, the default answer is sent. */
export interface FakeAnswer {
  /** Assistant message content, sent with HTTP 200. */
  content?: string;
  /** An HTTP status to answer instead of a completion. */
  status?: number;
  /** Body sent with `status`. @default `{"error":{"message":"fake error"}}` */
  body?: string;
  /** Extra response headers, e.g. `{ "retry-after": "2" }`. */
  headers?: Record<string, string>;
  /** Wait this long first (cut short when the server closes). */
  delayMs?: number;
  /** The completion's `finish_reason`. @default "stop" */
  finishReason?: string;
}

/** One request the server received. */
export interface FakeRequest {
  method: string;
  /** URL path, e.g. `/v1/chat/completions`. */
  path: string;
  /** Lowercase header names. */
  headers: Record<string, string>;
  /** The parsed JSON body; `null` for GET. */
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** Options of {@linkcode startFakeLlm}. */
export interface FakeLlmOptions {
  /** Replies used in order, one per chat request. @default [] */
  answers?: FakeAnswer[];
  /** When set, chat requests without `Bearer <apiKey>` get 401 echoing the key sent. */
  apiKey?: string;
  /** Model listed by `GET /v1/models`. @default "fake-model" */
  model?: string;
  /** Delay of every answer that is not scripted with its own. @default 0 */
  delayMs?: number;
}

/** A running fake; close it (or `await using` it) before the test ends. */
export interface FakeLlm {
  /** Base URL including `/v1`, for `llm.baseUrl`. */
  baseUrl: string;
  /** Every request received, in order. */
  requests: FakeRequest[];
  /** Stops the server, cutting any delayed answer short. Safe to call twice. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A 200 answer whose content is `value` as JSON. */
export function fakeJson(value: unknown): FakeAnswer {
  return { content: JSON.stringify(value) };
}

/** A 200 answer with exactly this content (malformed or fenced JSON, prose). */
export function fakeText(content: string): FakeAnswer {
  return { content };
}

/** An HTTP error answer, e.g. `fakeStatus(429, { "retry-after": "3" })`. */
export function fakeStatus(
  status: number,
  headers?: Record<string, string>,
  body?: string,
): FakeAnswer {
  return { status, headers, body };
}

/** Builds the default reply to a chat request body (see the module doc). */
// deno-lint-ignore no-explicit-any
export function defaultFakeContent(body: any): string {
  const messages: { role: string; content: string }[] = body?.messages ?? [];
  const last = messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
  if (!messages.some((m) => m.content.includes('"concepts"'))) {
    const question = /^Question: (.*)$/m.exec(last)?.[1] ?? "the question";
    const cites = [...last.matchAll(/^Path: (\[\[[^\]\n]+\]\])$/gm)].map((m) => m[1]);
    return `The pages answer "${question}": see ${cites.join(", ") || "no page"}.`;
  }
  const text = /<document>\n?([\s\S]*?)<\/document>/.exec(last)?.[1] ?? last;
  const title = /^Title: (.*)$/m.exec(last)?.[1] || "the document";
  const words = [...new Set(text.toLowerCase().match(/\p{L}{7,}/gu) ?? [])].slice(0, 3);
  return JSON.stringify({
    summary: `This document, "${title}", discusses ${words.join(", ") || "little"}.`,
    description: `About ${title}`,
    concepts: words.map((word) => ({ label: word, note: `The document discusses ${word}.` })),
  });
}

/** The server-sent events of a streamed answer. */
function fakeStream(content: string, finish: string, usage: unknown): string {
  const events: unknown[] = [];
  for (let i = 0; i < content.length || i === 0; i += 16) {
    const delta = i === 0 ? { role: "assistant", content: content.slice(0, 16) } : {
      content: content.slice(i, i + 16),
    };
    events.push({ object: "chat.completion.chunk", choices: [{ index: 0, delta }] });
  }
  events.push({ choices: [{ index: 0, delta: {}, finish_reason: finish }] });
  if (usage !== null) events.push({ choices: [], usage });
  return events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("") + "data: [DONE]\n\n";
}

/** Starts the fake on a random local port. */
export function startFakeLlm(options: FakeLlmOptions = {}): FakeLlm {
  const script = [...(options.answers ?? [])];
  const requests: FakeRequest[] = [];
  const closing = new AbortController();
  const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(value), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    const body = req.method === "POST" ? await req.json().catch(() => null) : null;
    requests.push({ method: req.method, path, headers: Object.fromEntries(req.headers), body });
    if (req.method === "GET" && path === "/v1/models") {
      return json(200, {
        object: "list",
        data: [{ id: options.model ?? "fake-model", object: "model" }],
      });
    }
    if (req.method !== "POST" || path !== "/v1/chat/completions") {
      return json(404, { error: { message: `no route ${req.method} ${path}` } });
    }
    const auth = req.headers.get("authorization") ?? "";
    if (options.apiKey !== undefined && auth !== `Bearer ${options.apiKey}`) {
      const sent = auth.replace(/^Bearer /, "");
      return json(401, { error: { message: `Incorrect API key provided: ${sent}` } });
    }
    const answer = script.shift() ?? {};
    const delayMs = answer.delayMs ?? options.delayMs ?? 0;
    if (delayMs > 0) {
      // Not `req.signal`: Deno warns that it also aborts on successful responses.
      await new Promise<void>((resolve) => {
        const stop = () => (clearTimeout(timer), resolve());
        const timer = setTimeout(() => {
          closing.signal.removeEventListener("abort", stop);
          resolve();
        }, delayMs);
        closing.signal.addEventListener("abort", stop, { once: true });
      });
    }
    if (answer.status !== undefined) {
      const text = answer.body ?? JSON.stringify({ error: { message: "fake error" } });
      return new Response(text, { status: answer.status, headers: answer.headers });
    }
    const content = answer.content ?? defaultFakeContent(body);
    const finish = answer.finishReason ?? "stop";
    const usage = {
      prompt_tokens: Math.ceil(JSON.stringify(body?.messages ?? []).length / 4),
      completion_tokens: Math.ceil(content.length / 4),
    };
    if (body?.stream === true) {
      return new Response(fakeStream(content, finish, body?.stream_options ? usage : null), {
        headers: { "content-type": "text/event-stream", ...answer.headers },
      });
    }
    return json(200, {
      id: `chatcmpl-${requests.length}`,
      object: "chat.completion",
      model: body?.model ?? "fake-model",
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: finish }],
      usage,
    }, answer.headers);
  });

  let closed: Promise<void> | undefined;
  const close = () => {
    closing.abort();
    closed ??= server.shutdown();
    return closed;
  };
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}/v1`,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}
