import assert from "node:assert/strict";
import { plainBlocks } from "../prepare/compile/plain_text.ts";
import { splitSentences, textUnits } from "../prepare/compile/sentences.ts";

Deno.test("splitSentences() splits at terminators followed by a sentence start", () => {
  assert.deepEqual(splitSentences('One is here. Two? Yes! "Quoted" starts. 3 apples fell.'), [
    "One is here.",
    "Two?",
    "Yes!",
    '"Quoted" starts.',
    "3 apples fell.",
  ]);
});

Deno.test("splitSentences() does not split after abbreviations, initials or inside numbers and URLs", () => {
  const text = "Dr. Smith met J. R. Tolkien, e.g. Tuesday. Pi is 3.14 vs. Tau. " +
    "Visit https://example.com/a.b. The U.S. Army left.";
  assert.deepEqual(splitSentences(text), [
    "Dr. Smith met J. R. Tolkien, e.g. Tuesday.",
    "Pi is 3.14 vs. Tau.",
    "Visit https://example.com/a.b.",
    "The U.S. Army left.",
  ]);
});

Deno.test("splitSentences() keeps a lowercase continuation in the same sentence", () => {
  assert.deepEqual(splitSentences("It costs approx. ten euros. then more"), [
    "It costs approx. ten euros. then more",
  ]);
});

Deno.test("splitSentences() splits CJK full stops without white space", () => {
  assert.deepEqual(splitSentences("今日は晴れ。明日は雨。"), ["今日は晴れ。", "明日は雨。"]);
});

Deno.test("textUnits() gives headings, list items and table rows their own units", () => {
  const units = textUnits(plainBlocks(
    "# Intro\n\nFirst one. Second one.\n\n- A list item. Its second sentence.\n\n| a | b |\n| - | - |\n| c | d |\n",
  ));
  assert.deepEqual(
    units.map((u) => [u.kind, u.text, u.section]),
    [
      ["heading", "Intro", 0],
      ["sentence", "First one.", 0],
      ["sentence", "Second one.", 0],
      ["list-item", "A list item.", 0],
      ["list-item", "Its second sentence.", 0],
      ["table-row", "a; b", 0],
      ["table-row", "c; d", 0],
    ],
  );
});

Deno.test("textUnits() marks units before the first heading with section -1", () => {
  const units = textUnits(plainBlocks("Lead text.\n\n## Later\n\nBody."));
  assert.deepEqual(units.map((u) => u.section), [-1, 1, 1]);
});
