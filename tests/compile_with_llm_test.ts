import assert from "node:assert/strict";
import { InputError } from "../core/errors.ts";
import type { ConvertedDocument, Section } from "../core/types.ts";
import { compileWithLlm, type LlmSettings, rankConcepts } from "../prepare/llm/compile_with_llm.ts";
import { emptyLlmReport } from "../core/llm_usage.ts";
import { estimateChatTokens } from "../prepare/llm/estimate_tokens.ts";
import { fakeJson, fakeLlmSettings, fakeStatus, fakeText, startFakeLlm } from "./_fake_llm.ts";

const KEY = "sk-compile-secret-987654321";

function settings(baseUrl: string, overrides: Partial<LlmSettings> = {}): LlmSettings {
  return fakeLlmSettings(baseUrl, { apiKeyEnv: "TEST_KEY", apiKey: KEY, retries: 2, ...overrides });
}

function doc(markdown: string, sections: Section[] = []): ConvertedDocument {
  return {
    type: "markdown",
    ext: "md",
    title: "Vector search notes",
    markdown,
    sections,
    warnings: [],
    facts: {},
  };
}

const GOOD = {
  summary: "Vector databases store embeddings.\n\n\n\nThey answer nearest-neighbour queries.",
  description: "Notes on vector search",
  concepts: [
    { label: "Vector databases", note: "They store embeddings." },
    { label: "embedding", note: "A vector for a text." },
    { label: "nearest neighbour search", note: "Finding close vectors." },
    { label: "HNSW", note: "A graph index." },
  ],
};

Deno.test("compileWithLlm() turns a good answer into a ranked CompiledDocument", async () => {
  await using llm = startFakeLlm({ answers: [fakeJson(GOOD)] });
  const compiled = await compileWithLlm(
    doc("# Vector search\n\nSome text."),
    settings(llm.baseUrl),
  );
  assert.equal(compiled.compiler, "llm");
  assert.equal(compiled.description, "Notes on vector search");
  assert.equal(
    compiled.summary,
    "Vector databases store embeddings.\n\nThey answer nearest-neighbour queries.",
  );
  assert.deepEqual(compiled.keyPhrases, [
    "Vector databases",
    "embedding",
    "nearest neighbour search",
    "HNSW",
  ]);
  assert.deepEqual(compiled.concepts.map((c) => [c.slug, c.score, c.prominent]), [
    ["vector-database", 1, true],
    ["embedding", 0.75, true],
    ["nearest-neighbour-search", 0.5, true],
    ["hnsw", 0.25, false],
  ]);
  assert.equal(compiled.concepts[0].note, "They store embeddings.");

  const [request] = llm.requests;
  assert.deepEqual(request.body.response_format, { type: "json_object" });
  assert.equal(request.body.temperature, 0);
  const [system, user] = request.body.messages;
  assert.equal(system.role, "system");
  assert.match(system.content, /"concepts"/);
  assert.match(system.content, /at most 8 concepts/);
  assert.match(user.content, /^Title: Vector search notes\nType: markdown\nText: complete\n/);
  assert.match(user.content, /<document>\n# Vector search\n\nSome text.\n<\/document>$/);
});

Deno.test("compileWithLlm() sends the key only in the Authorization header", async () => {
  await using llm = startFakeLlm({ answers: [fakeJson(GOOD)] });
  await compileWithLlm(doc("Text."), settings(llm.baseUrl));
  const [request] = llm.requests;
  assert.equal(request.headers.authorization, `Bearer ${KEY}`);
  assert.equal(JSON.stringify(request.body).includes(KEY), false);
});

Deno.test("compileWithLlm() accepts JSON inside a ```json fence on the first attempt", async () => {
  await using llm = startFakeLlm({
    answers: [fakeText("Here it is:\n```json\n" + JSON.stringify(GOOD) + "\n```\n")],
  });
  const compiled = await compileWithLlm(doc("Text."), settings(llm.baseUrl));
  assert.equal(compiled.concepts.length, 4);
  assert.equal(llm.requests.length, 1);
});

Deno.test("compileWithLlm() retries a malformed answer with a corrective message", async () => {
  await using llm = startFakeLlm({ answers: [fakeText('{"summary": "cut sh'), fakeJson(GOOD)] });
  const compiled = await compileWithLlm(doc("Text."), settings(llm.baseUrl));
  assert.equal(compiled.description, "Notes on vector search");
  assert.equal(llm.requests.length, 2);
  const first = llm.requests[0].body.messages;
  const second = llm.requests[1].body.messages;
  assert.equal(second.length, 4);
  assert.deepEqual(second.slice(0, 2), first);
  assert.deepEqual(second[2], { role: "assistant", content: '{"summary": "cut sh' });
  assert.equal(second[3].role, "user");
  assert.match(second[3].content, /^Your answer could not be used: the answer is not valid JSON\./);
});

Deno.test("compileWithLlm() retries an answer of the wrong shape, naming the problem", async () => {
  const wrong = { ...GOOD, concepts: ["vector database"] };
  await using llm = startFakeLlm({ answers: [fakeJson(wrong), fakeJson(GOOD)] });
  await compileWithLlm(doc("Text."), settings(llm.baseUrl));
  assert.equal(llm.requests.length, 2);
  assert.match(llm.requests[1].body.messages[3].content, /'concepts\[0\]' must be an object/);
});

Deno.test("compileWithLlm() fails with InputError LLM after retries+1 unusable answers", async () => {
  await using llm = startFakeLlm({
    answers: [fakeText("no"), fakeText("still no"), fakeJson({ summary: "" })],
  });
  const error = await compileWithLlm(doc("Text."), settings(llm.baseUrl), { source: "notes.md" })
    .catch((e) => e);
  assert.ok(error instanceof InputError);
  assert.equal(error.code, "LLM");
  assert.equal(error.path, "notes.md");
  assert.equal(
    error.message,
    "Cannot compile 'notes.md': the model gave no usable answer in 3 attempt(s) " +
      "(last problem: 'summary' is empty)",
  );
  assert.equal(llm.requests.length, 3);
});

Deno.test("compileWithLlm() does not retry transport failures on top of chatCompletion", async () => {
  await using llm = startFakeLlm({ answers: [fakeStatus(401, {}, `{"error":"bad key ${KEY}"}`)] });
  const error = await compileWithLlm(doc("Text."), settings(llm.baseUrl), { source: "a.md" })
    .catch((e) => e);
  assert.ok(error instanceof InputError);
  assert.equal(error.code, "LLM");
  assert.equal(error.path, "a.md");
  assert.match(error.message, /HTTP 401 \(check the API key in 'TEST_KEY'\)/);
  assert.equal(error.message.includes(KEY), false);
  assert.equal(llm.requests.length, 1);
});

Deno.test("compileWithLlm() retries a 429 with its Retry-After through the sleep it is given", async () => {
  await using llm = startFakeLlm({
    answers: [fakeStatus(429, { "retry-after": "7" }), fakeJson(GOOD)],
  });
  const waits: number[] = [];
  const sleep = (ms: number) => (waits.push(ms), Promise.resolve());
  const compiled = await compileWithLlm(doc("Text."), settings(llm.baseUrl), { sleep });
  assert.equal(compiled.concepts.length, 4);
  assert.deepEqual(waits, [7000]);
});

Deno.test("compileWithLlm() fails with a timeout error when the model is too slow", async () => {
  await using llm = startFakeLlm({ answers: [{ delayMs: 10_000 }] });
  const error = await compileWithLlm(
    doc("Text."),
    settings(llm.baseUrl, { timeoutSeconds: 0.2 }),
  ).catch((e) => e);
  assert.ok(error instanceof InputError);
  assert.match(error.message, /no answer within 0\.2 s/);
  assert.equal(llm.requests.length, 1);
});

Deno.test("compileWithLlm() normalises harmless defects instead of retrying", async () => {
  const answer = {
    summary: ["First paragraph.", "Second paragraph."],
    description: "A long\ndescription " + "word ".repeat(60),
    concepts: [
      { label: "  Vector   databases ", note: "One." },
      { label: "vector database", note: "Duplicate by slug." },
      { label: "!!!", note: "No letters: dropped." },
      { label: "Embeddings", note: "Two." },
      { label: "Graphs", note: "Three." },
      { label: "Trees", note: "Four: over the limit." },
    ],
  };
  await using llm = startFakeLlm({ answers: [fakeJson(answer)] });
  const compiled = await compileWithLlm(doc("Text."), settings(llm.baseUrl), {
    conceptsPerDocument: 3,
  });
  assert.equal(llm.requests.length, 1);
  assert.equal(compiled.summary, "First paragraph.\n\nSecond paragraph.");
  assert.ok(compiled.description.length <= 200);
  assert.equal(compiled.description.includes("\n"), false);
  assert.match(compiled.description, /^A long description word word .*…$/);
  assert.deepEqual(compiled.concepts.map((c) => c.slug), ["vector-database", "embedding", "graph"]);
  assert.deepEqual(compiled.keyPhrases, ["Vector databases", "Embeddings", "Graphs"]);
  assert.deepEqual(compiled.concepts.map((c) => c.prominent), [true, true, true]);
});

Deno.test("compileWithLlm() sends a digest, not the full text, for a long document", async () => {
  const sections: Section[] = [];
  let markdown = "# Big report\n\nThis report studies storage engines in depth.\n\n";
  for (let i = 1; i <= 10; i++) {
    const title = `Chapter ${i} on storage`;
    sections.push({ title, level: 1, startPage: i * 10, endPage: i * 10 + 9, children: [] });
    markdown += `# ${title}\n\nOpening of chapter ${i}. ` + `Filler sentence ${i}. `.repeat(400) +
      `\n\nDEEP-SENTINEL-${i}\n\n`;
  }
  assert.ok(markdown.length > 24_000);
  await using llm = startFakeLlm({ answers: [fakeJson(GOOD)] });
  await compileWithLlm(
    { ...doc(markdown, sections), type: "pdf", pageCount: 109 },
    settings(llm.baseUrl),
  );
  const user: string = llm.requests[0].body.messages[1].content;
  assert.ok(user.length < 25_000, `sent ${user.length} characters`);
  assert.match(
    user,
    /^Title: Vector search notes\nType: pdf\nPages: 109\nText: a digest of a long document\n/,
  );
  assert.match(user, /This is a digest of a long document \(\d+ characters, 109 pages\)/);
  assert.match(user, /- Chapter 3 on storage \(pp\. 30–39\)/);
  assert.match(
    user,
    /\[Section: Chapter 10 on storage \(pp\. 100–109\)\]\nOpening of chapter 10\./,
  );
  assert.equal(user.includes("DEEP-SENTINEL"), false);
});

Deno.test("compileWithLlm() compiles many documents from the fake's default answers", async () => {
  await using llm = startFakeLlm();
  const texts = ["Kubernetes schedules containers.", "Containers package software."];
  const results = [];
  for (const text of texts) {
    results.push(await compileWithLlm({ ...doc(text), title: text }, settings(llm.baseUrl)));
  }
  assert.deepEqual(results[0].concepts.map((c) => c.slug), ["kubernetes", "schedule", "container"]);
  assert.deepEqual(results[1].concepts.map((c) => c.slug), ["container", "package", "software"]);
  assert.match(results[1].summary, /^This document, "Containers package software\.", discusses/);
  assert.equal(llm.requests.length, 2);
});

Deno.test("compileWithLlm() asks again with twice the output budget when an answer is cut off", async () => {
  await using llm = startFakeLlm({
    answers: [
      { content: '{"summary": "Vector databases st', finishReason: "length" },
      fakeJson(GOOD),
    ],
  });
  const report = emptyLlmReport();
  const compiled = await compileWithLlm(doc("Text."), settings(llm.baseUrl), { report });
  assert.equal(compiled.concepts.length, 4);
  assert.equal(llm.requests[0].body.max_tokens, 2048);
  assert.equal(llm.requests[1].body.max_tokens, 4096);
  const retry = llm.requests[1].body.messages;
  assert.match(retry.at(-1).content, /cut off at the output limit\. Answer again .* more briefly/);
  assert.equal(
    retry.some((m: { content: string }) => m.content.includes("Vector databases st")),
    false,
  );
  assert.equal(report.usage.calls, 2);
  assert.equal(report.usage.retries, 1);
});

Deno.test("compileWithLlm() fails with LLM_TRUNCATED when every answer is cut off", async () => {
  const cut = { content: '{"summary": "', finishReason: "length" };
  await using llm = startFakeLlm({ answers: [cut, cut, cut] });
  const roomy = settings(llm.baseUrl, { contextTokens: 32_768 });
  const error = await compileWithLlm(doc("Text."), roomy, { source: "a.md" }).catch((e) => e);
  assert.ok(error instanceof InputError);
  assert.equal(error.code, "LLM_TRUNCATED");
  assert.match(
    error.message,
    /^Cannot compile 'a\.md': the model's answer was cut off at the output limit in 3 attempt\(s\) \(last 'max_tokens' 8192\); raise 'llm\.maxTokens'/,
  );
  assert.deepEqual(llm.requests.map((r) => r.body.max_tokens), [2048, 4096, 8192]);
});

Deno.test("compileWithLlm() halves the document instead when the context has no room for more output", async () => {
  const cut = { content: '{"summary": "', finishReason: "length" };
  await using llm = startFakeLlm({ answers: [cut, fakeJson(GOOD)] });
  const long = "Storage engines keep pages in memory. ".repeat(2000);
  await compileWithLlm(
    doc(long),
    settings(llm.baseUrl, { maxTokens: 1024, contextTokens: 2100 }),
  );
  const [first, second] = llm.requests.map((r) => r.body);
  assert.equal(first.max_tokens, 1024);
  assert.equal(second.max_tokens, 1024);
  assert.ok(
    second.messages[1].content.length < first.messages[1].content.length * 0.6,
    `${second.messages[1].content.length} vs ${first.messages[1].content.length}`,
  );
});

Deno.test("compileWithLlm() keeps every request within llm.contextTokens, for any script", async () => {
  await using llm = startFakeLlm({
    answers: [fakeText("not json"), fakeText("still not"), fakeJson(GOOD)],
  });
  const big = "Storage engines keep pages in memory. ".repeat(3000) + "検索エンジン".repeat(20_000);
  const sections = Array.from({ length: 400 }, (_, i) => ({
    title: `Section ${i} about storage engines and their buffer pools`,
    level: 1,
    children: [],
  }));
  const llmSettings = settings(llm.baseUrl, { maxTokens: 512, contextTokens: 4096 });
  await compileWithLlm(doc(big, sections), llmSettings);
  assert.equal(llm.requests.length, 3);
  for (const request of llm.requests) {
    const tokens = estimateChatTokens(request.body.messages) + request.body.max_tokens;
    assert.ok(tokens <= 4096, `${tokens} tokens`);
    assert.ok(estimateChatTokens(request.body.messages) > 2500, "the room is used");
  }
});

Deno.test("rankConcepts() marks at most the first three prominent and scores by rank", () => {
  const notes = rankConcepts(
    [{ label: "alpha", note: "a" }, { label: "beta", note: "b" }],
    { language: "en", limit: 8 },
  );
  assert.deepEqual(notes, [
    { slug: "alpha", label: "alpha", note: "a", score: 1, prominent: true },
    { slug: "beta", label: "beta", note: "b", score: 0.5, prominent: true },
  ]);
  assert.deepEqual(rankConcepts([], { language: "en", limit: 8 }), []);
});
