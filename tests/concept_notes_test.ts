import assert from "node:assert/strict";
import { conceptNote } from "../prepare/compile/concept_notes.ts";
import { type KeyPhrase, keyPhrases } from "../prepare/compile/key_phrases.ts";
import { plainBlocks } from "../prepare/compile/plain_text.ts";
import { textUnits } from "../prepare/compile/sentences.ts";

function noteFor(markdown: string, slug: string, maxChars?: number): string {
  const units = textUnits(plainBlocks(markdown));
  const phrase = keyPhrases(markdown).find((p) => p.slug === slug);
  assert.ok(phrase, `no phrase ${slug}`);
  return conceptNote(units, phrase, { maxChars });
}

Deno.test("conceptNote() joins the first two mentions, with an ellipsis when apart", () => {
  const markdown = "Heat pumps move heat. They are efficient. Heat pumps need electricity.";
  assert.equal(
    noteFor(markdown, "heat-pump"),
    "Heat pumps move heat. … Heat pumps need electricity.",
  );
  assert.equal(
    noteFor("Heat pumps move heat. Heat pumps need power.", "heat-pump"),
    "Heat pumps move heat. Heat pumps need power.",
  );
});

Deno.test("conceptNote() does not repeat a sentence the document repeats", () => {
  const markdown = "The heat pumps are quiet.\n\nOther text.\n\nThe heat pumps are quiet.";
  assert.equal(noteFor(markdown, "heat-pump"), "The heat pumps are quiet.");
});

Deno.test("conceptNote() keeps only the first mention when two do not fit", () => {
  const markdown = "Heat pumps move heat from outside air into homes during winter. " +
    "Later, heat pumps also cool the same homes in summer.";
  assert.equal(
    noteFor(markdown, "heat-pump", 80),
    "Heat pumps move heat from outside air into homes during winter.",
  );
});

Deno.test("conceptNote() cuts a long sentence around the mention", () => {
  const markdown = "Long ago " + "and far away ".repeat(40) + "a heat pump appeared " +
    "and then ".repeat(40) + "it ended. Heat pump again.";
  const note = noteFor(markdown, "heat-pump", 120);
  assert.ok(note.length <= 120, String(note.length));
  assert.ok(note.startsWith("…") && note.endsWith("…"), note);
  assert.ok(note.includes("a heat pump appeared"), note);
});

Deno.test("conceptNote() prefers prose, then list items, then table rows, then a heading's section", () => {
  assert.equal(
    noteFor(
      "- Geothermal loops sit deep underground\n\n| Geothermal loops | deep |\n| - | - |\n",
      "geothermal-loop",
    ),
    "Geothermal loops sit deep underground",
  );
  assert.equal(
    noteFor("| name | kind |\n| - | - |\n| Geothermal loops | deep |\n", "geothermal-loop"),
    "Geothermal loops; deep",
  );
  assert.equal(
    noteFor("# Geothermal loops\n\n## Other\n\nNothing here.\n", "geothermal-loop"),
    "Nothing here.",
  );
  assert.equal(
    noteFor(
      "# Geothermal loops\n\nThey sit deep underground and last decades.\n",
      "geothermal-loop",
    ),
    "They sit deep underground and last decades.",
  );
});

Deno.test("conceptNote() returns an empty note when no prose mentions or follows the phrase", () => {
  assert.equal(noteFor("Intro text here.\n\n# Geothermal loops\n", "geothermal-loop"), "");

  const phrase: KeyPhrase = {
    slug: "x-y",
    label: "x y",
    words: 2,
    frequency: 0,
    score: 0,
    inTitle: false,
    inHeading: false,
    defined: false,
    units: [],
  };
  assert.equal(conceptNote([], phrase), "");
});
