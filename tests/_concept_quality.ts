/**
 * The measures of issue 12, written so that a reader can see what they
 * count: which concept labels are junk (precision) and whether a paper's
 * expected concepts are among its concepts (recall).
 *
 * A concept label is junk when it is:
 * - `generic`: a single word among the 5,000 most frequent words of
 *   general English by `npm:popular-english-words` (itself or its
 *   singular), e.g. "file", "version", "data";
 * - `date`: made only of weekday and month names (full or three-letter)
 *   and numbers ("Fri Apr", "March 2023"), or holding an ISO date;
 * - `version`: holding a version number ("2.39.0", "v2.2");
 * - `artifact`: text that is furniture, not content: an e-mail address or
 *   URL; trailer, licence, navigation, table-of-contents or venue
 *   boilerplate ("Reported-by", "Copyright", "Skip to content",
 *   "Table of contents", dot leaders, "General Commands Manual",
 *   "Proceedings", "Symposium"); or a word broken by hyphenation: two
 *   parts (joined by a hyphen or a space) that make a real word when
 *   joined while one part is no word, or is far rarer than the joined
 *   word ("imp-ortant", "numb er").
 *
 * @module
 */

import { conceptSlug, conceptWords } from "../prepare/compile/concept_slug.ts";
import { englishRank, GENERIC_RANK, isEnglishWord } from "../prepare/compile/english_words.ts";

/** Why a label is junk. */
export type LabelFlaw = "generic" | "date" | "version" | "artifact";

const DAY_OR_MONTH =
  /^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december|\d+)$/;
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/;
const VERSION = /(?:^|\s)v?\d+(?:\.\d+)+[a-z]?(?:\s|$)/i;
const BOILERPLATE =
  /@|https?:|www\.|\b[a-z]+-by\b|copyright|warranty|all rights reserved|general public licen|free software foundation|skip to|table of contents|\.{3,}|commands manual|proceedings|symposium|conference/i;

/** Tells whether `left` + `right` is one word broken apart. */
function isBrokenWord(left: string, right: string): boolean {
  const joined = englishRank(left + right);
  if (!isEnglishWord(left + right)) return false;
  if (!isEnglishWord(left) || !isEnglishWord(right)) return true;
  return joined * 10 < Math.max(englishRank(left), englishRank(right));
}

/** Returns why a concept label is junk, or null when it is fine. */
export function labelFlaw(label: string): LabelFlaw | null {
  const words = conceptWords(label);
  if (words.length === 0) return "artifact";
  if (BOILERPLATE.test(label)) return "artifact";
  if (ISO_DATE.test(label) || words.every((word) => DAY_OR_MONTH.test(word))) return "date";
  if (VERSION.test(label)) return "version";
  for (let i = 0; i + 1 < words.length; i++) {
    if (isBrokenWord(words[i], words[i + 1])) return "artifact";
  }
  if (words.length === 1) {
    const rank = Math.min(englishRank(words[0]), englishRank(conceptSlug(words[0])));
    if (rank <= GENERIC_RANK) return "generic";
  }
  return null;
}

/** A word's stem for matching: singular, without a final "e" and common endings. */
function stem(word: string): string {
  let out = conceptSlug(word);
  for (let i = 0; i < 2; i++) {
    out = out.replace(/(?:ing|ion|al|ed|ity|ance|ancy|ant|ence|ency|ent|e|s)$/, "");
  }
  return out;
}

/**
 * Tells whether a document's concept (by label) is a reasonable surface
 * form of an expected concept: the expected words appear in order, side by
 * side, in the label, compared by a crude stem that drops common endings
 * ("caching" ~ "cache", "observations" ~ "observational unit",
 * "partition tolerance" ~ "partition-tolerant", "self attention" ~
 * "self-attention").
 */
export function matchesExpected(label: string, expected: string): boolean {
  const have = conceptWords(label).map(stem);
  const want = conceptWords(expected).map(stem);
  for (let start = 0; start + want.length <= have.length; start++) {
    if (want.every((word, k) => have[start + k] === word)) return true;
  }
  return false;
}
