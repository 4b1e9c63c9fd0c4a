import assert from "node:assert/strict";
import { capMarkdown, closeOpenFence, cutNote, textHead } from "../prepare/read/text_head.ts";

const encoder = new TextEncoder();

function utf16(text: string, order: "le" | "be"): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out[2 * i + (order === "le" ? 0 : 1)] = code & 0xff;
    out[2 * i + (order === "le" ? 1 : 0)] = code >> 8;
  }
  return out;
}

Deno.test("textHead() cuts after the last line end", () => {
  const head = textHead(encoder.encode("one\ntwo\nthr"));
  assert.equal(new TextDecoder().decode(head), "one\ntwo\n");
});

Deno.test("textHead() never splits a UTF-8 character in a text without line ends", () => {
  const bytes = encoder.encode("abc€"); // € is 3 bytes.
  const cut = textHead(bytes.subarray(0, 5)); // a, b, c and two bytes of €.
  assert.equal(new TextDecoder("utf-8", { fatal: true }).decode(cut), "abc");
});

Deno.test("textHead() cuts UTF-16 (either byte order) after a whole line end", () => {
  for (const order of ["le", "be"] as const) {
    const bytes = utf16("first line\nsecond line\nthi", order);
    const cut = textHead(bytes.subarray(0, bytes.length - 1));
    assert.equal(
      new TextDecoder(`utf-16${order}`, { fatal: true }).decode(cut),
      "first line\nsecond line\n",
    );
  }
});

Deno.test("capMarkdown() cuts long markdown at a blank line and says where", () => {
  const markdown = "# Title\n\n" + "A paragraph of text.\n\n".repeat(100);
  assert.deepEqual(capMarkdown(markdown, markdown.length), { markdown });
  const { markdown: capped, cut } = capMarkdown(markdown, 100);
  assert.equal(cut, "the first 95 of the 2,209 characters of its text");
  assert.ok(capped.startsWith("# Title\n\nA paragraph of text.\n\n"));
  assert.match(
    capped,
    /Quire converted only the first \d+ of the 2,209 characters of its text \(limits\.maxTextBytes\)/,
  );
  assert.ok(capped.indexOf("Cut here") < 200);
  assert.match(cutNote("pages 1–2", "why"), /Quire converted only pages 1–2 \(why\)/);
});

Deno.test("closeOpenFence() closes a code block left open by a cut, and only then", () => {
  assert.equal(closeOpenFence("text\n```ts\nconst a = 1;\n"), "text\n```ts\nconst a = 1;\n```\n");
  assert.equal(closeOpenFence("~~~~\ncode\n```\nmore"), "~~~~\ncode\n```\nmore\n~~~~\n");
  const closed = "```\ncode\n```\nafter\n";
  assert.equal(closeOpenFence(closed), closed);
});
