import assert from "node:assert/strict";
import { readHtml, withBaseUrl } from "../prepare/read/read_html.ts";
import { fixtureInput, latin1 } from "./_formats.ts";

const PAGE_URL = "https://coast.example.org/articles/lighthouses.html";

function htmlInput(html: string | Uint8Array, extra: { url?: string; contentType?: string } = {}) {
  const bytes = typeof html === "string" ? new TextEncoder().encode(html) : html;
  return { bytes, fileName: "page.html", source: "page.html", ...extra };
}

Deno.test("readHtml() keeps the article and drops navigation, ads, scripts and footer", async () => {
  const doc = readHtml(await fixtureInput("article.html"));
  assert.equal(doc.type, "html");
  assert.equal(doc.title, "How Lighthouses Work");
  assert.match(doc.markdown, /^# How Lighthouses Work\n/);
  assert.match(
    doc.markdown,
    /A lighthouse is a tower that carries a bright light to guide ships safely along the coast\./,
  );
  assert.match(doc.markdown, /^## The Lens$/m);
  assert.match(doc.markdown, /^\| North Point \| Fl\(2\) 10s \| 22 nm \|$/m);
  assert.match(doc.markdown, /```python\ndef flash\(period\):\n {4}return period \/ 2\n```/);
  for (
    const chrome of [
      "menu entry",
      "Advertisement",
      "Sponsored",
      "trackVisitor",
      "tracking pixel",
      "Footer text",
      "Popular posts",
    ]
  ) {
    assert.ok(!doc.markdown.includes(chrome), `${chrome} should be dropped`);
  }
  assert.deepEqual(doc.sections.map((s) => [s.title, s.children.map((c) => c.title)]), [
    ["How Lighthouses Work", ["The Lens", "Light Characteristics"]],
  ]);
  assert.equal(doc.facts.byline, "By Ada Keeper");
  assert.deepEqual(doc.warnings, []);
});

/** The target a `[label](quire-link:N)` placeholder of `doc` stands for. */
function linkOf(
  doc: { markdown: string; links?: { target: string; anchor: string | null }[] },
  label: string,
) {
  const match = new RegExp(`\\[${label}\\]\\(quire-link:(\\d+)\\)`).exec(doc.markdown);
  assert.ok(match, `no link '${label}' in ${doc.markdown}`);
  return doc.links?.[Number(match[1])];
}

Deno.test("readHtml() resolves relative links against the page URL, as data", async () => {
  const doc = readHtml({ ...(await fixtureInput("article.html")), url: PAGE_URL });
  assert.deepEqual(linkOf(doc, "Fresnel lens"), {
    target: "https://coast.example.org/articles/lenses/fresnel.html",
    anchor: null,
  });
  assert.deepEqual(linkOf(doc, "keepers archive"), {
    target: "https://coast.example.org/history/keepers",
    anchor: null,
  });
  assert.equal(doc.facts.url, PAGE_URL);
});

Deno.test("readHtml() resolves a local file's relative links against its own path", async () => {
  const doc = readHtml({
    ...(await fixtureInput("article.html")),
    source: "/docs/articles/a.html",
  });
  assert.deepEqual(linkOf(doc, "Fresnel lens"), {
    target: "/docs/articles/lenses/fresnel.html",
    anchor: null,
  });
  assert.doesNotMatch(doc.markdown, /file:|prepare_worker/);
});

Deno.test("withBaseUrl() resolves a page's own relative <base> against its URL", () => {
  const html = withBaseUrl('<html><head><base href="/docs/"></head><body></body></html>', PAGE_URL);
  assert.equal(
    html,
    '<html><head><base href="https://coast.example.org/docs/"></head><body></body></html>',
  );
  assert.equal(withBaseUrl("<p>x</p>", PAGE_URL), `<base href="${PAGE_URL}"><p>x</p>`);
});

Deno.test("readHtml() drops navigation, header and footer on a small page too", () => {
  const doc = readHtml(htmlInput(
    "<html><head><title>Harbour links</title></head><body>" +
      "<nav><a href='/a'>Menu A</a> <a href='/b'>Menu B</a></nav>" +
      "<h1>Harbour links</h1><ul><li><a href='/tides'>Tide tables</a></li><li>Weather</li></ul>" +
      "<footer>Footer note</footer><script>var x = 1;</script></body></html>",
  ));
  assert.equal(doc.title, "Harbour links");
  assert.match(doc.markdown, /Tide tables/);
  assert.match(doc.markdown, /Weather/);
  assert.ok(!doc.markdown.includes("Menu A"));
  assert.ok(!doc.markdown.includes("Footer note"));
  assert.ok(!doc.markdown.includes("var x"));
});

Deno.test("readHtml() falls back to the body without navigation when Readability finds nothing", () => {
  const doc = readHtml(htmlInput(
    "<html><head><title>Notice</title></head><body><nav><a href='/'>Home menu</a></nav>" +
      "<h1>Notice</h1><footer>Harbour office footer</footer><script>track()</script></body></html>",
  ));
  assert.deepEqual(doc.warnings, [
    "no main article found; converted the whole page without its navigation",
  ]);
  assert.equal(doc.title, "Notice");
  assert.equal(doc.markdown, "# Notice\n");
});

Deno.test("readHtml() titles an untitled page by its first line, without markdown syntax", () => {
  const doc = readHtml(htmlInput(
    "<html><body><p><a href='/tides'>Tide tables</a> for the north harbour, updated daily.</p></body></html>",
  ));
  assert.equal(doc.title, "Tide tables for the north harbour, updated daily.");
  // No known location: a relative link cannot be resolved and is plain text.
  assert.match(doc.markdown, /^Tide tables for the north harbour/);
});

Deno.test("readHtml() decodes with the charset the page declares", () => {
  const page = latin1(
    '<html><head><meta charset="windows-1252"><title>Caf\xe9 menu</title></head>' +
      "<body><p>Cr\xe8me br\xfbl\xe9e and caf\xe9 au lait are served all day.</p></body></html>",
  );
  const doc = readHtml(htmlInput(page));
  assert.equal(doc.title, "Café menu");
  assert.match(doc.markdown, /Crème brûlée and café au lait are served all day\./);
  assert.deepEqual(doc.warnings, []);
});

Deno.test("readHtml() refuses a page with no text as EMPTY", () => {
  assert.throws(
    () => readHtml(htmlInput("<html><head><script>x()</script></head><body> </body></html>")),
    { code: "EMPTY", message: "Cannot add 'page.html': the document is empty" },
  );
});
