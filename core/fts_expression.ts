/**
 * Turns what a user types into `quire search` into a safe FTS5 MATCH
 * expression. Nothing the user types can reach FTS5's own syntax: every
 * word and phrase is sent as a double-quoted FTS5 string, so column filters
 * (`title:x`), `NEAR(…)`, `^`, `+`, parentheses and stray quotes are just
 * text, and no query can cause an FTS5 syntax error.
 *
 * The query language (choices made where the spec was silent):
 *
 * - Words are separated by whitespace; by default every word must match
 *   (`match: "all"`). With `match: "any"` (used to find pages for a
 *   natural-language question) any word may match and bm25 ranks documents
 *   with more, rarer words first.
 * - `"an exact phrase"` matches those words in that order; an unclosed quote
 *   runs to the end of the query.
 * - `OR` (uppercase, between two terms) matches either side and binds
 *   tighter than the implicit AND, as in web search engines:
 *   `solar OR wind turbine` is `(solar OR wind) AND turbine`. An `OR` with
 *   no term on one side is dropped.
 * - `AND`, `NOT`, `NEAR` and lowercase `or` are ordinary words to find.
 * - A word ending in `*` matches every word starting with it (`photo*`).
 * - A word or phrase with no letter or digit (`---`, `*`, `&&`) is ignored,
 *   since the tokenizer would drop it; a query left with no terms has no
 *   expression (the caller returns no hits).
 * - At most {@linkcode MAX_QUERY_TERMS} terms are used; the rest are ignored.
 *
 * @module
 */

/** Most terms (words and phrases) a query may use. */
export const MAX_QUERY_TERMS = 32;

/** One word or phrase of a parsed query. */
export interface QueryTerm {
  /** The text as typed, without quotes or a trailing `*`. */
  text: string;
  /** True for a quoted phrase. */
  phrase: boolean;
  /** True for a word ending in `*`. */
  prefix: boolean;
}

/** A query as an FTS5 expression, with the terms it was built from. */
export interface FtsExpression {
  /** The MATCH expression, safe to bind as a parameter. */
  expression: string;
  /** The terms used, in query order. */
  terms: QueryTerm[];
}

/** Options of {@linkcode ftsExpression}. */
export interface FtsExpressionOptions {
  /** Whether every term must match, or any one of them. @default "all" */
  match?: "all" | "any";
}

type Item = QueryTerm | "OR";

/** Characters the FTS5 `unicode61` tokenizer keeps in tokens. */
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;

function splitQuery(query: string): Item[] {
  const items: Item[] = [];
  const text = query.replace(/[\p{Cc}\p{Cf}]+/gu, " ");
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"') {
      const end = text.indexOf('"', i + 1);
      const stop = end === -1 ? text.length : end;
      items.push({ text: text.slice(i + 1, stop).trim(), phrase: true, prefix: false });
      i = stop + 1;
    } else {
      let j = i;
      while (j < text.length && !/\s/.test(text[j]) && text[j] !== '"') j++;
      const word = text.slice(i, j);
      if (word === "OR") items.push("OR");
      else {
        const stem = word.replace(/\*+$/, "");
        items.push({ text: stem, phrase: false, prefix: stem !== word });
      }
      i = j;
    }
  }
  return items;
}

function quote(term: QueryTerm): string {
  const body = `"${term.text.replaceAll('"', '""')}"`;
  return term.prefix ? `${body}*` : body;
}

/**
 * Parses a user's query (see the module doc for the language) into an FTS5
 * expression; returns null when the query has no searchable term.
 */
export function ftsExpression(
  query: string,
  options: FtsExpressionOptions = {},
): FtsExpression | null {
  const groups: QueryTerm[][] = [];
  const terms: QueryTerm[] = [];
  let orPending = false;
  let lastWasTerm = false;
  for (const item of splitQuery(query)) {
    if (item === "OR") {
      orPending = lastWasTerm;
      lastWasTerm = false;
      continue;
    }
    if (!TOKEN_CHAR.test(item.text)) continue;
    if (terms.length === MAX_QUERY_TERMS) break;
    terms.push(item);
    if (orPending && groups.length > 0) groups[groups.length - 1].push(item);
    else groups.push([item]);
    orPending = false;
    lastWasTerm = true;
  }
  if (terms.length === 0) return null;
  const joiner = options.match === "any" ? " OR " : " AND ";
  const expression = groups
    .map((group) =>
      group.length === 1 || options.match === "any"
        ? group.map(quote).join(" OR ")
        : `(${group.map(quote).join(" OR ")})`
    )
    .join(joiner);
  return { expression, terms };
}
