import assert from "node:assert/strict";
import type { ConvertedDocument, Section } from "../core/types.ts";
import { cutText } from "../prepare/llm/cut_text.ts";
import { llmDocumentDigest } from "../prepare/llm/llm_document_digest.ts";

function doc(markdown: string, sections: Section[] = []): ConvertedDocument {
  return { type: "markdown", ext: "md", title: "T", markdown, sections, warnings: [], facts: {} };
}

function section(title: string, children: Section[] = [], extra: Partial<Section> = {}): Section {
  return { title, level: 1, children, ...extra };
}

const FILLER = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(80);

Deno.test("llmDocumentDigest() returns a short document whole", () => {
  const markdown = "# Title\n\nShort body.\n";
  assert.deepEqual(llmDocumentDigest(doc(markdown)), { text: markdown, digested: false });
  const exact = "x".repeat(24_000);
  assert.equal(llmDocumentDigest(doc(exact)).digested, false);
});

Deno.test("llmDocumentDigest() sends the outline and each main section's opening for a long document", () => {
  const titles = ["Introduction", "Methods", "Results", "Discussion"];
  let markdown = "Preface text that introduces the whole study before any heading.\n\n";
  for (const title of titles) {
    markdown += `## ${title}\n\nFirst words of ${title}. ${FILLER}\n\nLATE-${title}\n\n`;
  }
  const sections = titles.map((t) =>
    section(t, [section(`${t} details`, [], { level: 2 })], {
      summary: `About ${t.toLowerCase()}.`,
    })
  );
  const { text, digested } = llmDocumentDigest(doc(markdown, sections), { maxChars: 8000 });
  assert.equal(digested, true);
  assert.ok(text.length <= 8000, `digest is ${text.length} characters`);
  assert.match(text, /^This is a digest of a long document \(\d+ characters\), not its full text/);
  assert.match(
    text,
    /\nOutline:\n- Introduction: About introduction\.\n {2}- Introduction details\n/,
  );
  assert.match(text, /\[Beginning\]\nPreface text that introduces the whole study/);
  for (const title of titles) {
    assert.match(text, new RegExp(`\\[Section: ${title}\\]\\nFirst words of ${title}\\.`));
  }
  assert.equal(text.includes("LATE-"), false);
});

Deno.test("llmDocumentDigest() uses the children of a lone title section as main sections", () => {
  const markdown =
    `# Book\n\n## Part A\n\nAlpha starts. ${FILLER}\n\n## Part B\n\nBeta starts. ${FILLER}`;
  const sections = [section("Book", [section("Part A"), section("Part B")])];
  const { text } = llmDocumentDigest(doc(markdown, sections), { maxChars: 5000 });
  assert.match(text, /\[Section: Part A\]\nAlpha starts\./);
  assert.match(text, /\[Section: Part B\]\nBeta starts\./);
  assert.equal(text.includes("[Beginning]"), false);
});

Deno.test("llmDocumentDigest() matches titles by letters and digits, preferring headings", () => {
  const markdown = "Contents\n\nPart One: Start\n\nPart Two\n\n" +
    `# PART ONE — START\n\nReal opening one. ${FILLER}\n\nPart Two\n\nReal opening two. ${FILLER}`;
  const sections = [section("Part one: start"), section("Part two")];
  const { text } = llmDocumentDigest(doc(markdown, sections), { maxChars: 5000 });
  assert.match(text, /\[Section: Part one: start\]\nReal opening one\./);
  assert.match(text, /\[Section: Part two\]\nReal opening two\./);
});

Deno.test("llmDocumentDigest() sends evenly spaced excerpts when no section is found", () => {
  const markdown = Array.from({ length: 40 }, (_, i) => `Paragraph ${i}. ${FILLER}`).join("\n\n");
  const { text } = llmDocumentDigest(doc(markdown, [section("Not in the text")]), {
    maxChars: 6000,
  });
  assert.ok(text.length <= 6000);
  assert.match(text, /\[Beginning\]\nParagraph 0\./);
  assert.match(text, /\[Excerpt at about \d+%\]\nLorem ipsum/);
  assert.equal(/\[Excerpt at about \d+%\]\n[a-z]/.test(text), false);
  assert.ok((text.match(/\[Excerpt at about/g) ?? []).length >= 5);
});

Deno.test("llmDocumentDigest() keeps a huge outline within budget, dropping deep levels first", () => {
  const sections = Array.from(
    { length: 60 },
    (_, i) =>
      section(`Chapter ${i}`, Array.from({ length: 30 }, (_, j) => section(`Topic ${i}.${j}`))),
  );
  const markdown = sections.map((s) => `# ${s.title}\n\nBody of ${s.title}. ${FILLER}`).join(
    "\n\n",
  );
  const { text } = llmDocumentDigest(doc(markdown, sections), { maxChars: 10_000 });
  assert.ok(text.length <= 10_000, `digest is ${text.length} characters`);
  assert.match(text, /- Chapter 59\n/);
  assert.equal(text.includes("Topic 0.0"), false);

  const many = Array.from({ length: 3000 }, (_, i) => section(`Section number ${i}`));
  const flat = llmDocumentDigest(doc(FILLER.repeat(20), many), { maxChars: 10_000 }).text;
  assert.ok(flat.length <= 10_000);
  assert.match(flat, /- … and \d+ more sections\n/);
});

Deno.test("llmDocumentDigest() digests a 20 MB document quickly", () => {
  const sections = Array.from({ length: 200 }, (_, i) => section(`Heading ${i}`));
  const chunk = FILLER.repeat(22);
  const markdown = sections.map((s) => `# ${s.title}\n\n${chunk}`).join("\n\n");
  assert.ok(markdown.length > 20_000_000);
  const started = performance.now();
  const { text } = llmDocumentDigest(doc(markdown, sections));
  const ms = performance.now() - started;
  assert.ok(text.length <= 24_000);
  assert.ok(ms < 2000, `took ${ms} ms`);
});

Deno.test("cutText() cuts at a paragraph, sentence or word boundary", () => {
  assert.equal(cutText("  short  ", 10), "short");
  assert.equal(
    cutText("One two three four.\n\nFive six seven eight.", 30),
    "One two three four. …",
  );
  assert.equal(
    cutText("Alpha beta gamma delta. Epsilon zeta eta", 30),
    "Alpha beta gamma delta. …",
  );
  assert.equal(cutText("alpha beta gamma delta epsilon", 20), "alpha beta gamma …");
  assert.ok(cutText("x".repeat(50), 20).length <= 20);
});
