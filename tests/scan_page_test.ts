import assert from "node:assert/strict";
import { headingKey, headingText, parseWikilink, scanPage } from "../core/scan_page.ts";

Deno.test("scanPage() reads every wikilink form with its line", () => {
  const page = [
    "# Title",
    "See [[index]], [[summaries/a|A]] and [[sources/a#Intro|intro]].",
    "Embed ![[images/x.png]] and [[#Local heading]].",
    "| col | [[concepts/b\\|B]] |",
  ].join("\n");
  const links = scanPage(page).links.map((l) => [l.raw, l.target, l.anchor, l.label, l.line]);
  assert.deepEqual(links, [
    ["[[index]]", "index", null, null, 2],
    ["[[summaries/a|A]]", "summaries/a", null, "A", 2],
    ["[[sources/a#Intro|intro]]", "sources/a", "Intro", "intro", 2],
    ["![[images/x.png]]", "images/x.png", null, null, 3],
    ["[[#Local heading]]", "", "Local heading", null, 3],
    ["[[concepts/b\\|B]]", "concepts/b", null, "B", 4],
  ]);
});

Deno.test("scanPage() skips links in code blocks, code spans and front matter", () => {
  const page = [
    "---",
    'title: "[[in-front-matter]]"',
    "---",
    "Text `[[in-span]]` and ``a [[double-span]] b`` then [[real]].",
    "",
    "```md",
    "[[in-fence]]",
    "```",
    "",
    "~~~~",
    "```",
    "[[in-tilde-fence]]",
    "~~~~",
    "",
    "    [[indented-code]]",
    "",
    "- list item",
    "",
    "    [[list-continuation]]",
    "",
    "\\[[escaped]] and [[]]",
  ].join("\n");
  assert.deepEqual(scanPage(page).links.map((l) => l.target), ["real", "list-continuation"]);
});

Deno.test("scanPage() reads ATX and setext headings but not hashtags", () => {
  const page = [
    "---",
    "title: x",
    "---",
    "# One",
    "## Two ##",
    "#hashtag is not a heading",
    "",
    "Setext three",
    "============",
    "",
    "> ## Quoted",
    "- # In a list",
    "```",
    "# Not in code",
    "```",
    "Para line",
    "---",
  ].join("\n");
  assert.deepEqual(scanPage(page).headings, [
    "One",
    "Two",
    "Setext three",
    "Quoted",
    "In a list",
    "Para line",
  ]);
});

Deno.test("parseWikilink() takes the last anchor and drops an escaped pipe", () => {
  assert.deepEqual(parseWikilink("a#b#c|label"), { target: "a", anchor: "c", label: "label" });
  assert.deepEqual(parseWikilink("a\\|x"), { target: "a", anchor: null, label: "x" });
  assert.equal(parseWikilink(" # "), null);
});

Deno.test("headingKey() ignores case, punctuation and spacing", () => {
  assert.equal(headingKey("Installation: Roofs & Costs"), headingKey("installation roofs costs"));
  assert.equal(headingKey("Ünïcödé  Héading"), "ünïcödéhéading");
  assert.equal(headingKey(" --- "), "---");
});

Deno.test("headingText() drops inline markdown, tags and entities", () => {
  assert.equal(
    headingText("[Linked](http://x.y) <b>bold</b> &amp; &#65;"),
    "Linked bold & A",
  );
});
