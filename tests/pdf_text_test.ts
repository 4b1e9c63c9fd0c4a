import assert from "node:assert/strict";
import { cleanPdfText, pageLines, type PdfLine } from "../prepare/read/pdf_lines.ts";
import { documentWords, joinLine, renderPdfPage } from "../prepare/read/pdf_paragraphs.ts";
import { dropPageFurniture, runningKeys } from "../prepare/read/pdf_running_lines.ts";
import { manPageName, pdfTitle, plausibleMetadataTitle } from "../prepare/read/pdf_title.ts";

/** A pdf.js-like text item at `x` on baseline `y`, `size` points, `width` wide. */
function item(str: string, x: number, width: number, options: { y?: number; size?: number } = {}) {
  const size = options.size ?? 10;
  return { str, transform: [size, 0, 0, size, x, options.y ?? 700], width, fontName: "f1" };
}

function line(text: string, y: number, size = 10): PdfLine {
  return { text, size, y, x: 50, right: 300 };
}

Deno.test("cleanPdfText() spells out ligatures and TeX ligature codes, and drops the rest", () => {
  assert.deepEqual(cleanPdfText("She\x0eeld and o\x0ecial \x0crst \ufb01le"), {
    text: "Sheffield and official first file",
    unreadable: 0,
  });
  assert.deepEqual(cleanPdfText("N (t \x00 t1) \x01 \x01 \x0f, x"), {
    text: "N (t  t1)   , x",
    unreadable: 4,
  });
  assert.equal(cleanPdfText("Okapi at TREC{3, 11{pt").text, "Okapi at TREC-3, 11-pt");
  assert.equal(cleanPdfText("f{x} stays").text, "f{x} stays");
});

Deno.test("pageLines() takes spaces from glyph gaps, not from kerning space items", () => {
  const { lines } = pageLines([
    item("Rob", 100, 20),
    item(" ", 120, 0.2),
    item("ertson", 120.2, 30),
    item(" ", 150.2, 3.4),
    item("and", 153.6, 16),
    item("x", 169.6, 5),
    item("i", 174.6, 3, { y: 698.5, size: 7 }),
  ]);
  assert.deepEqual(lines.map((l) => l.text), ["Robertson andxi"]);
});

Deno.test("pageLines() marks wide gaps as cells and estimates Type 3 font sizes", () => {
  const { lines } = pageLines([
    item("Name", 50, 25),
    item("Count", 200, 28),
    { str: "Title", transform: [0.24, 0, 0, 0.24, 50, 600], width: 45, fontName: "t3" },
  ]);
  assert.equal(lines[0].cells, true);
  assert.equal(lines[0].text, "Name Count");
  assert.equal(lines[1].size, 18);
});

Deno.test("joinLine() undoes a hyphen only where it breaks a word", () => {
  const words = documentWords([[line("the number of important terms", 0)]]);
  assert.equal(joinLine("the numb-", "er of", words), "the number of");
  assert.equal(joinLine("English-", "to-German", words), "English-to-German");
  assert.equal(joinLine("TREC-", "3 runs", words), "TREC-3 runs");
  assert.equal(joinLine("a distrib-", "uted cache", words), "a distributed cache");
  const compound = documentWords([[line("a well-known result", 0)]]);
  assert.equal(joinLine("is well-", "known", compound), "is well-known");
  assert.equal(joinLine("one", "two", words), "one two");
  // At the end of a long paragraph, and for a word longer than the searched tail.
  const long = "Some text of a long paragraph. ".repeat(400);
  assert.equal(joinLine(`${long}the numb-`, "er of", words), `${long}the number of`);
  const word = "pneumonoultramicroscopicsilicovolcanoconiosis".repeat(2);
  const known = documentWords([[line(`${word}es`, 0)]]);
  assert.equal(joinLine(`${long}${word}-`, "es and", known), `${long}${word}es and`);
});

Deno.test("renderPdfPage() joins wrapped lines, keeps table rows and gathers figure labels", () => {
  const lines: PdfLine[] = [
    line("Hard-wrapped lines of one", 700),
    line("paragraph are joined.", 688),
    line("A new paragraph after a gap.", 650),
    { ...line("Name Count", 620), cells: true },
    { ...line("apples 3", 608), cells: true },
    line("Client", 500),
    line("Server", 450),
    line("Cache", 400),
  ];
  assert.equal(
    renderPdfPage(lines, [], new Set()),
    "Hard-wrapped lines of one paragraph are joined.\n\nA new paragraph after a gap.\n\n" +
      "Name Count  \napples 3\n\nClient Server Cache",
  );
});

Deno.test("dropPageFurniture() drops running headers, page numbers and plot markers", () => {
  const pages = [1, 2, 3, 4].map((n) => [
    line("Journal of Examples", 780),
    line(`Body text of page ${n} goes here and on.`, 700),
    line("More body text.", 688),
    ...(n === 2 ? ["l", "l l", "ll", "l", "l l l"].map((m, i) => line(m, 600 - i * 10)) : []),
    line(String(n), 40),
  ]);
  const running = runningKeys(pages);
  const kept = dropPageFurniture(pages, running).map((p) => p.map((l) => l.text));
  assert.deepEqual(kept[1], ["Body text of page 2 goes here and on.", "More body text."]);
  assert.equal(kept.flat().some((t) => t === "Journal of Examples"), false);
});

Deno.test("pdfTitle() prefers plausible metadata, then a man page NAME, then the largest block", () => {
  assert.equal(plausibleMetadataTitle("shannon1948.dvi"), "");
  assert.equal(plausibleMetadataTitle("Microsoft Word - paper.doc"), "");
  assert.equal(plausibleMetadataTitle("untitled"), "");
  assert.equal(plausibleMetadataTitle("Introduction"), "");
  assert.equal(plausibleMetadataTitle("Tidy Data"), "Tidy Data");
  const cover = [
    line("This paper is included in the Proceedings of the 11th Symposium.", 760, 14),
    line("1 Introduction", 300, 20),
    line("Simple Testing Can Prevent", 700, 18),
    line("Most Critical Failures", 680, 18),
    line("Ding Yuan, University of Toronto", 640, 12),
    line("Body text follows here in the usual size of the paper.", 600),
    line("Body text follows here in the usual size of the paper.", 588),
  ];
  assert.equal(
    pdfTitle({ infoTitle: "proc.dvi", firstPage: cover }),
    "Simple Testing Can Prevent Most Critical Failures",
  );
  assert.equal(pdfTitle({ infoTitle: "Real Title", firstPage: cover }), "Real Title");
  const man = [
    line("GREP(1) User Commands GREP(1)", 780),
    line("NAME", 750),
    line("grep - print lines that match patterns", 738),
    line("SYNOPSIS", 720),
  ];
  assert.equal(manPageName(man), "grep - print lines that match patterns");
  assert.equal(pdfTitle({ firstPage: man }), "grep - print lines that match patterns");
  const footnote = [line("Hints for Computer System Design1", 700, 16), line("Body", 600)];
  assert.equal(pdfTitle({ firstPage: footnote }), "Hints for Computer System Design");
});
