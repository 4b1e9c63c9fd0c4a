import assert from "node:assert/strict";
import { conceptWords } from "../prepare/compile/concept_slug.ts";
import { analyzeKeyPhrases, keyPhrases } from "../prepare/compile/key_phrases.ts";
import { plainBlocks } from "../prepare/compile/plain_text.ts";
import { textUnits } from "../prepare/compile/sentences.ts";
import { stopWordLanguage, stopWords } from "../prepare/compile/stop_words.ts";

const ARTICLE = `# Vector Databases

Vector databases store embeddings so that applications can run similarity search over text and images.
A vector database indexes high-dimensional vectors with approximate nearest neighbor algorithms such as HNSW.
Unlike a relational database, a vector database ranks results by distance rather than exact matches.

## Choosing a vector database

Popular vector databases include Pinecone, Weaviate and Milvus. Similarity search latency depends on the index type.
Approximate nearest neighbor search trades a little recall for speed.
`;

Deno.test("keyPhrases() ranks the recurring multi-word term first and merges its variants", () => {
  const phrases = keyPhrases(ARTICLE);
  assert.equal(phrases[0].slug, "vector-database");
  assert.equal(phrases[0].label, "vector database");
  assert.equal(phrases[0].frequency, 6);
  assert.equal(phrases[0].inHeading, true);
  assert.equal(phrases[0].score, 1);
  const slugs = phrases.map((p) => p.slug);
  assert.ok(slugs.includes("approximate-nearest-neighbor"), slugs.join(" "));
  assert.ok(slugs.includes("similarity-search"), slugs.join(" "));
  assert.equal(new Set(slugs).size, slugs.length);
});

Deno.test("keyPhrases() drops a word or phrase that only occurs inside a better phrase", () => {
  const slugs = keyPhrases(ARTICLE).map((p) => p.slug);
  for (const nested of ["vector", "database", "nearest-neighbor", "similarity", "search"]) {
    assert.ok(!slugs.includes(nested), `${nested} in ${slugs.join(" ")}`);
  }
});

Deno.test("keyPhrases() never lets a stop word into a phrase", () => {
  const text = "The zeitgeist of the art is a matter of taste. The zeitgeist of the art and the " +
    "zeitgeist of the union are topics of the day. It is what it is, and that is that.";
  const stop = stopWords("en");
  const phrases = keyPhrases(text);
  assert.ok(phrases.length > 0);
  for (const phrase of phrases) {
    for (const word of phrase.label.toLowerCase().split(" ")) {
      assert.ok(!stop.has(word), `'${word}' in '${phrase.label}'`);
    }
  }
  assert.ok(phrases.some((p) => p.slug === "zeitgeist"), phrases.map((p) => p.slug).join(" "));
});

Deno.test("keyPhrases() ignores pure numbers, URLs and one-letter words", () => {
  const text =
    "In 2023 and 2024 the 3.5 release shipped. See https://example.com/docs for 2023 notes. " +
    "Release notes x y z. Release notes again.";
  const labels = keyPhrases(text).map((p) => p.label);
  for (const label of labels) {
    assert.ok(!/^[\d.\s]+$/.test(label), label);
    assert.ok(!/https|example|com\b/.test(label), label);
    assert.ok(!conceptWords(label).some((w) => w.length === 1), label);
  }
  assert.ok(labels.includes("Release notes"), labels.join(" | "));
});

Deno.test("keyPhrases() labels with the most frequent form, counting sentence starts half", () => {
  const text = "Vector databases are fast. Many vector databases scale. " +
    "We like vector databases. Vector Database is a heading-like form.";
  const [first] = keyPhrases(text);
  assert.equal(first.slug, "vector-database");
  assert.equal(first.label, "vector databases");
  assert.equal(first.frequency, 4);
});

Deno.test("keyPhrases() boosts title phrases and reports them", () => {
  const text =
    "Garbage collection pauses hurt latency. Memory arenas avoid garbage collection pauses. " +
    "Latency budgets matter. Memory arenas are simple.";
  const plain = keyPhrases(text);
  const titled = keyPhrases(text, { title: "Memory arenas" });
  assert.equal(plain[0].slug, "garbage-collection-pause");
  assert.equal(titled[0].slug, "memory-arena");
  assert.equal(titled[0].inTitle, true);
  assert.equal(plain.find((p) => p.slug === "memory-arena")?.inTitle, false);
});

Deno.test("keyPhrases() breaks score ties by phrase text", () => {
  const phrases = keyPhrases("Zebra crossing; apple orchard; mango tree.");
  assert.deepEqual(phrases.map((p) => p.label), ["apple orchard", "mango tree", "Zebra crossing"]);
  const tied = keyPhrases("Mango tree; zebra crossing; apple orchard.");
  assert.deepEqual(tied.map((p) => p.label), ["apple orchard", "Mango tree", "zebra crossing"]);
});

Deno.test("analyzeKeyPhrases() lists the units each phrase occurs in and weighs units", () => {
  const units = textUnits(plainBlocks(ARTICLE));
  const { phrases, unitWeights } = analyzeKeyPhrases(units);
  const vector = phrases.find((p) => p.slug === "vector-database")!;
  assert.deepEqual(vector.units, [0, 1, 2, 3, 4, 5]);
  assert.equal(unitWeights.length, units.length);
  assert.equal(Math.max(...unitWeights), 1);
  assert.ok(unitWeights.every((w) => w >= 0 && w <= 1));
});

Deno.test("analyzeKeyPhrases() returns at most `limit` phrases and nothing for empty text", () => {
  assert.equal(analyzeKeyPhrases(textUnits(plainBlocks(ARTICLE)), { limit: 3 }).phrases.length, 3);
  assert.deepEqual(analyzeKeyPhrases([]), { phrases: [], unitWeights: [] });
  assert.deepEqual(keyPhrases("It is what it is."), []);
});

Deno.test("keyPhrases() uses the configured language's stop words", () => {
  const text = "Die Vektordatenbank speichert Einbettungen für die Suche. " +
    "Eine Vektordatenbank ist schnell und die Suche ist einfach.";
  const labels = keyPhrases(text, { language: "de" }).map((p) => p.label.toLowerCase());
  for (const label of labels) assert.ok(!/\b(die|und|ist|für)\b/.test(label), label);
  assert.ok(labels.includes("vektordatenbank"), labels.join(" | "));
});

Deno.test("stopWords() falls back to English for unknown languages", () => {
  assert.equal(stopWordLanguage("pt-BR"), "en");
  assert.equal(stopWordLanguage("de_AT"), "de");
  assert.equal(stopWords("xx"), stopWords("en"));
  assert.ok(stopWords("en").size >= 300);
  for (const code of ["de", "fr", "es"]) assert.ok(stopWords(code).size >= 100, code);
});

Deno.test("keyPhrases() matches a regional language tag on its base code", () => {
  const text = "Heat pumps save energy. Heat pumps are quiet.";
  assert.deepEqual(keyPhrases(text, { language: "en-GB" }), keyPhrases(text, { language: "en" }));
  assert.equal(keyPhrases(text, { language: "EN_us" })[0].slug, "heat-pump");
});
