import assert from "node:assert/strict";
import { escapeCell, readCsv } from "../prepare/read/read_csv.ts";
import { fixtureInput, formatSettings } from "./_formats.ts";

function csvInput(text: string, fileName = "t.csv") {
  return { bytes: new TextEncoder().encode(text), fileName, source: fileName };
}

Deno.test("readCsv() writes a table with quoted commas, quotes, newlines and pipes escaped", async () => {
  const doc = readCsv(await fixtureInput("people.csv"), formatSettings());
  assert.equal(doc.type, "csv");
  assert.equal(doc.ext, "csv");
  assert.equal(doc.title, "");
  assert.equal(
    doc.markdown,
    [
      "| name | city | notes |",
      "| --- | --- | --- |",
      '| Smith, Jane | Oslo | Likes "fjords"<br>and boats |',
      "| Lee | Bergen |  |",
      "| Kim | Tromsø | a \\| b |",
      "",
    ].join("\n"),
  );
  assert.deepEqual(doc.facts, { columns: "name, city, notes", rows: "3" });
  assert.deepEqual(doc.sections, []);
  assert.deepEqual(doc.warnings, []);
});

Deno.test("readCsv() reads a .tsv with tabs", async () => {
  const doc = readCsv(await fixtureInput("lights.tsv"), formatSettings());
  assert.equal(doc.ext, "tsv");
  assert.match(doc.markdown, /^\| North Point \| Fl\(2\) 10s \| 22 \|$/m);
  assert.deepEqual(doc.facts, { columns: "station, pattern, range_nm", rows: "2" });
});

Deno.test("readCsv() detects tab and semicolon delimiters in a .csv", () => {
  const tabs = readCsv(csvInput("a\tb\n1\t2\n"), formatSettings());
  assert.match(tabs.markdown, /^\| 1 \| 2 \|$/m);
  const semicolons = readCsv(csvInput("Name;Price\nTea;1,50\nCoffee;2,10\n"), formatSettings());
  assert.match(semicolons.markdown, /^\| Coffee \| 2,10 \|$/m);
  assert.equal(semicolons.facts.columns, "Name, Price");
});

Deno.test("readCsv() caps the table at settings.tableMaxRows and says how many rows are left out", () => {
  const text = "n,square\n" + Array.from({ length: 10 }, (_, i) => `${i},${i * i}`).join("\n");
  const doc = readCsv(csvInput(text), formatSettings({ tableMaxRows: 4 }));
  assert.match(doc.markdown, /^\| 3 \| 9 \|$/m);
  assert.doesNotMatch(doc.markdown, /^\| 4 \| 16 \|$/m);
  assert.match(doc.markdown, /_6 more rows not shown: the table is capped at 4 rows\._/);
  assert.equal(doc.facts.rows, "10");
  assert.deepEqual(doc.warnings, ["only the first 4 of 10 rows are on the source page"]);
});

Deno.test("readCsv() names blank and extra columns and pads short rows", () => {
  const doc = readCsv(csvInput("id,,\n1,x,y,z\n2\n"), formatSettings());
  assert.equal(doc.facts.columns, "id, Column 2, Column 3, Column 4");
  assert.match(doc.markdown, /^\| 1 \| x \| y \| z \|$/m);
  assert.ok(doc.markdown.includes("\n| 2 |  |  |  |\n"));
});

Deno.test("readCsv() refuses an empty file as EMPTY", () => {
  assert.throws(() => readCsv(csvInput("\n\n"), formatSettings()), { code: "EMPTY" });
});

Deno.test("escapeCell() escapes markdown marks and turns line breaks into <br>", () => {
  assert.equal(escapeCell(" a|b*c\r\nd\\e "), "a\\|b\\*c<br>d\\\\e");
});
