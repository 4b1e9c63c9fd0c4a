import assert from "node:assert/strict";
import { answerQuery, questionQuery, sourceExcerpt } from "../cli/answer_query.ts";
import { QuireError } from "../core/errors.ts";
import { kbLayout } from "../core/layout.ts";
import type { LlmSettings } from "../prepare/llm/compile_with_llm.ts";
import { tempDir } from "./_helpers.ts";
import { fakeLlmSettings, fakeText, startFakeLlm } from "./_fake_llm.ts";
import { buildSampleKb } from "./_sample_kb.ts";

function settings(baseUrl: string): LlmSettings {
  return fakeLlmSettings(baseUrl, { retries: 0 });
}

Deno.test("answerQuery() on a knowledge base built by the CLI", async (t) => {
  await using dir = await tempDir();
  const layout = kbLayout(await buildSampleKb(dir.path));

  await t.step("answerQuery() returns the hits and no answer without an LLM", async () => {
    const result = await answerQuery(layout, "What is a heliostat?");
    assert.equal(result.answer, null);
    assert.deepEqual(result.citations, []);
    assert.deepEqual(result.hits.map((h) => h.name), ["heliostat", "wind"]);
  });

  await t.step("answerQuery() answers from the best pages and lists the citations", async () => {
    await using llm = startFakeLlm();
    const result = await answerQuery(layout, "What is a heliostat?", {
      llm: settings(llm.baseUrl),
      pages: 1,
    });
    assert.equal(
      result.answer,
      'The pages answer "What is a heliostat?": see [[summaries/heliostat]].',
    );
    assert.deepEqual(result.citations, ["summaries/heliostat"]);
    assert.equal(llm.requests.length, 1);
    const prompt: string = llm.requests[0].body.messages[1].content;
    assert.match(prompt, /^Question: What is a heliostat\?/);
    assert.match(prompt, /## Heliostat Arrays\nPath: \[\[summaries\/heliostat\]\]/);
    // The summary page without its front matter, then the source text.
    assert.doesNotMatch(prompt, /^hash: /m);
    assert.match(prompt, /### From the full text\n\n# Heliostat Arrays\n\nConcentrated solar/);
    assert.doesNotMatch(prompt, /summaries\/wind/);
  });

  await t.step("answerQuery() unlinks citations of pages that do not exist", async () => {
    await using llm = startFakeLlm({
      answers: [
        fakeText(
          "See [[summaries/made-up|a page]], [[summaries/solar#Photovoltaic Cells|cells]], " +
            "[[concepts/heliostat]] and `[[summaries/solar]]`.",
        ),
      ],
    });
    const result = await answerQuery(layout, "photovoltaic", { llm: settings(llm.baseUrl) });
    assert.equal(
      result.answer,
      "See a page, [[summaries/solar#Photovoltaic Cells|cells]], [[concepts/heliostat]] and " +
        "`[[summaries/solar]]`.",
    );
    assert.deepEqual(result.citations, ["summaries/solar", "concepts/heliostat"]);
  });

  await t.step("answerQuery() still asks the model when nothing matches", async () => {
    await using llm = startFakeLlm();
    const result = await answerQuery(layout, "zebra quagga", { llm: settings(llm.baseUrl) });
    assert.deepEqual(result.hits, []);
    assert.equal(result.answer, 'The pages answer "zebra quagga": see no page.');
    assert.deepEqual(result.citations, []);
  });

  await t.step("answerQuery() refuses an empty question", async () => {
    await assert.rejects(
      answerQuery(layout, "  "),
      (error) => error instanceof QuireError && error.code === "USAGE",
    );
  });
});

Deno.test("questionQuery() drops stop words but keeps phrases", () => {
  assert.equal(
    questionQuery('What is the "battery storage" of a wind turbine?', "en"),
    '"battery storage" wind turbine',
  );
  assert.equal(questionQuery("what is it?", "en"), "what is it?");
  assert.equal(questionQuery("photo* (cells)?", "en"), "photo* cells");
});

Deno.test("sourceExcerpt() starts at the paragraph where a term first appears", () => {
  const text = `${"Filler words here. ".repeat(40)}\n\nThe heliostat tracks the sun. ${
    "More text. ".repeat(40)
  }`;
  const excerpt = sourceExcerpt(text, ["heliostat"], { maxChars: 120 });
  assert.ok(excerpt.startsWith("…The heliostat tracks the sun."), excerpt);
  assert.ok(excerpt.endsWith(" …"));
  assert.ok(excerpt.length <= 125);
  assert.equal(sourceExcerpt("short text", ["x"], { maxChars: 120 }), "short text");
  assert.ok(sourceExcerpt(text, ["absent"], { maxChars: 50 }).startsWith("Filler words"));
});
