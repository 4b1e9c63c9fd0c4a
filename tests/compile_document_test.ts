import assert from "node:assert/strict";
import { defaultConfig, llmConfig, prepareSettings } from "../core/config.ts";
import { InputError } from "../core/errors.ts";
import { emptyLlmReport } from "../core/llm_usage.ts";
import type { ConvertedDocument } from "../core/types.ts";
import { compileDocument } from "../prepare/compile_document.ts";
import { storePrepared } from "../prepare/prepared_cache.ts";
import { startFakeLlm } from "./_fake_llm.ts";
import { tempDir } from "./_helpers.ts";

const DOC: ConvertedDocument = {
  type: "markdown",
  ext: "md",
  title: "Harbour cranes",
  markdown: "# Harbour cranes\n\nGantry cranes unload containers from vessels.\n",
  sections: [],
  warnings: [],
  facts: {},
};

function settings(baseUrl: string, cacheDir: string | null, fallback: "fail" | "offline" = "fail") {
  const config = { ...defaultConfig(), llm: llmConfig({ baseUrl, model: "fake", apiKeyEnv: "" }) };
  return prepareSettings(config, { cacheDir, llmFallback: fallback });
}

Deno.test("compileDocument() calls the model once, then answers from the cache", async () => {
  await using llm = startFakeLlm();
  await using dir = await tempDir();
  const s = settings(llm.baseUrl, dir.path);
  const first = emptyLlmReport();
  const made = await compileDocument(DOC, s, { source: "a.md", contentHash: "h1", report: first });
  assert.equal(made.compiled.compiler, "llm");
  assert.notEqual(made.store, null);
  assert.equal(first.usage.calls, 1);
  storePrepared(made.store!.cacheDir, made.store!.key, {
    document: {
      source: "a.md",
      origin: "file",
      stagingName: "0-doc-0000",
      rawFile: "raw.md",
      sourceFile: "source.md",
      hash: "h1",
      bytes: 1,
      nameHint: "a",
      document: { ...DOC, markdown: undefined } as unknown as ConvertedDocument,
      compiled: made.compiled,
    },
    compiler: made.store!.compiler,
    inputDigest: made.store!.inputDigest,
    files: { "source.md": DOC.markdown },
  });
  const second = emptyLlmReport();
  const hit = await compileDocument(DOC, s, { source: "a.md", contentHash: "h1", report: second });
  assert.deepEqual(hit.compiled, made.compiled);
  assert.equal(hit.store, null);
  assert.deepEqual([second.usage.calls, second.usage.cacheHits], [0, 1]);
  assert.equal(llm.requests.length, 1);

  // Another model, another text or other content: a miss each.
  const other = settings(llm.baseUrl, dir.path);
  other.llm!.model = "other-model";
  for (
    const [doc, hash, use] of [
      [DOC, "h1", other],
      [{ ...DOC, markdown: DOC.markdown + "More.\n" }, "h1", s],
      [DOC, "h2", s],
    ] as const
  ) {
    const report = emptyLlmReport();
    await compileDocument(doc, use, { source: "a.md", contentHash: hash, report });
    assert.equal(report.usage.cacheHits, 0);
  }
  assert.equal(llm.requests.length, 4);
});

Deno.test("compileDocument() does not call a blocked model: it fails at once or falls back", async () => {
  await using llm = startFakeLlm();
  const blocked = "the model endpoint 'x' failed 3 times in a row (last: connection refused)";
  const report = emptyLlmReport();
  const error = await compileDocument(DOC, settings(llm.baseUrl, null), {
    source: "a.md",
    contentHash: "h",
    llmBlocked: blocked,
    report,
  }).catch((e) => e);
  assert.ok(error instanceof InputError);
  assert.equal(error.message, `Cannot compile 'a.md': not attempted, because ${blocked}`);
  const fell = await compileDocument(DOC, settings(llm.baseUrl, null, "offline"), {
    source: "a.md",
    contentHash: "h",
    llmBlocked: blocked,
    report,
  });
  assert.equal(fell.compiled.compiler, "offline-fallback");
  assert.match(fell.compiled.fallbackCause ?? "", /not attempted, because the model endpoint/);
  assert.deepEqual([report.usage.notAttempted, report.usage.fallbacks], [2, 1]);
  assert.equal(llm.requests.length, 0);
});

Deno.test("compileDocument() treats a model slower than the deadline as a model failure that falls back", async () => {
  await using llm = startFakeLlm({ delayMs: 10_000 });
  const report = emptyLlmReport();
  const started = Date.now();
  const fell = await compileDocument(DOC, settings(llm.baseUrl, null, "offline"), {
    source: "a.md",
    contentHash: "h",
    deadline: Date.now() + 300,
    report,
  });
  assert.ok(Date.now() - started < 5000);
  assert.equal(fell.compiled.compiler, "offline-fallback");
  assert.match(
    fell.compiled.fallbackCause ?? "",
    /the model gave no answer before the prepare timeout/,
  );
});
