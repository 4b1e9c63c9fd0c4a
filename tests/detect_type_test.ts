import assert from "node:assert/strict";
import { convertDocument } from "../prepare/read/convert_document.ts";
import { detectType, looksBinary } from "../prepare/read/detect_type.ts";
import { gunzipInput } from "../prepare/read/gunzip_input.ts";
import { fixtureBytes, formatSettings, latin1 } from "./_formats.ts";
import { gzipSync } from "node:zlib";

const encode = (text: string) => new TextEncoder().encode(text);
const input = (bytes: Uint8Array, fileName: string, contentType?: string) => ({
  bytes,
  fileName,
  contentType,
  source: fileName || "input",
});
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const HTML =
  "<!DOCTYPE html><html><head><title>Login</title></head><body><p>Please sign in.</p></body></html>";

Deno.test("detectType() reads a .pdf whose content is HTML as HTML", () => {
  assert.equal(detectType(input(encode(HTML), "report.pdf")), "html");
  assert.equal(detectType(input(encode(HTML), "report", "application/pdf")), "html");
  assert.equal(detectType(input(encode("<!-- saved page -->\n" + HTML), "page.pdf")), "html");
});

Deno.test("detectType() trusts PDF magic bytes over the name", async () => {
  const pdf = await fixtureBytes("outline.pdf");
  assert.equal(detectType(input(pdf, "notes.txt")), "pdf");
  assert.equal(detectType(input(pdf, "download", "application/octet-stream")), "pdf");
});

Deno.test("detectType() keeps text that mentions %PDF- as text", () => {
  assert.equal(
    detectType(input(encode("# PDF files\n\nThey start with %PDF-1.7.\n"), "a.md")),
    "markdown",
  );
});

Deno.test("detectType() names the detected binary type in its error", () => {
  assert.throws(() => detectType(input(PNG, "photo.md")), {
    code: "UNSUPPORTED_TYPE",
    message: "Cannot add 'photo.md': unsupported type PNG image named .md",
  });
  const binary = Uint8Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? 0 : i));
  assert.throws(() => detectType(input(binary, "data.txt")), {
    code: "UNSUPPORTED_TYPE",
    message: "Cannot add 'data.txt': unsupported type binary data named .txt",
  });
});

Deno.test("detectType() refuses text named .pdf or .docx", () => {
  assert.throws(() => detectType(input(encode("just some words"), "x.pdf")), {
    code: "UNSUPPORTED_TYPE",
    message: "Cannot add 'x.pdf': unsupported type text named .pdf (the content is not a PDF file)",
  });
});

Deno.test("detectType() tells a .docx from other zip archives by its content", async () => {
  const docx = await fixtureBytes("handbook.docx");
  assert.equal(detectType(input(docx, "handbook.docx")), "docx");
  assert.equal(detectType(input(docx, "download", "application/octet-stream")), "docx");
  const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]);
  assert.throws(() => detectType(input(zip, "bundle.zip")), {
    message: "Cannot add 'bundle.zip': unsupported type zip archive (.zip)",
  });
});

Deno.test("detectType() uses the HTTP content type when the name has no extension", () => {
  assert.equal(detectType(input(encode("a,b\n1,2\n"), "export", "text/csv; charset=utf-8")), "csv");
  assert.equal(detectType(input(encode("plain words"), "notes", "text/plain")), "text");
  assert.equal(detectType(input(encode("{}"), "api", "application/json")), "text");
  assert.throws(() => detectType(input(encode("GIF-ish words"), "pic", "image/gif")), {
    message: "Cannot add 'pic': unsupported type 'image/gif'",
  });
});

Deno.test("looksBinary() accepts UTF-16 without a BOM and refuses scattered NULs", async () => {
  assert.equal(looksBinary(await fixtureBytes("utf16le-nobom.txt")), false);
  assert.equal(looksBinary(await fixtureBytes("utf16be-nobom.txt")), false);
  assert.equal(looksBinary(new Uint8Array([65, 0, 0, 66, 67, 68, 0, 69, 70, 71])), true);
});

Deno.test("convertDocument() reads a fake .pdf as HTML and lazily loads each reader", async () => {
  const html = await convertDocument(input(encode(HTML), "invoice.pdf"), formatSettings());
  assert.equal(html.type, "html");
  assert.equal(html.title, "Login");
  assert.match(html.markdown, /Please sign in\./);
  const pdf = await convertDocument(
    input(await fixtureBytes("outline.pdf"), "o.pdf"),
    formatSettings(),
  );
  assert.equal(pdf.type, "pdf");
  const csv = await convertDocument(
    input(await fixtureBytes("lights.tsv"), "l.tsv"),
    formatSettings(),
  );
  assert.equal(csv.type, "csv");
  const docx = await convertDocument(
    input(await fixtureBytes("handbook.docx"), "h.docx"),
    formatSettings(),
  );
  assert.equal(docx.type, "docx");
});

Deno.test("convertDocument() gives a clear error for a .txt full of binary garbage", async () => {
  let state = 3;
  const garbage = Uint8Array.from({ length: 300 }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return ((state >> 16) & 0xff) | 0x80;
  });
  await assert.rejects(() => convertDocument(input(garbage, "junk.txt"), formatSettings()), {
    code: "BAD_ENCODING",
    message:
      /^Cannot read 'junk\.txt': the text is not valid UTF-8 and its encoding could not be detected/,
  });
});

Deno.test("detectType() reads text of no known extension as plain text", () => {
  for (const name of ["README", "copyright", "NEWS", "FAQ", "README.Debian", "x.abs-guide"]) {
    assert.equal(detectType(input(encode("Some notes\n\nabout this package.\n"), name)), "text");
  }
  assert.equal(detectType(input(latin1("Caf\xe9 notes\n"), "NOTES")), "text");
  assert.throws(() => detectType(input(Uint8Array.of(1, 2, 3, 0, 250, 251, 0, 7), "blob")), {
    code: "UNSUPPORTED_TYPE",
  });
  assert.throws(() => detectType(input(new Uint8Array(0), "empty")), { code: "UNSUPPORTED_TYPE" });
});

Deno.test("convertDocument() reads a gzip-compressed text as what it contains", async () => {
  const text = "GnuPG hacking notes\n\nHow to hack on this package.\n";
  const doc = await convertDocument(
    input(gzipSync(encode(text)), "HACKING.gz"),
    formatSettings(),
  );
  assert.equal(doc.type, "text");
  assert.equal(doc.ext, "txt.gz");
  assert.equal(doc.title, "GnuPG hacking notes");
  const md = await convertDocument(
    input(gzipSync(encode("# Notes\n")), "a.md.gz"),
    formatSettings(),
  );
  assert.deepEqual([md.type, md.ext], ["markdown", "md.gz"]);
});

Deno.test("gunzipInput() refuses output over its cap as TOO_LARGE and damage as CORRUPT", () => {
  const bomb = gzipSync(new Uint8Array(2_000_000));
  assert.throws(() => gunzipInput(input(bomb, "bomb.gz"), { maxBytes: 1_000_000 }), {
    code: "TOO_LARGE",
    message:
      "Cannot add 'bomb.gz': it inflates to more than 1000000 bytes (the limit for gzip-compressed documents)",
  });
  assert.throws(() => gunzipInput(input(Uint8Array.of(0x1f, 0x8b, 1, 2, 3), "bad.gz")), {
    code: "CORRUPT",
  });
});

Deno.test("convertDocument() refuses gzip inside gzip", async () => {
  const twice = gzipSync(gzipSync(encode("words")));
  await assert.rejects(() => convertDocument(input(twice, "a.gz.gz"), formatSettings()), {
    code: "UNSUPPORTED_TYPE",
  });
});
