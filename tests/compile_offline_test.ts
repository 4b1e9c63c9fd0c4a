import assert from "node:assert/strict";
import type { ConvertedDocument, Section } from "../core/types.ts";
import { compileOffline, conceptsForLength } from "../prepare/compile/compile_offline.ts";
import { plainBlocks } from "../prepare/compile/plain_text.ts";
import { textUnits } from "../prepare/compile/sentences.ts";
import { generateMarkdown } from "./_offline_corpus.ts";

function markdownDoc(markdown: string, title = "", sections: Section[] = []): ConvertedDocument {
  return { type: "markdown", ext: "md", title, markdown, sections, warnings: [], facts: {} };
}

const VECTOR_ARTICLE = `# Vector Databases

Vector databases store embeddings so that applications can run similarity search over text and images.
A vector database indexes high-dimensional vectors with approximate nearest neighbor algorithms such as HNSW.
Unlike a relational database, a vector database ranks results by distance rather than exact matches.

\`\`\`python
# The vector database client code is an example and must never be summarised.
client = VectorDatabaseClient(api_key="secret")
\`\`\`

## Choosing a vector database

Popular vector databases include Pinecone, Weaviate and Milvus. Similarity search latency depends on the index type.
Approximate nearest neighbor search trades a little recall for speed.
`;

const SECTIONS: Section[] = [{
  title: "Vector Databases",
  level: 1,
  children: [{ title: "Choosing a vector database", level: 2, children: [] }],
}];

Deno.test("compileOffline() finds the article's main concept and quotes where it is discussed", () => {
  const compiled = compileOffline(markdownDoc(VECTOR_ARTICLE, "Vector Databases", SECTIONS));
  assert.equal(compiled.compiler, "offline");
  const [first] = compiled.concepts;
  assert.equal(first.slug, "vector-database");
  assert.equal(first.label, "vector database");
  assert.equal(first.prominent, true);
  assert.equal(first.score, 1);
  assert.ok(
    first.note.startsWith(
      "Vector databases store embeddings so that applications can run similarity search",
    ),
    first.note,
  );
  assert.ok(first.note.includes("A vector database indexes high-dimensional vectors"), first.note);
  assert.ok(first.note.length <= 300);
  assert.equal(compiled.keyPhrases[0], "vector database");

  const ann = compiled.concepts.find((c) => c.slug === "approximate-nearest-neighbor");
  assert.ok(ann, compiled.concepts.map((c) => c.slug).join(" "));
  assert.equal(ann.prominent, false);
  assert.ok(ann.note.startsWith("A vector database indexes high-dimensional vectors"), ann.note);
  assert.ok(
    ann.note.endsWith("Approximate nearest neighbor search trades a little recall for speed."),
  );
});

Deno.test("compileOffline() gives 'Vector Databases' and 'vector database' from two documents one slug", () => {
  const one = compileOffline(markdownDoc(VECTOR_ARTICLE, "Vector Databases", SECTIONS));
  const two = compileOffline(markdownDoc(
    "Our team picked a vector database last year. The vector database holds product embeddings " +
      "and answers recommendation queries within milliseconds. Every vector database we tried was easy to run.",
  ));
  const slugsOne = one.concepts.map((c) => c.slug);
  const slugsTwo = two.concepts.map((c) => c.slug);
  assert.ok(slugsOne.includes("vector-database"), slugsOne.join(" "));
  assert.ok(slugsTwo.includes("vector-database"), slugsTwo.join(" "));
  assert.equal(two.concepts[0].label, "vector database");
  assert.equal(two.concepts[0].prominent, true, "three mentions make it prominent");
});

Deno.test("compileOffline() does not make a single word prominent by repetition alone", () => {
  const compiled = compileOffline(markdownDoc(
    "Keep your lighthouses tidy. Old lighthouses slow you down. Paint lighthouses you never " +
      "open. Label lighthouses by year.",
    "Housekeeping",
  ));
  const lighthouse = compiled.concepts.find((c) => c.slug === "lighthouse");
  assert.ok(lighthouse, compiled.concepts.map((c) => c.slug).join(" "));
  assert.equal(lighthouse.prominent, false);
});

Deno.test("compileOffline() never summarises or quotes code blocks", () => {
  const compiled = compileOffline(markdownDoc(VECTOR_ARTICLE, "Vector Databases", SECTIONS));
  const everything = [
    compiled.summary,
    compiled.description,
    ...compiled.concepts.map((c) => c.note),
    ...compiled.keyPhrases,
  ].join("\n");
  assert.ok(!everything.includes("client code"), everything);
  assert.ok(!everything.includes("VectorDatabaseClient"), everything);
  assert.ok(!everything.includes("secret"), everything);
});

Deno.test("compileOffline() returns summary sentences in document order within bounds", () => {
  const markdown = generateMarkdown(60_000, { seed: 7 });
  const compiled = compileOffline(markdownDoc(markdown));
  let rest = compiled.summary.replaceAll("\n\n", " ");
  let taken = 0;
  for (const unit of textUnits(plainBlocks(markdown))) {
    if (!rest.startsWith(unit.text)) continue;
    rest = rest.slice(unit.text.length).trimStart();
    taken++;
  }
  assert.equal(rest, "", "the summary is document sentences in document order");
  assert.ok(taken >= 2 && taken <= 5, `${taken} sentences`);
  assert.ok(compiled.summary.length <= 900, String(compiled.summary.length));
});

Deno.test("compileOffline() skips headings, table rows and short fragments in the summary", () => {
  const markdown = [
    "# A heading that is long enough to look like a real sentence here",
    "",
    "| column one has many words in it | column two also has many words in it |",
    "| --- | --- |",
    "| row cell with a lot of words inside | another cell with a lot of words inside |",
    "",
    "Short one.",
    "",
    "Battery recycling recovers lithium, cobalt and nickel from spent electric vehicle cells.",
    "",
    "Recovered battery metals re-enter cathode production at a fraction of the mining footprint.",
  ].join("\n");
  const compiled = compileOffline(markdownDoc(markdown));
  assert.equal(
    compiled.summary,
    "Battery recycling recovers lithium, cobalt and nickel from spent electric vehicle cells. " +
      "Recovered battery metals re-enter cathode production at a fraction of the mining footprint.",
  );
  assert.equal(
    compiled.description,
    "Battery recycling recovers lithium, cobalt and nickel from spent electric vehicle cells.",
  );
});

Deno.test("compileOffline() is deterministic", () => {
  const doc = markdownDoc(generateMarkdown(200_000, { seed: 3 }), "Generated");
  const first = compileOffline(doc);
  const second = compileOffline(structuredClone(doc));
  assert.deepEqual(second, first);
  assert.equal(JSON.stringify(second), JSON.stringify(first));
  const article = markdownDoc(VECTOR_ARTICLE, "Vector Databases", SECTIONS);
  assert.equal(JSON.stringify(compileOffline(article)), JSON.stringify(compileOffline(article)));
});

Deno.test("compileOffline() describes a document that is only a heading", () => {
  const compiled = compileOffline(markdownDoc("# Release notes\n", "Release notes"));
  assert.equal(compiled.description, "Release notes");
  assert.equal(compiled.summary, "");
  assert.deepEqual(compiled.keyPhrases, ["Release notes"]);
  assert.equal(compiled.concepts[0].slug, "release-note");
  assert.equal(compiled.concepts[0].prominent, true);
  assert.equal(compiled.concepts[0].note, "");

  const untitled = compileOffline(markdownDoc("## Only a heading\n"));
  assert.equal(untitled.description, "Only a heading");
});

Deno.test("compileOffline() falls back to the text when there is no prose and no title", () => {
  assert.equal(compileOffline(markdownDoc("```\nprint('hi')\n```\n")).description, "print('hi')");
  assert.equal(compileOffline(markdownDoc("   \n")).description, "");
  const bullets = compileOffline(markdownDoc("- apples\n- green pears\n- three ripe plums\n"));
  assert.equal(bullets.description, "three ripe plums");
  assert.equal(bullets.summary, "three ripe plums");
});

Deno.test("compileOffline() keeps the description to one line of at most 200 characters", () => {
  const long = "Sustainable aviation fuel " + "blends and certified pathways ".repeat(9) +
    "exist.";
  const compiled = compileOffline(markdownDoc(long, "A title\nover two lines"));
  assert.ok(compiled.description.length <= 200, String(compiled.description.length));
  assert.ok(!compiled.description.includes("\n"));
  assert.ok(compiled.description.startsWith("Sustainable aviation fuel blends"));
  assert.ok(compiled.description.endsWith("…"));
  const titled = compileOffline(markdownDoc("# Heading\n", "A title\nover two lines"));
  assert.equal(titled.description, "A title over two lines");
});

Deno.test("compileOffline() counts a title that the body does not repeat", () => {
  const body =
    "Soil carbon rises under cover crops. Farmers report better soil carbon after rotation.";
  const compiled = compileOffline(markdownDoc(body, "Cover crops and soil carbon"));
  const slugs = compiled.concepts.map((c) => c.slug);
  assert.deepEqual(slugs.slice(0, 2).sort(), ["cover-crop", "soil-carbon"]);
  assert.ok(
    compiled.concepts.every((c) =>
      c.prominent === (c.slug === "soil-carbon" || c.slug === "cover-crop")
    ),
  );
});

Deno.test("compileOffline() keeps conceptsPerDocument concepts and ten key phrases at most", () => {
  const markdown = generateMarkdown(5_000, { seed: 5 });
  assert.equal(
    compileOffline(markdownDoc(markdown), { conceptsPerDocument: 3 }).concepts.length,
    3,
  );
  const full = compileOffline(markdownDoc(markdown));
  assert.equal(full.concepts.length, 8);
  assert.equal(full.keyPhrases.length, 10);
  assert.equal(
    compileOffline(markdownDoc(markdown), { conceptsPerDocument: 0 }).concepts.length,
    0,
  );
  for (const concept of full.concepts) {
    assert.ok(concept.note.length > 0 && concept.note.length <= 300, concept.note);
    assert.ok(!concept.note.includes("\n"));
  }
});

Deno.test("compileOffline() uses the configured language's stop words", () => {
  const text = "Die Wärmepumpe nutzt die Umweltwärme. Eine Wärmepumpe ist effizient, wenn die " +
    "Vorlauftemperatur niedrig ist. Die Wärmepumpe braucht Strom.";
  const german = compileOffline(markdownDoc(text), { language: "de" });
  assert.equal(german.concepts[0].slug, "wärmepumpe");
  for (const label of german.keyPhrases) {
    assert.ok(!/\b(die|ist|eine|wenn)\b/i.test(label), label);
  }
});

Deno.test("conceptsForLength() scales with the square root of the length, up to the cap", () => {
  assert.equal(conceptsForLength(300, 8, 20), 8);
  assert.equal(conceptsForLength(1000, 8, 20), 8);
  assert.equal(conceptsForLength(4000, 8, 20), 16);
  assert.equal(conceptsForLength(100_000, 8, 20), 20);
  assert.equal(conceptsForLength(100_000, 8, 4), 8, "the cap never goes below perDocument");
  const long = compileOffline(markdownDoc(generateMarkdown(30_000, { seed: 5 })));
  assert.ok(long.concepts.length > 8 && long.concepts.length <= 20, String(long.concepts.length));
  const capped = compileOffline(markdownDoc(generateMarkdown(30_000, { seed: 5 })), {
    maxConceptsPerDocument: 10,
  });
  assert.equal(capped.concepts.length, 10);
});

Deno.test("compileOffline() finishes on a 1 MB document", () => {
  const compiled = compileOffline(markdownDoc(generateMarkdown(1024 * 1024, { seed: 11 })));
  assert.equal(compiled.concepts.length, 20);
  assert.ok(compiled.summary.length > 0 && compiled.summary.length <= 1000);
  assert.ok(compiled.description.length > 0);
});
