import assert from "node:assert/strict";
import { join } from "node:path";
import {
  LinkTable,
  linkTarget,
  markdownWithPlaceholders,
  withoutPlaceholders,
} from "../prepare/read/document_links.ts";
import { headingForAnchor } from "../commit/resolve_links.ts";
import { runQuire, tempDir, writeFiles } from "./_helpers.ts";

const PAGES: Record<string, string> = {
  "in/a.html": `<!DOCTYPE html><html><head><title>Alpha page | Docs</title></head><body><main>
<h1>Alpha page</h1>
<p>See <a href="b.html#usage">the usage of beta</a>, <a href="#details">details below</a>,
<a href="#nowhere">a lost anchor</a>, <a href="missing.html">a missing page</a>,
<a href="javascript:alert(1)">a script</a>, <a href="https://example.com/x#y">an external site</a>
and <a href="sub/c.md">the notes</a>. <img src="pic.png" alt="a picture"></p>
<h2 id="details">Details <a class="headerlink" href="#details" title="Permalink to this heading">¶</a></h2>
<p>Text of the details section, long enough to be content for Readability to keep it.</p>
<pre><input type="radio"><code class="language-js cjs">const a = require("a");
a();</code><code class="language-js mjs">import a from "a";
a();</code></pre></main></body></html>`,
  "in/b.html": `<!DOCTYPE html><html><head><title>Beta: the second page</title></head><body><main>
<h1>Beta: the second page</h1><p>Back to <a href="a.html">alpha</a>.</p>
<h2 id="usage">Usage<a class="anchor" href="#usage" aria-hidden="true">#</a></h2>
<p>How to use beta, described at some length so that there is content here.</p></main></body></html>`,
  "in/sub/c.md":
    "# Notes\n\nLinks to [alpha](../a.html#details) and [beta](../b.html) and [gone](gone.md).\n\n```\n[not](a.html)\n```\n",
};

Deno.test("linkTarget() resolves against the document, never against Quire's own module", () => {
  const base = "file:///docs/guide/a.html";
  assert.deepEqual(linkTarget("#s", base), { target: "", anchor: "s" });
  assert.deepEqual(linkTarget("a.html#s", base), { target: "", anchor: "s" });
  assert.deepEqual(linkTarget("../o.html", base), { target: "/docs/o.html", anchor: null });
  assert.deepEqual(linkTarget("https://x.org/p#q", base), {
    target: "https://x.org/p",
    anchor: "q",
  });
  assert.deepEqual(linkTarget("b.html", "https://x.org/d/a.html"), {
    target: "https://x.org/d/b.html",
    anchor: null,
  });
  for (const href of ["javascript:alert(1)", "data:text/html,x", "mailto:a@b.c"]) {
    assert.equal(linkTarget(href, base), null);
  }
  assert.equal(linkTarget("o.html", undefined), null);
});

Deno.test("an escaped bracket starts no link, and its placeholder label is found whatever precedes it", () => {
  const table = new LinkTable("file:///docs/a.md");
  const markdown = [
    String.raw`\[not a link](b.md) and \![not an image](c.png)`,
    String.raw`a backslash \\[then a link](b.md), \[x] [two](c.md#s)`,
    String.raw`${"\\[y] ".repeat(3)}[last](https://example.com/)`,
  ].join("\n");
  const staged = markdownWithPlaceholders(markdown, table);
  assert.equal(
    staged,
    [
      // `\!` is a literal "!" before a link to the file c.png.
      String.raw`\[not a link](b.md) and \![not an image](quire-link:0)`,
      String.raw`a backslash \\[then a link](quire-link:1), \[x] [two](quire-link:2)`,
      String.raw`${"\\[y] ".repeat(3)}[last](quire-link:3)`,
    ].join("\n"),
  );
  assert.deepEqual(table.links.map((link) => link.anchor), [null, null, "s", null]);
  assert.equal(
    withoutPlaceholders(staged),
    [
      String.raw`\[not a link](b.md) and \!not an image`,
      String.raw`a backslash \\then a link, \[x] two`,
      String.raw`${"\\[y] ".repeat(3)}last`,
    ].join("\n"),
  );
});

Deno.test("headingForAnchor() matches ids, slugs and heading text", () => {
  const sections = [{
    title: "Getting started",
    level: 1,
    ids: ["start"],
    children: [{ title: "npm run <user defined>", level: 2, children: [] }],
  }];
  assert.equal(headingForAnchor(sections, "start"), "Getting started");
  assert.equal(headingForAnchor(sections, "getting-started"), "Getting started");
  // A heading with markup characters is never a link target (a wikilink's
  // target cannot be escaped, so `<…>` would be raw HTML in a generated page).
  assert.equal(headingForAnchor(sections, "npm-run-user-defined"), null);
  assert.equal(headingForAnchor(sections, "elsewhere"), null);
});

Deno.test("add turns links between documents of a folder into wikilinks, the rest into text", async () => {
  await using dir = await tempDir();
  await writeFiles(dir.path, PAGES);
  const outputs: string[] = [];
  for (const jobs of ["1", "2"]) {
    const kb = join(dir.path, `kb${jobs}`);
    const add = await runQuire(["--kb", kb, "add", "--jobs", jobs, join(dir.path, "in")], {
      env: { SOURCE_DATE_EPOCH: "1700000000" },
    });
    assert.equal(add.code, 0, add.stderr);
    const a = await Deno.readTextFile(join(kb, "wiki/sources/a.md"));
    assert.match(a, /\[\[sources\/b#Usage\|the usage of beta\]\]/); // Later in the batch.
    assert.match(a, /\[\[sources\/a#Details\|details below\]\]/);
    assert.match(a, / a lost anchor, a missing page, a script, /);
    assert.match(a, /\[an external site\]\(<https:\/\/example\.com\/x#y>\)/);
    assert.match(a, /\[\[sources\/c\|the notes\]\]/);
    assert.match(a, /^## Details$/m);
    assert.match(a, /```js\nconst a = require\("a"\);\na\(\);\n```\n\n```js\nimport a from "a";/);
    const c = await Deno.readTextFile(join(kb, "wiki/sources/c.md"));
    assert.match(
      c,
      /Links to \[\[sources\/a#Details\|alpha\]\] and \[\[sources\/b\|beta\]\] and gone\./,
    );
    assert.match(c, /```\n\[not\]\(a\.html\)\n```/);
    const b = await Deno.readTextFile(join(kb, "wiki/summaries/b.md"));
    assert.match(b, /^title: "Beta: the second page"$/m);
    let all = "";
    for await (const entry of Deno.readDir(join(kb, "wiki/sources"))) {
      all += await Deno.readTextFile(join(kb, "wiki/sources", entry.name));
    }
    assert.doesNotMatch(all, /file:|¶|quire-link:|prepare_worker/);
    const lint = await runQuire(["--kb", kb, "lint"]);
    assert.equal(lint.code, 0, lint.stdout + lint.stderr);
    outputs.push(a + c);
  }
  assert.equal(outputs[0], outputs[1]);
});
