import assert from "node:assert/strict";
import { defaultConfig, llmConfig, prepareSettings } from "../core/config.ts";
import { InputError } from "../core/errors.ts";
import { emptyLlmReport, emptyLlmUsage } from "../core/llm_usage.ts";
import { chatCompletion, type ChatRequest, retryAfterMs } from "../prepare/llm/chat_completion.ts";
import type { LlmCallError } from "../prepare/llm/llm_call_error.ts";
import { fakeJson, fakeStatus, fakeText, startFakeLlm } from "./_fake_llm.ts";

const ASK: ChatRequest = { messages: [{ role: "user", content: "Say hi" }] };
const KEY = "sk-test-secret-1234567890";

/** Records the waits asked for instead of waiting. */
function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: (ms) => (waits.push(ms), Promise.resolve()) };
}

async function rejectsWith(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(() => undefined, (e) => e);
  assert.ok(error instanceof InputError, `expected an InputError, got ${error}`);
  assert.equal(error.code, "LLM");
  return error;
}

Deno.test("chatCompletion() returns the assistant content and sends the OpenAI request shape", async () => {
  await using llm = startFakeLlm({ answers: [fakeText("hello")] });
  const answer = await chatCompletion({ ...ASK, json: true, maxTokens: 300 }, {
    baseUrl: llm.baseUrl + "/",
    model: "m1",
    apiKey: KEY,
  });
  assert.equal(answer.content, "hello");
  assert.equal(answer.finishReason, "stop");
  assert.equal(llm.requests.length, 1);
  const [request] = llm.requests;
  assert.equal(request.path, "/v1/chat/completions");
  assert.equal(request.headers.authorization, `Bearer ${KEY}`);
  assert.deepEqual(request.body, {
    model: "m1",
    messages: ASK.messages,
    temperature: 0,
    max_tokens: 300,
    response_format: { type: "json_object" },
  });
});

Deno.test("chatCompletion() sends no Authorization header and no response_format when not asked", async () => {
  await using llm = startFakeLlm({ answers: [fakeText("hi")] });
  await chatCompletion(ASK, { baseUrl: llm.baseUrl, model: "m" });
  assert.equal(llm.requests[0].headers.authorization, undefined);
  assert.equal("response_format" in llm.requests[0].body, false);
});

Deno.test("chatCompletion() waits for Retry-After seconds on 429, then succeeds", async () => {
  await using llm = startFakeLlm({
    answers: [fakeStatus(429, { "retry-after": "3" }), fakeText("ok")],
  });
  const { waits, sleep } = recordingSleep();
  const answer = await chatCompletion(ASK, { baseUrl: llm.baseUrl, model: "m", sleep });
  assert.equal(answer.content, "ok");
  assert.deepEqual(waits, [3000]);
  assert.equal(llm.requests.length, 2);
});

Deno.test("chatCompletion() honours an HTTP-date Retry-After and caps long waits", async () => {
  const inTen = new Date(Date.now() + 10_000).toUTCString();
  await using llm = startFakeLlm({
    answers: [
      fakeStatus(429, { "retry-after": inTen }),
      fakeStatus(429, { "retry-after": "3600" }),
      fakeText("ok"),
    ],
  });
  const { waits, sleep } = recordingSleep();
  await chatCompletion(ASK, { baseUrl: llm.baseUrl, model: "m", sleep, maxRetryDelaySeconds: 60 });
  assert.equal(waits.length, 2);
  assert.ok(waits[0] > 8000 && waits[0] <= 10_000, `waited ${waits[0]} ms`);
  assert.equal(waits[1], 60_000);
});

Deno.test("chatCompletion() backs off exponentially on 429 and 5xx without Retry-After", async () => {
  await using llm = startFakeLlm({
    answers: [fakeStatus(429), fakeStatus(502), fakeStatus(500), fakeText("ok")],
  });
  const { waits, sleep } = recordingSleep();
  const answer = await chatCompletion(ASK, { baseUrl: llm.baseUrl, model: "m", retries: 3, sleep });
  assert.equal(answer.content, "ok");
  assert.deepEqual(waits, [1000, 2000, 4000]);
});

Deno.test("chatCompletion() retries a 500 once, then succeeds", async () => {
  await using llm = startFakeLlm({ answers: [fakeStatus(500), fakeText("ok")] });
  const { waits, sleep } = recordingSleep();
  const answer = await chatCompletion(ASK, { baseUrl: llm.baseUrl, model: "m", sleep });
  assert.equal(answer.content, "ok");
  assert.equal(llm.requests.length, 2);
  assert.equal(waits.length, 1);
});

Deno.test("chatCompletion() fails with the URL and status after retries+1 failing attempts", async () => {
  const body = '{"error":"model overloaded"}';
  await using llm = startFakeLlm({
    answers: [fakeStatus(503, {}, body), fakeStatus(503, {}, body), fakeStatus(503, {}, body)],
  });
  const { sleep } = recordingSleep();
  const error = await rejectsWith(
    chatCompletion(ASK, { baseUrl: llm.baseUrl, model: "m", retries: 2, sleep, source: "a.md" }),
  );
  assert.equal(llm.requests.length, 3);
  assert.equal(error.path, "a.md");
  assert.equal(
    error.message,
    `Cannot get an answer from '${llm.baseUrl}/chat/completions': HTTP 503 after 3 attempt(s): ` +
      body,
  );
});

Deno.test("chatCompletion() fails at once on 401 with a clear message and no key", async () => {
  await using llm = startFakeLlm({ apiKey: "the-right-key" });
  const { waits, sleep } = recordingSleep();
  const error = await rejectsWith(
    chatCompletion(ASK, { baseUrl: llm.baseUrl, model: "m", apiKey: KEY, sleep }),
  );
  assert.equal(llm.requests.length, 1);
  assert.deepEqual(waits, []);
  assert.match(
    error.message,
    /^Cannot get an answer from 'http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions'/,
  );
  assert.match(error.message, /HTTP 401 \(check the API key\)/);
  assert.match(error.message, /Incorrect API key provided: \[redacted\]/);
  assert.equal(error.message.includes(KEY), false);
});

Deno.test("chatCompletion() redacts the key from every error, even echoed in bodies", async () => {
  const echo = JSON.stringify({ error: `bad request from key ${KEY} (${KEY})` });
  await using llm = startFakeLlm({
    answers: [
      fakeStatus(400, {}, echo),
      fakeStatus(500, {}, echo),
      fakeStatus(500, {}, echo),
      fakeText(`not a completion ${KEY}`),
    ],
  });
  const { sleep } = recordingSleep();
  const options = { baseUrl: llm.baseUrl, model: "m", apiKey: KEY, retries: 1, sleep };
  const bad = await rejectsWith(chatCompletion(ASK, options));
  const failing = await rejectsWith(chatCompletion(ASK, options));
  const fetchEcho = () => Promise.resolve(new Response(`<html>${KEY}</html>`, { status: 200 }));
  const notJson = await rejectsWith(chatCompletion(ASK, { ...options, fetch: fetchEcho }));
  for (const error of [bad, failing, notJson]) {
    assert.equal(error.message.includes(KEY), false, error.message);
    assert.equal(JSON.stringify(error.toPayload()).includes(KEY), false);
    assert.match(error.message, /\[redacted\]/);
    assert.equal(error.cause, undefined);
  }
  assert.match(bad.message, /HTTP 400: /);

  const padded = JSON.stringify({ error: "x".repeat(280) + KEY });
  await using cut = startFakeLlm({ answers: [fakeStatus(403, {}, padded)] });
  const straddling = await rejectsWith(chatCompletion(ASK, { ...options, baseUrl: cut.baseUrl }));
  assert.equal(straddling.message.includes(KEY.slice(0, 8)), false, straddling.message);
  assert.match(notJson.message, /HTTP 200 with a body that is not JSON/);
});

Deno.test("chatCompletion() gives up after the timeout without retrying and closes cleanly", async () => {
  await using llm = startFakeLlm({ answers: [{ delayMs: 10_000, content: "late" }] });
  const started = Date.now();
  const error = await rejectsWith(
    chatCompletion(ASK, { baseUrl: llm.baseUrl, model: "m", timeoutSeconds: 0.2 }),
  );
  assert.ok(Date.now() - started < 3000);
  assert.match(error.message, /no answer within 0\.2 s \(raise 'llm\.timeoutSeconds'/);
  assert.equal(llm.requests.length, 1);
});

Deno.test("chatCompletion() retries network errors and then names the endpoint", async () => {
  const closed = startFakeLlm();
  const baseUrl = closed.baseUrl;
  await closed.close();
  const { waits, sleep } = recordingSleep();
  const error = await rejectsWith(chatCompletion(ASK, { baseUrl, model: "m", retries: 2, sleep }));
  assert.deepEqual(waits, [1000, 2000]);
  assert.match(
    error.message,
    new RegExp(`^Cannot get an answer from '${baseUrl}/chat/completions'`),
  );
  assert.match(error.message, /network error after 3 attempt\(s\)/);
});

Deno.test("chatCompletion() resends without response_format when the server refuses JSON mode", async () => {
  await using llm = startFakeLlm({
    answers: [
      fakeStatus(400, {}, `{"error":"'response_format.type' must be 'json_schema' or 'text'"}`),
      fakeJson({ ok: true }),
    ],
  });
  const answer = await chatCompletion({ ...ASK, json: true }, { baseUrl: llm.baseUrl, model: "m" });
  assert.equal(answer.content, '{"ok":true}');
  assert.equal(llm.requests.length, 2);
  assert.deepEqual(llm.requests[0].body.response_format, { type: "json_object" });
  assert.equal("response_format" in llm.requests[1].body, false);
});

Deno.test("chatCompletion() fails at once on other 4xx answers", async () => {
  await using llm = startFakeLlm({ answers: [fakeStatus(404, {}, "model 'm' not found")] });
  const error = await rejectsWith(chatCompletion(ASK, { baseUrl: llm.baseUrl, model: "m" }));
  assert.equal(llm.requests.length, 1);
  assert.match(error.message, /: HTTP 404: model 'm' not found$/);
});

Deno.test("chatCompletion() fails on a 200 answer without a message", async () => {
  const fetchEmpty = () => Promise.resolve(Response.json({ choices: [] }));
  const error = await rejectsWith(
    chatCompletion(ASK, { baseUrl: "http://llm.invalid/v1", model: "m", fetch: fetchEmpty }),
  );
  assert.match(error.message, /HTTP 200 with no message in 'choices\[0\]'/);
});

Deno.test("chatCompletion() hides user info in the URL it shows", async () => {
  const refuse = () => Promise.resolve(new Response("no", { status: 403 }));
  const error = await rejectsWith(
    chatCompletion(ASK, {
      baseUrl: "http://user:pw@llm.invalid/v1?x=1",
      model: "m",
      fetch: refuse,
    }),
  );
  assert.equal(error.message.includes("pw"), false);
  assert.match(error.message, /^Cannot get an answer from 'http:\/\/llm\.invalid\/v1/);
});

Deno.test("chatCompletion() throws the caller's abort reason as is", async () => {
  await using llm = startFakeLlm({ answers: [{ delayMs: 10_000, content: "late" }] });
  const controller = new AbortController();
  const reason = new Error("interrupted");
  setTimeout(() => controller.abort(reason), 50);
  const error = await chatCompletion(ASK, {
    baseUrl: llm.baseUrl,
    model: "m",
    signal: controller.signal,
  }).catch((e) => e);
  assert.equal(error, reason);
});

Deno.test("retryAfterMs() reads seconds and HTTP dates and ignores junk", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  assert.equal(retryAfterMs("2", now), 2000);
  assert.equal(retryAfterMs("0.5", now), 500);
  assert.equal(retryAfterMs("Wed, 01 Jan 2025 00:00:30 GMT", now), 30_000);
  assert.equal(retryAfterMs("Tue, 31 Dec 2024 23:00:00 GMT", now), 0);
  assert.equal(retryAfterMs("soon", now), undefined);
  assert.equal(retryAfterMs(null, now), undefined);
});

Deno.test("chatCompletion() returns finish_reason and usage, and counts them into a report", async () => {
  await using llm = startFakeLlm({
    answers: [fakeStatus(500), { content: "cut he", finishReason: "length" }],
  });
  const { sleep } = recordingSleep();
  const report = emptyLlmReport();
  const answer = await chatCompletion({ ...ASK, maxTokens: 5 }, {
    baseUrl: llm.baseUrl,
    model: "m",
    sleep,
    report,
  });
  assert.equal(answer.content, "cut he");
  assert.equal(answer.finishReason, "length");
  assert.deepEqual(answer.usage, { promptTokens: 9, completionTokens: 2 });
  assert.equal(llm.requests[1].body.max_tokens, 5);
  assert.deepEqual(report.usage, { ...emptyLlmUsage(), calls: 2, retries: 1, ...answer.usage });
  assert.equal(report.answered, true);
  assert.equal(report.failuresInARow, 0);
});

Deno.test("chatCompletion() switches to max_completion_tokens when the server names max_tokens", async () => {
  await using llm = startFakeLlm({
    answers: [
      fakeStatus(400, {}, `{"error":"Unsupported parameter: 'max_tokens'"}`),
      fakeText("ok"),
    ],
  });
  const report = emptyLlmReport();
  const answer = await chatCompletion({ ...ASK, maxTokens: 64 }, {
    baseUrl: llm.baseUrl,
    model: "m",
    report,
  });
  assert.equal(answer.content, "ok");
  assert.equal(llm.requests[1].body.max_completion_tokens, 64);
  assert.equal("max_tokens" in llm.requests[1].body, false);
  assert.equal(report.usage.calls, 2);
  assert.equal(report.usage.retries, 0);
});

Deno.test("chatCompletion() reads a streamed answer with its finish_reason and usage", async () => {
  const long = "A streamed answer longer than one sixteen-character piece.";
  await using llm = startFakeLlm({
    answers: [fakeText(long), { content: "partial", finishReason: "length" }],
  });
  const options = { baseUrl: llm.baseUrl, model: "m", stream: true };
  const answer = await chatCompletion(ASK, options);
  assert.equal(answer.content, long);
  assert.equal(answer.finishReason, "stop");
  assert.equal(answer.usage?.completionTokens, Math.ceil(long.length / 4));
  assert.equal(llm.requests[0].body.stream, true);
  assert.deepEqual(llm.requests[0].body.stream_options, { include_usage: true });
  const cut = await chatCompletion(ASK, options);
  assert.equal(cut.finishReason, "length");
});

Deno.test("chatCompletion() fails on a stream that carries an error event, without the key", async () => {
  const fetchStream = () =>
    Promise.resolve(
      new Response(`data: {"error":{"message":"overloaded, key ${KEY}"}}\n\n`, {
        headers: { "content-type": "text/event-stream" },
      }),
    );
  const error = await rejectsWith(
    chatCompletion(ASK, {
      baseUrl: "http://llm.invalid/v1",
      model: "m",
      apiKey: KEY,
      stream: true,
      fetch: fetchStream,
    }),
  );
  assert.match(error.message, /HTTP 200 with an error event: .*overloaded/);
  assert.equal(error.message.includes(KEY), false);
});

Deno.test("chatCompletion() names the cause of a network error: refused or DNS", async () => {
  const closed = startFakeLlm();
  const baseUrl = closed.baseUrl;
  await closed.close();
  const { sleep } = recordingSleep();
  const report = emptyLlmReport();
  const refused = await rejectsWith(
    chatCompletion(ASK, { baseUrl, model: "m", retries: 1, sleep, report }),
  );
  assert.match(refused.message, /network error after 2 attempt\(s\): connection refused \(/);
  assert.equal((refused as LlmCallError).kind, "connection");
  assert.equal(report.failuresInARow, 2);
  assert.match(report.cause ?? "", /^connection refused/);

  const dnsFailure = () =>
    Promise.reject(
      new TypeError("fetch failed", {
        cause: new Error(
          "error sending request for url (http://nowhere.invalid/v1/chat/completions): client error (Connect): dns error: failed to lookup address information: Name or service not known",
        ),
      }),
    );
  const dns = await rejectsWith(
    chatCompletion(ASK, {
      baseUrl: "http://nowhere.invalid/v1",
      model: "m",
      retries: 0,
      fetch: dnsFailure,
    }),
  );
  assert.match(
    dns.message,
    /network error after 1 attempt\(s\): DNS lookup failed \(client error \(Connect\): dns error/,
  );
  assert.equal(dns.message.includes("fetch failed"), false);
});

Deno.test("chatCompletion() redacts the key as set and as trimmed, and sends it trimmed", async () => {
  const settings = prepareSettings(
    { ...defaultConfig(), llm: llmConfig({ baseUrl: "http://x/v1", model: "m", apiKeyEnv: "K" }) },
    { env: () => `${KEY} \r` },
  ).llm!;
  assert.equal(settings.apiKey, KEY);
  await using llm = startFakeLlm({ apiKey: "the-right-key" });
  const error = await rejectsWith(
    chatCompletion(ASK, {
      baseUrl: llm.baseUrl,
      model: "m",
      apiKey: settings.apiKey,
      secrets: settings.secrets,
      keyVariable: "K",
      keyState: settings.apiKeyState,
    }),
  );
  assert.equal(llm.requests[0].headers.authorization, `Bearer ${KEY}`);
  assert.equal(error.message.includes(KEY), false, error.message);
  assert.match(error.message, /HTTP 401 \(check the API key in 'K'\): .*\[redacted\]/);
});

Deno.test("chatCompletion() says which key variable is unset or empty on a 401", async () => {
  await using llm = startFakeLlm({ apiKey: "the-right-key" });
  for (const [env, said] of [[undefined, "is not set"], ["  ", "is empty"]] as const) {
    const settings = prepareSettings(
      {
        ...defaultConfig(),
        llm: llmConfig({ baseUrl: llm.baseUrl, model: "m", apiKeyEnv: "MY_LLM_KEY" }),
      },
      { env: () => env },
    ).llm!;
    const error = await rejectsWith(
      chatCompletion(ASK, {
        baseUrl: llm.baseUrl,
        model: "m",
        apiKey: settings.apiKey,
        keyVariable: settings.apiKeyEnv,
        keyState: settings.apiKeyState,
      }),
    );
    assert.match(
      error.message,
      new RegExp(`HTTP 401 \\(no API key was sent: the variable 'MY_LLM_KEY' ${said}\\)`),
    );
    assert.equal((error as LlmCallError).kind, "key");
  }
  assert.equal(llm.requests.every((r) => r.headers.authorization === undefined), true);
});
