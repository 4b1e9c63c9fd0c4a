import assert from "node:assert/strict";
import { inlinePlainText, plainBlocks, plainText } from "../prepare/compile/plain_text.ts";

Deno.test("plainBlocks() keeps headings, paragraphs, list items and table rows in order", () => {
  const blocks = plainBlocks([
    "# Title",
    "",
    "First paragraph",
    "continues here.",
    "",
    "- item one",
    "- [x] item two",
    "  continued",
    "",
    "| Name | Kind |",
    "| --- | :-: |",
    "| Pinecone | hosted |",
    "",
    "Setext heading",
    "--------------",
  ].join("\n"));
  assert.deepEqual(blocks, [
    { kind: "heading", text: "Title", level: 1 },
    { kind: "paragraph", text: "First paragraph continues here.", level: 0 },
    { kind: "list-item", text: "item one", level: 0 },
    { kind: "list-item", text: "item two continued", level: 0 },
    { kind: "table-row", text: "Name; Kind", level: 0 },
    { kind: "table-row", text: "Pinecone; hosted", level: 0 },
    { kind: "heading", text: "Setext heading", level: 2 },
  ]);
});

Deno.test("plainBlocks() drops front matter, code, math, comments and link definitions", () => {
  const text = plainText([
    "---",
    "title: Secret front matter",
    "---",
    "Kept prose.",
    "",
    "```python",
    "hidden_fenced = 1",
    "```",
    "",
    "~~~~",
    "hidden tilde fence",
    "~~~~",
    "",
    "    hidden indented code",
    "",
    "$$",
    "hidden = math",
    "$$",
    "",
    "<!-- hidden comment -->",
    "<script>",
    "hidden script",
    "</script>",
    "[ref]: https://hidden.example",
    "",
    "More prose.",
    "",
    "```",
    "hidden unclosed fence",
  ].join("\n"));
  assert.equal(text, "Kept prose.\n\nMore prose.");
});

Deno.test("plainBlocks() keeps an indented continuation of a list item as text", () => {
  const blocks = plainBlocks("- first item\n\n    still the item\n");
  assert.deepEqual(blocks.map((b) => b.text), ["first item", "still the item"]);
});

Deno.test("plainBlocks() strips block quote marks", () => {
  assert.equal(plainText("> quoted text\n> more quoted\n"), "quoted text more quoted");
});

Deno.test("inlinePlainText() keeps link text and drops targets, images and marks", () => {
  assert.equal(
    inlinePlainText(
      "See **[the docs](https://x.io/a_(b))**, ![logo](l.png)*really* and [[Page|alias]] [^1].",
    ),
    "See the docs, really and alias.",
  );
  assert.equal(
    inlinePlainText("`a*b*` and snake_case and __init__"),
    "a*b* and snake_case and init",
  );
  assert.equal(
    inlinePlainText("Fish &amp; chips<br/>today &#8212; \\*not\\* bold"),
    "Fish & chips today — *not* bold",
  );
  assert.equal(inlinePlainText("Mail <https://foo.bar> now"), "Mail https://foo.bar now");
  assert.equal(inlinePlainText('<span class="x">tagged</span> text'), "tagged text");
});

Deno.test("inlinePlainText() stays fast on long runs of unclosed brackets and keeps the text", () => {
  // Unbounded, the link patterns scanned from each `[` to the end: minutes for 600 KB.
  for (const run of ["[", "![", "[[a", "[a]("]) {
    const text = run.repeat(Math.ceil(200_000 / run.length)) + " harbour";
    const plain = inlinePlainText(text);
    assert.ok(plain.endsWith(" harbour"), run);
    assert.ok(plain.length >= 190_000, run);
  }
  assert.equal(
    inlinePlainText("see [the tide tables](https://x.org/(a)) now"),
    "see the tide tables now",
  );
});
