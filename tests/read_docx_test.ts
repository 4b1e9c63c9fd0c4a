import assert from "node:assert/strict";
import type { InputError } from "../core/errors.ts";
import { docxCoreTitle, readDocx } from "../prepare/read/read_docx.ts";
import { fixtureBytes, fixtureInput } from "./_formats.ts";

Deno.test("readDocx() keeps headings, links, tables and nested lists", async () => {
  const doc = await readDocx(await fixtureInput("handbook.docx"));
  assert.equal(doc.type, "docx");
  assert.equal(doc.ext, "docx");
  assert.match(doc.markdown, /^# Harbour Operations$/m);
  assert.match(doc.markdown, /^## Berth Schedule$/m);
  assert.match(
    doc.markdown,
    /The harbour opens at dawn and closes at dusk\. See the \[port authority\]\(https:\/\/port\.example\.org\/rules\) for the full rules\./,
  );
  assert.match(doc.markdown, /^\| Berth \| Vessel \| Arrival \|$/m);
  assert.match(doc.markdown, /^\| A1 +\| Northern Star \| 06:00 \|$/m);
  assert.match(doc.markdown, /^- Confirm the pilot booking\n {2}- Call the pilot office$/m);
  assert.match(doc.markdown, /^1\. Secure the gangway\n2\. Open the cargo hatch$/m);
  assert.match(doc.markdown, /Tugs must radio the harbour master before entering\./);
});

Deno.test("readDocx() takes the title from the Title paragraph and builds the section tree", async () => {
  const doc = await readDocx(await fixtureInput("handbook.docx"));
  assert.equal(doc.title, "Harbour Operations Handbook");
  assert.deepEqual(doc.sections.map((s) => [s.title, s.children.map((c) => c.title)]), [
    ["Harbour Operations Handbook", []],
    ["Harbour Operations", ["Berth Schedule", "Checklist"]],
  ]);
});

Deno.test("readDocx() reports mammoth's warnings about unknown styles", async () => {
  const doc = await readDocx(await fixtureInput("handbook.docx"));
  assert.deepEqual(doc.warnings, [
    "Unrecognised paragraph style: 'Harbour Note' (Style ID: HarbourNote)",
  ]);
});

Deno.test("readDocx() falls back to the core properties title when there is no heading", async () => {
  const doc = await readDocx(await fixtureInput("core-title.docx"));
  assert.equal(doc.title, "Tide Notes & Tables");
  assert.deepEqual(doc.sections, []);
  assert.match(
    doc.markdown,
    /^Tide notes for the harbour crew\.\n\nCheck the tide tables each morning\.\n$/,
  );
});

Deno.test("docxCoreTitle() reads dc:title, and gives '' when it is empty", async () => {
  assert.equal(docxCoreTitle(await fixtureBytes("core-title.docx")), "Tide Notes & Tables");
  assert.equal(docxCoreTitle(new Uint8Array([1, 2, 3])), "");
});

Deno.test("readDocx() refuses a truncated file as CORRUPT", async () => {
  const bytes = (await fixtureBytes("handbook.docx")).subarray(0, 4000);
  await assert.rejects(
    () => readDocx({ bytes, fileName: "cut.docx", source: "cut.docx" }),
    (error: InputError) => {
      assert.equal(error.code, "CORRUPT");
      assert.match(error.message, /^Cannot read 'cut\.docx': the DOCX file is damaged \(/);
      return true;
    },
  );
});
