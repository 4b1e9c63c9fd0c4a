import assert from "node:assert/strict";
import { InputError } from "../core/errors.ts";
import { answerQuestion, CUT_OFF_NOTE, questionPrompt } from "../prepare/llm/answer_question.ts";
import { estimateChatTokens } from "../prepare/llm/estimate_tokens.ts";
import type { LlmSettings } from "../prepare/llm/compile_with_llm.ts";
import { fakeLlmSettings, fakeText, startFakeLlm } from "./_fake_llm.ts";

function settings(baseUrl: string): LlmSettings {
  return fakeLlmSettings(baseUrl, { retries: 1 });
}

const PAGES = [
  { title: "Report 2023", path: "summaries/report-2023", text: "Revenue grew 12% in 2023." },
  { title: "Revenue", path: "concepts/revenue", text: "Revenue is income from sales." },
];

Deno.test("answerQuestion() returns the model's markdown answer citing the pages", async () => {
  await using llm = startFakeLlm();
  const answer = await answerQuestion(
    { question: "How much did revenue grow?", pages: PAGES },
    settings(llm.baseUrl),
  );
  assert.equal(
    answer,
    'The pages answer "How much did revenue grow?": see [[summaries/report-2023]], ' +
      "[[concepts/revenue]].",
  );
  const [system, user] = llm.requests[0].body.messages;
  assert.match(system.content, /Cite the pages you use as wikilinks/);
  assert.match(
    user.content,
    /^Question: How much did revenue grow\?\n\nPages:\n\n## Report 2023\n/,
  );
  assert.match(user.content, /Path: \[\[concepts\/revenue\]\]\n\nRevenue is income from sales\.$/);
  assert.equal("response_format" in llm.requests[0].body, false);
});

Deno.test("answerQuestion() retries an empty answer, then returns the next one trimmed", async () => {
  await using llm = startFakeLlm({
    answers: [
      fakeText("<think>thinking</think>  "),
      fakeText("  Grew 12% [[summaries/report-2023]].\n"),
    ],
  });
  const answer = await answerQuestion({ question: "Growth?", pages: PAGES }, settings(llm.baseUrl));
  assert.equal(answer, "Grew 12% [[summaries/report-2023]].");
  assert.equal(llm.requests.length, 2);
  assert.match(llm.requests[1].body.messages[3].content, /^Your answer was empty/);
});

Deno.test("answerQuestion() fails with InputError LLM when every answer is empty", async () => {
  await using llm = startFakeLlm({ answers: [fakeText(""), fakeText(" ")] });
  const error = await answerQuestion({ question: "Growth?", pages: PAGES }, settings(llm.baseUrl))
    .catch((e) => e);
  assert.ok(error instanceof InputError);
  assert.equal(error.code, "LLM");
  assert.equal(
    error.message,
    "Cannot answer 'Growth?': the model gave an empty answer in 2 attempt(s)",
  );
});

Deno.test("questionPrompt() shares the page budget, passing unused room on", () => {
  const pages = [
    { title: "Short", path: "a", text: "Tiny." },
    { title: "Long one", path: "b", text: "word ".repeat(1000) },
    { title: "Long two", path: "c", text: "term ".repeat(1000) },
  ];
  const prompt = questionPrompt({ question: "Q", pages }, 3000);
  const b = /Path: \[\[b\]\]\n\n([^\n]*)/.exec(prompt)![1];
  const c = /Path: \[\[c\]\]\n\n([^\n]*)/.exec(prompt)![1];
  assert.ok(b.length > 1000 && b.length <= 1498, `b has ${b.length}`);
  assert.ok(c.length > 1000 && c.length <= 1500, `c has ${c.length}`);
  assert.match(
    questionPrompt({ question: "Q", pages: [] }, 3000),
    /\(no pages matched the question\)$/,
  );
});

Deno.test("answerQuestion() asks again with twice the budget, then returns a cut-off answer with a note", async () => {
  const cut = { content: "Revenue grew 12% [[summaries/report-2023]] and", finishReason: "length" };
  await using llm = startFakeLlm({ answers: [cut, cut] });
  const answer = await answerQuestion(
    { question: "How did revenue change?", pages: PAGES },
    fakeLlmSettings(llm.baseUrl, { retries: 1, maxTokens: 100, contextTokens: 2000 }),
  );
  assert.deepEqual(llm.requests.map((r) => r.body.max_tokens), [100, 200]);
  assert.equal(answer, cut.content + CUT_OFF_NOTE);
});

Deno.test("answerQuestion() fits many long pages within llm.contextTokens", async () => {
  await using llm = startFakeLlm();
  const pages = Array.from({ length: 30 }, (_, i) => ({
    title: `Page ${i}`,
    path: `summaries/p${i}`,
    text: "Revenue and costs are discussed at length here. ".repeat(500),
  }));
  await answerQuestion(
    { question: "What about revenue?", pages },
    fakeLlmSettings(llm.baseUrl, { maxTokens: 256, contextTokens: 3000 }),
  );
  const body = llm.requests[0].body;
  assert.ok(estimateChatTokens(body.messages) + body.max_tokens <= 3000);
});
