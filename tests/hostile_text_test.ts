/**
 * Text that was text stays text: hostile titles, descriptions, notes,
 * labels, headings and model-written summaries never become live HTML or
 * markdown structure in the pages Quire renders, and front matter stays
 * valid YAML (checked with npm:yaml, and against YAML's printable set) for
 * any title. Raw HTML that a markdown source contains stays in its
 * `sources/` page only.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
// @ts-types="npm:@types/markdown-it@14.2.0"
import MarkdownIt from "markdown-it";
import YAML from "yaml";
import {
  inlineText,
  neutralizeHtml,
  renderFrontMatter,
  wikilink,
  yamlString,
} from "../core/markdown.ts";
import type { CompiledDocument, ConvertedDocument } from "../core/types.ts";
import { renderSummaryPage } from "../commit/pages/render_summary_page.ts";
import { renderExplorationPage } from "../commit/save_exploration.ts";
import { runQuire, tempDir, writeFiles } from "./_helpers.ts";

/** Titles that break naive front matter or markdown. */
const HOSTILE = [
  'He said "hi": yes',
  "key: value # not a comment",
  "line one\nline two\r\nthree\rfour",
  "# not a heading",
  "- a list?",
  "[a, b]",
  "{a: b}",
  "& anchor",
  "* alias",
  "! tag",
  "%YAML 1.2",
  "@at `tick` | pipe > fold",
  "del \x7f here",
  "c1 \x80 \x85 \x9b \x9f",
  "lone \ud800 high",
  "lone \udc00 low",
  "\u2028 line and paragraph \u2029 separators",
  "\ufeff byte order mark",
  "noncharacters \ufffe \uffff",
  "tab\tnul \x00 esc \x1b bell \x07",
  "yes",
  "null",
  "123",
  "1e400",
  "~",
  "",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "&lt;script&gt; and &#60;b&#62;",
  "]] [[summaries/other|spoof]] |",
  "x".repeat(100_000),
];

/** YAML 1.2's printable characters (c-printable). */
const YAML_PRINTABLE = /^[\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;

const FRONT_MATTER = /^---\n([\s\S]*?)\n---\n/;

function frontMatterOf(page: string): { text: string; data: Record<string, unknown> } {
  const match = FRONT_MATTER.exec(page);
  assert.ok(match, "the page starts with a front matter block");
  assert.match(match[1], YAML_PRINTABLE, "front matter holds only YAML-printable characters");
  return { text: match[1], data: YAML.parse(match[1]) as Record<string, unknown> };
}

const md = new MarkdownIt({ html: true });

/** Every piece of raw HTML a CommonMark renderer finds in a page, front matter left out. */
function rawHtml(page: string): string[] {
  const body = page.replace(FRONT_MATTER, "");
  const found: string[] = [];
  const visit = (tokens: ReturnType<typeof md.parse>) => {
    for (const token of tokens) {
      if (token.type === "html_inline" || token.type === "html_block") {
        // Quire's own markers on concept pages are comments, and allowed.
        if (!/^<!-- quire:(begin|end)/.test(token.content.trim())) found.push(token.content);
      }
      if (token.children) visit(token.children);
    }
  };
  visit(md.parse(body, {}));
  return found;
}

Deno.test("yamlString() and renderFrontMatter() stay valid YAML and read back for any title", () => {
  for (const title of HOSTILE) {
    const page = renderFrontMatter({
      title,
      aliases: [title, "plain"],
      notes: [{ slug: "s", label: title, score: 0.5, prominent: true, note: title }],
      bytes: 12,
    });
    const { data } = frontMatterOf(page);
    const expected = title.toWellFormed();
    assert.equal(data.title, expected, JSON.stringify(title.slice(0, 40)));
    assert.deepEqual(data.aliases, [expected, "plain"]);
    assert.deepEqual(data.notes, [
      { slug: "s", label: expected, score: 0.5, prominent: true, note: expected },
    ]);
    assert.equal(data.bytes, 12);
    assert.equal(yamlString(title).includes("\n"), false);
  }
});

Deno.test("inlineText() and wikilink() keep hostile text as one line of text", () => {
  for (const title of HOSTILE) {
    const line = `- ${wikilink("summaries/x", title)} — ${inlineText(title)}`;
    assert.equal(line.includes("\n"), false);
    assert.deepEqual(rawHtml(line), [], JSON.stringify(title.slice(0, 40)));
    // The label cannot end the link early or add a second one.
    assert.equal(line.match(/\[\[/g)?.length, 1, line.slice(0, 80));
  }
  assert.equal(inlineText("1. not a list"), "1\\. not a list");
  assert.equal(inlineText("> not a quote"), "\\> not a quote");
  assert.equal(inlineText("AT&T &amp; co"), "AT&T \\&amp; co");
  assert.equal(wikilink("concepts/c", "a <b>|c]]"), "[[concepts/c|a \\<b\\>c]]");
});

Deno.test("neutralizeHtml() makes raw HTML text outside fenced code only", () => {
  const text = [
    "A summary with <script>alert(1)</script> and <img src=x onerror=y>.",
    "Already escaped \\<b> stays; an escaped backslash \\\\<i>x</i> does not hide a tag.",
    "<div onclick='x'>block</div>",
    "<!-- a comment -->",
    "```html",
    "<b>code stays code</b>",
    "```",
    "<http://autolink.example>",
  ].join("\n");
  const safe = neutralizeHtml(text);
  assert.deepEqual(rawHtml(safe), []);
  assert.match(safe, /\n<b>code stays code<\/b>\n/);
  assert.match(safe, /Already escaped \\<b> stays/);
  assert.match(md.render(safe), /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

function hostileDocument(title: string): Omit<ConvertedDocument, "markdown"> {
  return {
    type: "markdown",
    ext: "md",
    title,
    sections: [
      { title, level: 1, summary: title, children: [] },
      { title: "Plain heading", level: 1, children: [] },
      { title: "<b>bold</b> heading", level: 1, children: [] },
    ],
    warnings: [title],
    facts: { [title.slice(0, 50)]: title },
  };
}

function hostileCompiled(title: string): CompiledDocument {
  return {
    compiler: "llm",
    description: title,
    summary: `The model wrote <script>alert(1)</script> about ${title}.\n\n- <img src=x onerror=y>`,
    keyPhrases: [],
    concepts: [
      { slug: "a", label: title, note: title, score: 1, prominent: true },
      { slug: "b", label: title, note: title, score: 0.5, prominent: false },
    ],
  };
}

Deno.test("renderSummaryPage() keeps hostile document text as text and its front matter valid", () => {
  for (const title of HOSTILE) {
    const page = renderSummaryPage({
      name: "doc",
      source: `/in/${title}`,
      origin: "file",
      hash: "ab".repeat(32),
      bytes: 5,
      addedAt: "2026-01-02T03:04:05Z",
      updatedAt: "2026-01-02T03:04:05Z",
      ext: "md",
      document: hostileDocument(title),
      compiled: hostileCompiled(title),
      linkProminent: true,
    });
    const label = JSON.stringify(title.slice(0, 40));
    assert.deepEqual(rawHtml(page), [], label);
    const { data } = frontMatterOf(page);
    assert.equal(data.title, title.toWellFormed(), label);
    assert.equal(data.description, title.toWellFormed(), label);
    assert.equal(data.source, `/in/${title}`.toWellFormed());
    assert.deepEqual(
      (data.concept_notes as { label: string }[]).map((c) => c.label),
      [title.toWellFormed(), title.toWellFormed()],
    );
    // A heading with markup is shown as text, not used as a link anchor.
    assert.doesNotMatch(page, /\[\[sources\/doc#<b>/);
  }
});

Deno.test("renderExplorationPage() keeps a hostile question and answer as text", () => {
  for (const question of HOSTILE.filter((q) => q.trim() !== "")) {
    const page = renderExplorationPage({
      question,
      answer: "See <iframe src=x></iframe> and [[summaries/doc]].",
      citations: ["summaries/doc"],
    }, "2026-01-02T03:04:05Z");
    assert.deepEqual(rawHtml(page), []);
    assert.equal(typeof frontMatterOf(page).data.question, "string");
  }
});

/** Walks a folder and returns its files, relative. */
function filesUnder(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.isDirectory) {
      out.push(...filesUnder(join(dir, entry.name), `${prefix}${entry.name}/`));
    } else out.push(prefix + entry.name);
  }
  return out.sort();
}

Deno.test("add keeps hostile titles and raw HTML out of every page Quire generates", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  await writeFiles(dir.path, {
    "in/evil.md": "# <img src=x onerror=alert(1)> Harbour & <b>tides</b> \x7f \x85 \x9b\n\n" +
      "The harbour pilot guides every vessel to its berth <script>alert(1)</script> at high tide.\n\n" +
      '<div onclick="steal()">A raw HTML block about the harbour pilot.</div>\n\n' +
      "## Heading <i>with</i> tags\n\nThe harbour pilot boards the vessel at the buoy.\n",
    "in/brackets.md": '# ]] [[summaries/evil|spoof]] | pipes: "quotes" # hash\n\n' +
      "The harbour pilot checks the cargo crane at the quay before the tide turns.\n",
    "in/entities.md": "# &lt;script&gt;alert(1)&lt;/script&gt;\n\n" +
      "Escaped text about the harbour pilot and the cargo crane on the quay.\n",
  });
  const added = await runQuire(["--kb", kb, "add", join(dir.path, "in")]);
  assert.equal(added.code, 0, added.stderr);

  const wiki = join(kb, "wiki");
  const pages = filesUnder(wiki).filter((p) => p.endsWith(".md"));
  assert.ok(pages.some((p) => p.startsWith("concepts/")), `concept pages: ${pages}`);
  for (const page of pages) {
    const text = await Deno.readTextFile(join(wiki, page));
    if (page.startsWith("sources/")) continue;
    assert.deepEqual(rawHtml(text), [], page);
    if (page.startsWith("summaries/") || page.startsWith("concepts/")) frontMatterOf(text);
  }
  const summary = frontMatterOf(await Deno.readTextFile(join(wiki, "summaries", "evil.md")));
  assert.equal(summary.data.title, "Harbour & tides \x7f \x85 \x9b");
  // The document's own raw HTML stays in its sources page.
  assert.match(
    await Deno.readTextFile(join(wiki, "sources", "evil.md")),
    /<div onclick="steal\(\)">/,
  );
  const index = await Deno.readTextFile(join(wiki, "index.md"));
  assert.match(index, /\[\[summaries\/entities\|\\<script\\>alert\(1\)\\<\/script\\>\]\]/);
  const lint = await runQuire(["--kb", kb, "lint"]);
  assert.equal(lint.code, 0, lint.stdout + lint.stderr);
});
