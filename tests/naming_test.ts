import assert from "node:assert/strict";
import { fileStem, MAX_NAME_LENGTH, safeName, uniqueName } from "../core/naming.ts";
import { conceptSlug } from "../prepare/compile/concept_slug.ts";

Deno.test("safeName() keeps names inside the knowledge base whatever the hint", () => {
  assert.equal(safeName("../../etc/passwd"), "etc-passwd");
  assert.equal(safeName("a/b\\c"), "a-b-c");
  assert.equal(safeName("line\nbreak\u0000nul"), "line-break-nul");
  assert.equal(safeName("..."), "document");
  assert.equal(safeName(""), "document");
  assert.equal(safeName("Ünïcode Ｆｕｌｌｗｉｄｔｈ"), "ünïcode-fullwidth");
  assert.equal(safeName("CON"), "con-doc");
  assert.equal(safeName("Report"), safeName("report"));
  const long = safeName("x".repeat(300));
  assert.equal(long.length, MAX_NAME_LENGTH);
  const emoji = safeName("𝒜".repeat(100));
  assert.ok(emoji.length <= MAX_NAME_LENGTH, `${emoji.length}`);
});

Deno.test("uniqueName() appends -2, -3… and stays within the length limit", () => {
  const taken = new Set(["a", "a-2"]);
  assert.equal(uniqueName("a", (n) => taken.has(n)), "a-3");
  const base = "y".repeat(MAX_NAME_LENGTH);
  const next = uniqueName(base, (n) => n === base);
  assert.equal(next, "y".repeat(MAX_NAME_LENGTH - 2) + "-2");
});

Deno.test("fileStem() drops folders and the last extension", () => {
  assert.equal(fileStem("/a/b/report.final.md"), "report.final");
  assert.equal(fileStem("C:\\docs\\x.txt"), "x");
  assert.equal(fileStem(".hidden"), ".hidden");
});

Deno.test("conceptSlug() maps case, punctuation and English plurals to one slug", () => {
  assert.equal(conceptSlug("Vector Databases"), "vector-database");
  assert.equal(conceptSlug("vector-database"), "vector-database");
  assert.equal(conceptSlug("Policies"), "policy");
  assert.equal(conceptSlug("analysis"), "analysis");
  assert.equal(conceptSlug("Boxes"), "box");
  assert.equal(conceptSlug("!!!"), "");
  assert.equal(conceptSlug("Datenbanken", "de"), "datenbanken");
});
