import assert from "node:assert/strict";
import { bodyFontSize, fontSizeHeadings } from "../prepare/read/font_size_headings.ts";
import type { PdfLine } from "../prepare/read/pdf_lines.ts";
import { pdfLines } from "../prepare/read/pdf_lines.ts";

const body = (text: string): PdfLine => ({ text, size: 10, y: 0 });
const big = (text: string, size = 16): PdfLine => ({ text, size, y: 0 });

Deno.test("pdfLines() splits items at hasEOL and at a baseline change", () => {
  const lines = pdfLines([
    { str: "Hello", transform: [12, 0, 0, 12, 50, 700] },
    { str: " world", transform: [12, 0, 0, 12, 80, 700], hasEOL: true },
    { str: "Next line", transform: [10, 0, 0, 10, 50, 680] },
    { str: "2", transform: [6, 0, 0, 6, 100, 683] },
    { str: "Far below", transform: [10, 0, 0, 10, 50, 600] },
  ]);
  assert.deepEqual(lines.map((l) => [l.text, l.size]), [
    ["Hello world", 12],
    ["Next line2", 10],
    ["Far below", 10],
  ]);
});

Deno.test("fontSizeHeadings() ranks larger sizes as higher levels and joins wrapped titles", () => {
  const pages = [
    [
      big("Part One", 20),
      body("Some body text that is long enough to be the body."),
      big("A wrapped"),
      big("heading"),
    ],
    [body("More body text on the second page, also long enough.")],
  ];
  assert.equal(bodyFontSize(pages), 10);
  assert.deepEqual(fontSizeHeadings(pages), [
    { page: 1, first: 0, last: 0, level: 1, title: "Part One" },
    { page: 1, first: 2, last: 3, level: 2, title: "A wrapped heading" },
  ]);
});

Deno.test("fontSizeHeadings() drops the smallest heading size when there are too many headings", () => {
  const pages = [[
    big("Title", 24),
    ...Array.from({ length: 5 }, (_, i) => [big(`Minor ${i}`), body("x ".repeat(100))]).flat(),
  ]];
  const headings = fontSizeHeadings(pages, { maxHeadings: 3 });
  assert.deepEqual(headings.map((h) => h.title), ["Title"]);
});

Deno.test("fontSizeHeadings() finds nothing when every line has the body size", () => {
  assert.deepEqual(fontSizeHeadings([[body("one"), body("two")]]), []);
});
