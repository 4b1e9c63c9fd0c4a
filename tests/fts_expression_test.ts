import assert from "node:assert/strict";
import { ftsExpression, MAX_QUERY_TERMS } from "../core/fts_expression.ts";

Deno.test("ftsExpression() quotes every word and joins them with AND", () => {
  assert.equal(ftsExpression("solar  panels")?.expression, '"solar" AND "panels"');
});

Deno.test("ftsExpression() keeps a quoted phrase as one term", () => {
  const parsed = ftsExpression('"battery storage" grid');
  assert.equal(parsed?.expression, '"battery storage" AND "grid"');
  assert.deepEqual(parsed?.terms.map((t) => [t.text, t.phrase]), [
    ["battery storage", true],
    ["grid", false],
  ]);
});

Deno.test("ftsExpression() runs an unclosed quote to the end of the query", () => {
  assert.equal(ftsExpression('wind "offshore farms')?.expression, '"wind" AND "offshore farms"');
});

Deno.test("ftsExpression() groups OR tighter than the implicit AND", () => {
  assert.equal(
    ftsExpression("solar OR wind turbine")?.expression,
    '("solar" OR "wind") AND "turbine"',
  );
  assert.equal(ftsExpression("a OR b OR c")?.expression, '("a" OR "b" OR "c")');
});

Deno.test("ftsExpression() drops an OR with no term on one side", () => {
  assert.equal(ftsExpression("OR solar OR")?.expression, '"solar"');
  assert.equal(ftsExpression("solar OR OR wind")?.expression, '"solar" AND "wind"');
});

Deno.test("ftsExpression() treats AND, NOT, NEAR and lowercase or as words", () => {
  assert.equal(
    ftsExpression("cats AND NOT dogs or NEAR")?.expression,
    '"cats" AND "AND" AND "NOT" AND "dogs" AND "or" AND "NEAR"',
  );
});

Deno.test("ftsExpression() turns a trailing * into a prefix term", () => {
  const parsed = ftsExpression("photo** cell");
  assert.equal(parsed?.expression, '"photo"* AND "cell"');
  assert.equal(parsed?.terms[0].prefix, true);
});

Deno.test("ftsExpression() keeps FTS5 syntax characters inside the quotes", () => {
  assert.equal(
    ftsExpression("title:solar NEAR(a b) ^start +x (y) {z}")?.expression,
    '"title:solar" AND "NEAR(a" AND "b)" AND "^start" AND "+x" AND "(y)" AND "{z}"',
  );
});

Deno.test("ftsExpression() ignores terms with no letter or digit", () => {
  assert.equal(ftsExpression('*  ---  &&  ""  "  "')?.expression, undefined);
  assert.equal(ftsExpression("")?.expression, undefined);
  assert.equal(ftsExpression("  \t\n ")?.expression, undefined);
  assert.equal(ftsExpression("- solar -")?.expression, '"solar"');
});

Deno.test("ftsExpression() strips control characters", () => {
  assert.equal(ftsExpression("sol\u0000ar\u200b")?.expression, '"sol" AND "ar"');
});

Deno.test("ftsExpression() joins every term with OR when match is any", () => {
  assert.equal(
    ftsExpression('what is "battery storage" OR grid', { match: "any" })?.expression,
    '"what" OR "is" OR "battery storage" OR "grid"',
  );
});

Deno.test("ftsExpression() uses at most MAX_QUERY_TERMS terms", () => {
  const words = Array.from({ length: MAX_QUERY_TERMS + 10 }, (_, i) => `w${i}`);
  const parsed = ftsExpression(words.join(" "));
  assert.equal(parsed?.terms.length, MAX_QUERY_TERMS);
  assert.ok(parsed?.expression.endsWith(`"w${MAX_QUERY_TERMS - 1}"`));
});
