import assert from "node:assert/strict";
import { clipText } from "../prepare/compile/clip_text.ts";

Deno.test("clipText() returns short text unchanged but on one line", () => {
  assert.equal(clipText("  two\nlines  ", 20), "two lines");
});

Deno.test("clipText() cuts at a word boundary and marks the cut", () => {
  assert.equal(clipText("alpha beta gamma delta epsilon", 17), "alpha beta gamma…");
  assert.ok(clipText("x".repeat(50), 10).length <= 10);
});

Deno.test("clipText() shows a window around the given index", () => {
  const text = Array.from({ length: 40 }, (_, i) => `w${i}`).join(" ");
  const clipped = clipText(text, 30, { around: text.indexOf("w20") });
  assert.ok(clipped.startsWith("…") && clipped.endsWith("…"), clipped);
  assert.ok(clipped.includes("w20"), clipped);
  assert.ok(clipped.length <= 30, String(clipped.length));
});

Deno.test("clipText() never splits a surrogate pair", () => {
  const clipped = clipText("😀".repeat(20), 9);
  assert.ok(clipped.length <= 9);
  assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(clipped), "lone high surrogate");
});
