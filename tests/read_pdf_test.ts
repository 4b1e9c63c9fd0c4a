import assert from "node:assert/strict";
import type { InputError } from "../core/errors.ts";
import { pagesWithinBudget, readPdf } from "../prepare/read/read_pdf.ts";
import { makePdf } from "./_make_pdf.ts";
import { fixtureInput, formatSettings } from "./_formats.ts";

function pageMarkers(markdown: string): string[] {
  return [...markdown.matchAll(/^<!-- page (\d+) -->$/gm)].map((m) => m[1]);
}

Deno.test("readPdf() writes a page marker before each page and headings from the outline", async () => {
  const doc = await readPdf(await fixtureInput("outline.pdf"), formatSettings());
  assert.equal(doc.type, "pdf");
  assert.equal(doc.ext, "pdf");
  assert.equal(doc.pageCount, 4);
  assert.equal(doc.title, "Field Guide to Rivers");
  assert.deepEqual(pageMarkers(doc.markdown), ["1", "2", "3", "4"]);
  assert.match(
    doc.markdown,
    /<!-- page 1 -->\n\n# Introduction\n\nRivers carry water from the hills/,
  );
  assert.match(doc.markdown, /^# Formation$/m);
  assert.match(doc.markdown, /^## Meanders$/m);
  assert.match(doc.markdown, /<!-- page 4 -->\n\n# Deltas\n/);
  // The line-end hyphen of "chan-/nel" is joined again.
  assert.match(doc.markdown, /cut off from the main channel during a flood\./);
  assert.deepEqual(doc.warnings, []);
});

Deno.test("readPdf() gives outline sections page ranges, named destinations included", async () => {
  const doc = await readPdf(await fixtureInput("outline.pdf"), formatSettings());
  assert.deepEqual(doc.sections, [
    {
      title: "Introduction",
      anchor: "Introduction",
      level: 1,
      startPage: 1,
      endPage: 1,
      children: [],
    },
    {
      title: "Formation",
      anchor: "Formation",
      level: 1,
      startPage: 2,
      endPage: 3,
      children: [{
        title: "Meanders",
        anchor: "Meanders",
        level: 2,
        startPage: 2,
        endPage: 3,
        children: [],
      }],
    },
    { title: "Deltas", anchor: "Deltas", level: 1, startPage: 4, endPage: 4, children: [] },
  ]);
});

Deno.test("readPdf() finds headings by font size when a short PDF has no outline", async () => {
  const doc = await readPdf(await fixtureInput("no-outline.pdf"), formatSettings());
  assert.equal(doc.pageCount, 2);
  assert.equal(doc.title, "Tide Tables");
  assert.match(doc.markdown, /<!-- page 1 -->\n\n# Tide Tables\n\nHigh water comes twice a day/);
  assert.match(doc.markdown, /<!-- page 2 -->\n\n## Spring Tides\n\nSpring tides happen near/);
  // Under sectionTreeMinPages: a heading tree without page ranges.
  assert.deepEqual(doc.sections, [{
    title: "Tide Tables",
    level: 1,
    children: [{ title: "Spring Tides", level: 2, children: [] }],
  }]);
});

Deno.test("readPdf() builds a page-ranged tree from font sizes for long PDFs without an outline", async () => {
  const doc = await readPdf(await fixtureInput("long-no-outline.pdf"), formatSettings());
  assert.equal(doc.pageCount, 26);
  assert.equal(doc.title, "A Long Report on Rivers");
  assert.equal(pageMarkers(doc.markdown).length, 26);
  assert.match(doc.markdown, /<!-- page 26 -->\n\nThis is page 26 of the long report\./);
  assert.deepEqual(doc.sections, [
    {
      title: "Chapter 1 Sources",
      anchor: "Chapter 1 Sources",
      level: 1,
      startPage: 1,
      endPage: 8,
      children: [
        {
          title: "Springs and Glaciers",
          anchor: "Springs and Glaciers",
          level: 2,
          startPage: 4,
          endPage: 8,
          children: [],
        },
      ],
    },
    {
      title: "Chapter 2 Courses",
      anchor: "Chapter 2 Courses",
      level: 1,
      startPage: 9,
      endPage: 17,
      children: [{
        title: "Rapids and Falls",
        anchor: "Rapids and Falls",
        level: 2,
        startPage: 12,
        endPage: 17,
        children: [],
      }],
    },
    {
      title: "Chapter 3 Mouths",
      anchor: "Chapter 3 Mouths",
      level: 1,
      startPage: 18,
      endPage: 26,
      children: [],
    },
  ]);
});

Deno.test("readPdf() leaves page ranges out below settings.sectionTreeMinPages", async () => {
  const doc = await readPdf(
    await fixtureInput("long-no-outline.pdf"),
    formatSettings({ sectionTreeMinPages: 30 }),
  );
  assert.equal(doc.sections.length, 3);
  assert.equal(doc.sections[0].startPage, undefined);
  assert.equal(doc.sections[0].children[0].title, "Springs and Glaciers");
});

Deno.test("readPdf() takes the first line as title when there is no metadata or heading", async () => {
  const bytes = makePdf({
    pages: [{ lines: [{ text: "Minutes of the harbour board" }, { text: "All members came." }] }],
  });
  const doc = await readPdf({ bytes, fileName: "m.pdf", source: "m.pdf" }, formatSettings());
  assert.equal(doc.title, "Minutes of the harbour board");
  assert.deepEqual(doc.sections, []);
});

Deno.test("readPdf() refuses a PDF with no text layer as NO_TEXT", async () => {
  await assert.rejects(
    async () => readPdf(await fixtureInput("scanned.pdf"), formatSettings()),
    (error: InputError) => {
      assert.equal(error.code, "NO_TEXT");
      assert.match(
        error.message,
        /^Cannot read 'fixtures\/scanned\.pdf': no text layer: 0 characters extracted from 2 page\(s\)/,
      );
      return true;
    },
  );
});

Deno.test("readPdf() refuses a truncated PDF as CORRUPT", async () => {
  await assert.rejects(
    async () => readPdf(await fixtureInput("truncated.pdf"), formatSettings()),
    (error: InputError) => {
      assert.equal(error.code, "CORRUPT");
      assert.match(error.message, /^Cannot read 'fixtures\/truncated\.pdf': the PDF is truncated/);
      return true;
    },
  );
});

Deno.test("readPdf() refuses a PDF whose structure is garbage as CORRUPT", async () => {
  const bytes = new TextEncoder().encode("%PDF-1.7\nthis is not a PDF body at all\n%%EOF\n");
  await assert.rejects(
    () => readPdf({ bytes, fileName: "bad.pdf", source: "bad.pdf" }, formatSettings()),
    (error: InputError) => {
      assert.equal(error.code, "CORRUPT");
      assert.match(error.message, /^Cannot read 'bad\.pdf': the PDF is damaged or truncated \(/);
      return true;
    },
  );
});

Deno.test("readPdf() refuses a password-protected PDF as ENCRYPTED", async () => {
  await assert.rejects(
    async () => readPdf(await fixtureInput("encrypted.pdf"), formatSettings()),
    (error: InputError) => {
      assert.equal(error.code, "ENCRYPTED");
      assert.match(error.message, /^Cannot read 'fixtures\/encrypted\.pdf': the PDF is encrypted/);
      return true;
    },
  );
});

Deno.test("readPdf() leaves the caller's bytes intact", async () => {
  const input = await fixtureInput("outline.pdf");
  const before = input.bytes.length;
  await readPdf(input, formatSettings());
  assert.equal(input.bytes.length, before);
  assert.equal(new TextDecoder().decode(input.bytes.subarray(0, 5)), "%PDF-");
});

Deno.test("readPdf() escapes markdown marks in PDF text", async () => {
  const bytes = makePdf({
    pages: [{
      lines: [{ text: "# not a heading" }, { text: "" }, { text: "" }, {
        text: "1. not a list, and *no* emphasis",
      }],
    }],
  });
  const doc = await readPdf({ bytes, fileName: "e.pdf", source: "e.pdf" }, formatSettings());
  assert.match(doc.markdown, /^\\# not a heading$/m);
  assert.match(doc.markdown, /^1\\\. not a list, and \\\*no\\\* emphasis$/m);
});

Deno.test("pagesWithinBudget() reads every page up to 10,000, then fewer as the page count grows", () => {
  assert.equal(pagesWithinBudget(1), 1);
  assert.equal(pagesWithinBudget(10_000), 10_000);
  assert.equal(pagesWithinBudget(20_000), 5_000);
  assert.equal(pagesWithinBudget(100_000), 1_000);
  assert.equal(pagesWithinBudget(10 ** 9), 1);
});

Deno.test("readPdf() stops reading pages at maxTextBytes and ends the page with a cut note", async () => {
  const pages = Array.from({ length: 40 }, (_, i) => ({
    lines: [{ text: `Page ${i + 1} says the harbour opens at dawn and closes at dusk.` }],
  }));
  const doc = await readPdf(
    { bytes: makePdf({ pages }), fileName: "log.pdf", source: "log.pdf" },
    formatSettings({ maxTextBytes: 600 }),
  );
  assert.equal(doc.pageCount, 40);
  // About 57 characters a page: the 11th page passes 600.
  assert.deepEqual(pageMarkers(doc.markdown), Array.from({ length: 11 }, (_, i) => String(i + 1)));
  assert.match(
    doc.markdown,
    /\*\*Cut here\.\*\* Quire converted only pages 1–11 of 40 \(limits\.maxTextBytes\); the rest is not on this page/,
  );
  assert.deepEqual(doc.warnings, ["converted only pages 1–11 of 40 (limits.maxTextBytes)"]);
});

Deno.test("readPdf() keeps only part of one huge page, and says so", async () => {
  const lines = Array.from(
    { length: 500 },
    (_, i) => ({ text: `Line ${i} of the tide log.`, size: 2 }),
  );
  const doc = await readPdf(
    { bytes: makePdf({ pages: [{ lines }] }), fileName: "one.pdf", source: "one.pdf" },
    formatSettings({ maxTextBytes: 1000 }),
  );
  assert.match(doc.markdown, /Line 0 of the tide log\./);
  assert.doesNotMatch(doc.markdown, /Line 499 of the tide log/);
  assert.match(doc.markdown, /Quire converted only part of page 1 of 1 \(limits\.maxTextBytes\)/);
  assert.deepEqual(doc.warnings, ["converted only part of page 1 of 1 (limits.maxTextBytes)"]);
});

Deno.test("readPdf() reads a flat /Kids tree only as far as the page-lookup budget", async () => {
  // 400 pages in one flat array; with a budget of 40,000 steps, 100 pages are read.
  const pages = Array.from({ length: 400 }, (_, i) => ({ lines: [{ text: `Page ${i + 1}` }] }));
  const doc = await readPdf(
    { bytes: makePdf({ pages }), fileName: "flat.pdf", source: "flat.pdf" },
    formatSettings(),
    { pageLookupBudget: 40_000 },
  );
  assert.equal(doc.pageCount, 400);
  assert.equal(pageMarkers(doc.markdown).length, 100);
  assert.match(
    doc.markdown,
    /Quire converted only pages 1–100 of 400 \(at most 100 pages of a 400-page PDF are read\)/,
  );
});
