import assert from "node:assert/strict";
import { cutLine } from "../prepare/llm/cut_text.ts";
import { parseCompileAnswer } from "../prepare/llm/parse_compile_answer.ts";

const CONCEPTS = [{ label: "alpha", note: "About alpha." }];

function problem(content: string, maxConcepts = 8): string {
  const parsed = parseCompileAnswer(content, { maxConcepts });
  assert.equal(parsed.ok, false, `expected a rejection of ${content}`);
  return parsed.ok ? "" : parsed.problem;
}

Deno.test("parseCompileAnswer() accepts JSON after a think block or inside prose", () => {
  const json = JSON.stringify({ summary: "S.", description: "D", concepts: CONCEPTS });
  for (const content of [`<think>hmm {}</think>\n${json}`, `Sure! ${json} Hope it helps.`]) {
    const parsed = parseCompileAnswer(content);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.answer, { summary: "S.", description: "D", concepts: CONCEPTS });
  }
});

Deno.test("parseCompileAnswer() derives a missing description from the summary's first sentence", () => {
  const parsed = parseCompileAnswer(JSON.stringify({
    summary: "**Quire** compiles documents. It is offline first.\n\nMore.",
    concepts: [],
  }));
  assert.ok(parsed.ok);
  assert.equal(parsed.answer.description, "Quire compiles documents.");
});

Deno.test("parseCompileAnswer() names the problem of an unusable answer", () => {
  assert.equal(problem("nope"), "the answer is not valid JSON");
  assert.equal(problem("[1, 2]"), "the answer is not a JSON object");
  assert.equal(
    problem('{"summary": 3, "concepts": []}'),
    "'summary' must be a string of markdown paragraphs",
  );
  assert.equal(problem('{"summary": "  ", "concepts": []}'), "'summary' is empty");
  assert.equal(
    problem('{"summary": "S", "description": 1, "concepts": []}'),
    "'description' must be a string",
  );
  assert.equal(problem('{"summary": "S"}'), "'concepts' must be an array of {label, note} objects");
  assert.equal(
    problem('{"summary": "S", "concepts": [{"label": "a", "note": 2}]}'),
    "'concepts[0]' must have string 'label' and 'note'",
  );
  assert.equal(
    problem('{"summary": "S", "concepts": [{"label": " ", "note": "n"}]}'),
    "'concepts[0]' has an empty 'label' or 'note'",
  );
  assert.match(
    problem(JSON.stringify({ summary: "S", concepts: [{ label: "x".repeat(121), note: "n" }] })),
    /^'concepts\[0\]'\.label is 121 characters/,
  );
});

Deno.test("parseCompileAnswer() drops a bad concept past the first maxConcepts", () => {
  const concepts = [...CONCEPTS, { label: "beta", note: "B." }, "junk"];
  const parsed = parseCompileAnswer(JSON.stringify({ summary: "S", concepts }), { maxConcepts: 2 });
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.answer.concepts.map((c) => c.label), ["alpha", "beta"]);
  assert.equal(
    problem(JSON.stringify({ summary: "S", concepts }), 3),
    "'concepts[2]' must be an object with string 'label' and 'note'",
  );
});

Deno.test("parseCompileAnswer() cleans labels and cuts long notes", () => {
  const concepts = [{ label: ' "**Vector  DB**" ', note: "word ".repeat(200) }];
  const parsed = parseCompileAnswer(JSON.stringify({ summary: "S", concepts }));
  assert.ok(parsed.ok);
  assert.equal(parsed.answer.concepts[0].label, "Vector DB");
  assert.ok(parsed.answer.concepts[0].note.length <= 600);
  assert.match(parsed.answer.concepts[0].note, /word…$/);
});

Deno.test("cutLine() cuts at a word and marks the cut", () => {
  assert.equal(cutLine("short", 10), "short");
  assert.equal(cutLine("alpha beta gamma delta", 15), "alpha beta…");
  assert.equal(cutLine("x".repeat(30), 10), "x".repeat(9) + "…");
});
