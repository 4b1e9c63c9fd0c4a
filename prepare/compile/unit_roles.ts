/**
 * What each text unit is for a reader, so that concept material and notes
 * come from the document's own prose and not from its furniture.
 *
 * - `boilerplate` (never concept material, never a note):
 *   - licence and copyright text (a paragraph with "WITHOUT ANY
 *     WARRANTY", "General Public License", "Permission is hereby
 *     granted", "All rights reserved", "Copyright (C) 2024"…, the whole
 *     paragraph);
 *   - e-mail trailers and signatures: "Signed-off-by:", "Reported-by:"
 *     and other `Xxx-by:` lines, mail headers, a Debian changelog's
 *     " -- Name <address>  date" line, and any short unit (12 words or
 *     fewer) holding an e-mail address;
 *   - table-of-contents lines (dot leaders before a page number);
 *   - lines repeated at least three times, digits aside (running page
 *     headers and footers, "Default: false", "Noteworthy changes in
 *     version 2.2.40");
 *   - everything under a "See also", "Table of contents", "Navigation" or
 *     similar heading, up to the next heading as high or higher.
 * - `reference`: the reference list (from a "References" or
 *   "Bibliography" unit up to the next heading as high or higher, or the
 *   end) and units shaped like reference entries ("[12] A. Author…").
 *   Not concept material, never a note.
 * - `formula`: a unit whose tokens are more than two thirds symbols,
 *   numbers and one- or two-letter names (an equation or a table of numbers extracted as
 *   text: "H = − K ∑ pi log pi"): counted (names in formulas matter:
 *   "BM25(k1, b)"), but never a note or a summary sentence.
 * - `caption` ("Figure 3: …", "Table 2. …") and `footnote` (a unit that
 *   starts with a footnote mark: `*`, `∗`, `†`, `‡`, `§`, `¶`): concept
 *   material, but a note only when nothing else mentions the concept.
 * - `body`: everything else.
 *
 * All rules look at a unit's shape, never at the words of a particular
 * corpus.
 *
 * @module
 */

import type { TextUnit } from "./sentences.ts";

/** What a unit is for a reader. */
export type UnitRole = "body" | "caption" | "footnote" | "reference" | "formula" | "boilerplate";

const LICENCE =
  /without any warranty|merchantability|fitness for a particular purpose|redistribute it and\/or modify|general public licen[cs]e|permission is hereby granted|all rights reserved|licensed under the|under the terms of the|copyright\s*(?:\(c\)|©|\d{4})|free software foundation|creative commons/i;
const TRAILER = /^(?:[A-Z][A-Za-z]*(?:-[A-Za-z]+)*-by|cc|from|to|date|subject|message-id):\s/i;
const CHANGELOG_SIGNATURE = /^-- .*<[^<>\s]+@[^<>\s]+>/;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+\.[\p{L}\p{N}.-]+/u;
const DOT_LEADER = /(?:(?:\.\s?){4,}|…{2,})\s*[\divxlc]*\s*$/i;
const REFERENCE_HEADING =
  /^(?:[\dIVX]+\.?\s+)?(?:references|bibliography|works cited|literature cited)$/i;
const NAVIGATION_HEADING =
  /^(?:see also|related (?:pages|topics|articles|links)|table of contents|contents|navigation|on this page|in this article)$/i;
const REFERENCE_ENTRY = /^\[(?:\d{1,3}|[A-Z][A-Za-z+-]*\d{2,4}[a-z]?)\]\s/;
const CAPTION = /^(?:fig(?:ure)?|table|listing|algorithm)\.?\s*\d+[.:]/i;
const FOOTNOTE = /^[*∗†‡§¶]/;
const MATH = /[\d∑∏∫√≤≥≈±×÷∞−]/u;
const MATH_ASCII = new Uint8Array(128);
for (const char of "=+<>^_|") MATH_ASCII[char.charCodeAt(0)] = 1;
const REPEATS = 3;
const SHORT_WORDS = 12;

/** Tells whether more than two thirds of a unit's tokens are symbols, numbers or short names. */
function isFormula(text: string): boolean {
  let tokens = 1;
  let mathy = 0;
  let length = 0;
  let symbol = false;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 32;
    if (code === 32) {
      if (length > 0 && (length <= 2 || symbol)) mathy++;
      if (i < text.length) tokens++;
      length = 0;
      symbol = false;
    } else {
      length++;
      if ((code >= 48 && code <= 57) || code > 127 ? MATH.test(text[i]) : MATH_ASCII[code]) {
        symbol = true;
      }
    }
  }
  return tokens >= 3 && mathy * 3 > tokens * 2;
}

function wordCount(text: string): number {
  let words = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 32) words++;
  return words;
}

/** The heading level of a unit, or 0 (a heading without a level counts as level 1). */
function headingLevel(unit: TextUnit, levels: number[]): number {
  return unit.kind === "heading" ? levels[unit.block] || 1 : 0;
}

/** Options of {@linkcode unitRoles}. */
export interface UnitRolesOptions {
  /** Heading level by block index (from the plain blocks); missing means 1. @default [] */
  levels?: number[];
}

/** Returns the role of each unit, in order. */
export function unitRoles(units: TextUnit[], options: UnitRolesOptions = {}): UnitRole[] {
  const levels = options.levels ?? [];
  const roles: UnitRole[] = units.map(() => "body");
  const counts = new Map<string, number>();
  const keys = units.map((unit) => {
    if (wordCount(unit.text) > SHORT_WORDS) return "";
    const key = unit.text.toLowerCase().replace(/\d+/g, "#");
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return key;
  });
  const licenceBlocks = new Set<number>();
  for (const unit of units) if (LICENCE.test(unit.text)) licenceBlocks.add(unit.block);

  let skipUntilLevel = 0;
  let skipRole: UnitRole = "body";
  for (let u = 0; u < units.length; u++) {
    const unit = units[u];
    const text = unit.text;
    const level = headingLevel(unit, levels);
    if (skipUntilLevel > 0 && level > 0 && level <= skipUntilLevel) skipUntilLevel = 0;
    const bare = text.replace(/[:.]$/, "").trim();
    if (REFERENCE_HEADING.test(bare)) {
      skipUntilLevel = level || 1;
      skipRole = "reference";
      roles[u] = "reference";
      continue;
    }
    if (level > 0 && NAVIGATION_HEADING.test(bare)) {
      skipUntilLevel = level;
      skipRole = "boilerplate";
      roles[u] = "boilerplate";
      continue;
    }
    if (skipUntilLevel > 0) {
      roles[u] = skipRole;
    } else if (
      licenceBlocks.has(unit.block) || TRAILER.test(text) || CHANGELOG_SIGNATURE.test(text) ||
      DOT_LEADER.test(text) || (keys[u] !== "" && (counts.get(keys[u]) ?? 0) >= REPEATS) ||
      (keys[u] !== "" && EMAIL.test(text))
    ) {
      roles[u] = "boilerplate";
    } else if (REFERENCE_ENTRY.test(text)) {
      roles[u] = "reference";
    } else if (isFormula(text)) {
      roles[u] = "formula";
    } else if (CAPTION.test(text)) {
      roles[u] = "caption";
    } else if (FOOTNOTE.test(text)) {
      roles[u] = "footnote";
    }
  }
  return roles;
}
