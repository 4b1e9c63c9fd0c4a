import assert from "node:assert/strict";
import { parseHTML } from "linkedom";
import {
  type DeepElementLike,
  flattenDeepHtml,
  MAX_HTML_ELEMENTS,
  scanHtmlTags,
} from "../prepare/read/html_guards.ts";
import { readHtml } from "../prepare/read/read_html.ts";
import type { InputError } from "../core/errors.ts";
import { deepHtml } from "./_hostile_corpus.ts";

Deno.test("scanHtmlTags() measures nesting without void, self-closed or optional-end elements", () => {
  const html =
    "<html><body><div><p>one<p>two<br><img src=x><span/><ul><li>a<li>b</ul></div></body></html>";
  assert.deepEqual(scanHtmlTags(html), { depth: 2, elements: 11, cutAt: undefined });
  assert.equal(scanHtmlTags(deepHtml(5000)).depth, 5000);
});

Deno.test("scanHtmlTags() finds where the element past the limit starts", () => {
  const html = "<p>x</p>".repeat(MAX_HTML_ELEMENTS + 3);
  const scan = scanHtmlTags(html);
  assert.equal(scan.elements, MAX_HTML_ELEMENTS + 3);
  assert.equal(scan.cutAt, MAX_HTML_ELEMENTS * "<p>x</p>".length);
});

Deno.test("flattenDeepHtml() reduces elements past the depth to their text, iteratively", () => {
  const { document } = parseHTML(deepHtml(10_000)) as unknown as {
    document: { documentElement: DeepElementLike; body: { textContent: string } };
  };
  const result = flattenDeepHtml(document.documentElement, 128);
  assert.equal(result.flattened, 1);
  assert.ok(result.elements < 200, `${result.elements} elements left`);
  assert.match(document.body.textContent, /The deepest paragraph: harbour tide/);
});

Deno.test("readHtml() converts 10,000 nested divs with a warning, and refuses 10,001 levels unparsed", () => {
  const input = (html: string) => ({
    bytes: new TextEncoder().encode(html),
    fileName: "deep.html",
    source: "deep.html",
  });
  const doc = readHtml(input(deepHtml(10_000)));
  assert.match(doc.markdown, /The deepest paragraph: harbour tide/);
  assert.deepEqual(doc.warnings, [
    "1 element(s) nested deeper than 128 levels were reduced to their text",
  ]);
  assert.throws(() => readHtml(input(deepHtml(10_001))), (error: InputError) => {
    assert.equal(error.code, "TOO_LARGE");
    assert.equal(
      error.message,
      "Cannot read 'deep.html': its elements nest more than 10,000 levels deep",
    );
    return true;
  });
});

Deno.test("readHtml() converts a page of more than 200,000 elements up to the limit, without Readability", () => {
  const html = "<html><body>" + "<p>Harbour tide.</p>".repeat(MAX_HTML_ELEMENTS + 10) +
    "</body></html>";
  const doc = readHtml({
    bytes: new TextEncoder().encode(html),
    fileName: "w.html",
    source: "w.html",
  });
  assert.match(
    doc.markdown,
    /Quire converted only the first 200,000 of the 200,012 elements of this page \(at most 200,000 elements of a page are converted\)/,
  );
  assert.ok(
    doc.warnings.includes("no main article found; converted the whole page without its navigation"),
  );
});
