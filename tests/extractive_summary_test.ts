import assert from "node:assert/strict";
import { analyzeKeyPhrases } from "../prepare/compile/key_phrases.ts";
import {
  escapeMarkdownText,
  extractiveSummary,
  summaryMarkdown,
} from "../prepare/compile/extractive_summary.ts";
import { plainBlocks } from "../prepare/compile/plain_text.ts";
import { textUnits } from "../prepare/compile/sentences.ts";

const ESSAY = `# Tidal energy

Tidal energy converts the rise and fall of the sea into electricity with underwater turbines.
The weather is pleasant in the harbour town most of the year, which tourists appreciate a lot.
Tidal turbines sit on the seabed where tidal currents are strongest and most predictable.

## Costs

Tidal energy remains expensive because tidal turbines must survive salt water and storms.
Some local fishermen prefer to talk about football instead of the new infrastructure projects.
Engineers expect tidal energy costs to fall as tidal turbines are built in larger series.
`;

function analyze(markdown: string) {
  const units = textUnits(plainBlocks(markdown));
  return { units, ...analyzeKeyPhrases(units) };
}

Deno.test("extractiveSummary() prefers sentences carrying the key phrases and keeps document order", () => {
  const { units, phrases, unitWeights } = analyze(ESSAY);
  const picked = extractiveSummary(units, { phrases, unitWeights, maxSentences: 3 });
  assert.deepEqual(picked.map((u) => units[u].text), [
    "Tidal energy converts the rise and fall of the sea into electricity with underwater turbines.",
    "Tidal energy remains expensive because tidal turbines must survive salt water and storms.",
    "Engineers expect tidal energy costs to fall as tidal turbines are built in larger series.",
  ]);
});

Deno.test("extractiveSummary() respects the sentence and character budgets", () => {
  const { units, phrases, unitWeights } = analyze(ESSAY);
  assert.equal(extractiveSummary(units, { phrases, unitWeights, maxSentences: 1 }).length, 1);
  const picked = extractiveSummary(units, { phrases, unitWeights, maxChars: 200 });
  const chars = picked.reduce((sum, u) => sum + units[u].text.length, 0) + picked.length - 1;
  assert.ok(picked.length === 2 && chars <= 200, `${picked.length} sentences, ${chars} chars`);
  assert.deepEqual(extractiveSummary(units, { maxChars: 10 }), []);
  assert.equal(extractiveSummary(units).length, 5);
});

Deno.test("extractiveSummary() skips repeated sentences", () => {
  const text = "Solar panels convert sunlight into electricity every single day. ".repeat(3) +
    "Wind turbines convert moving air into electricity on windy days.";
  const units = textUnits(plainBlocks(text));
  const picked = extractiveSummary(units);
  assert.deepEqual(picked.map((u) => units[u].text), [
    "Solar panels convert sunlight into electricity every single day.",
    "Wind turbines convert moving air into electricity on windy days.",
  ]);
});

Deno.test("summaryMarkdown() makes one paragraph per section and escapes markdown", () => {
  const units = textUnits(plainBlocks("# A\n\nOne *x*. Two 2 \\* 3.\n\n# B\n\n1. Three_four.\n"));
  assert.equal(summaryMarkdown(units, [1, 2, 4]), "One x. Two 2 \\* 3.\n\nThree\\_four.");
  assert.equal(escapeMarkdownText("# not a heading <b>"), "\\# not a heading \\<b\\>");
  assert.equal(escapeMarkdownText("1. not a list"), "1\\. not a list");
});
