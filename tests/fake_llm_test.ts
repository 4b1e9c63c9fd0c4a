import assert from "node:assert/strict";
import { defaultFakeContent, fakeStatus, startFakeLlm } from "./_fake_llm.ts";

Deno.test("startFakeLlm() lists its model, records requests and 404s unknown routes", async () => {
  await using llm = startFakeLlm({ model: "tiny" });
  const models = await (await fetch(`${llm.baseUrl}/models`)).json();
  assert.deepEqual(models.data.map((m: { id: string }) => m.id), ["tiny"]);
  const missing = await fetch(`${llm.baseUrl}/embeddings`, { method: "POST", body: "{}" });
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
  assert.deepEqual(llm.requests.map((r) => [r.method, r.path]), [
    ["GET", "/v1/models"],
    ["POST", "/v1/embeddings"],
  ]);
});

Deno.test("startFakeLlm() sends scripted statuses with their headers and body", async () => {
  await using llm = startFakeLlm({
    answers: [fakeStatus(429, { "retry-after": "2" }, "slow down")],
  });
  const response = await fetch(`${llm.baseUrl}/chat/completions`, { method: "POST", body: "{}" });
  assert.equal(response.status, 429);
  assert.equal(response.headers.get("retry-after"), "2");
  assert.equal(await response.text(), "slow down");
});

Deno.test("startFakeLlm() close() cuts a delayed answer short and can be called twice", async () => {
  const llm = startFakeLlm({ answers: [{ delayMs: 60_000, content: "late" }] });
  const pending = fetch(`${llm.baseUrl}/chat/completions`, { method: "POST", body: "{}" });
  while (llm.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
  const started = Date.now();
  await Promise.all([llm.close(), llm.close()]);
  const response = await pending;
  assert.equal((await response.json()).choices[0].message.content, "late");
  assert.ok(Date.now() - started < 2000);
});

Deno.test("defaultFakeContent() answers compile prompts with valid JSON built from the document", () => {
  const body = {
    messages: [
      { role: "system", content: 'Answer with {"summary", "description", "concepts"}' },
      {
        role: "user",
        content: "Title: Cats\n\n<document>\nFelines purring, great loudness\n</document>",
      },
    ],
  };
  assert.deepEqual(JSON.parse(defaultFakeContent(body)), {
    summary: 'This document, "Cats", discusses felines, purring, loudness.',
    description: "About Cats",
    concepts: ["felines", "purring", "loudness"].map((w) => ({
      label: w,
      note: `The document discusses ${w}.`,
    })),
  });
});
