/**
 * Concept normalisation: the same idea written by two documents ("Vector
 * databases", "vector database", "Vector-Database") lands on one page.
 *
 * The slug is the phrase in NFKC lowercase, with punctuation (hyphens
 * included, so "self-attention" and "self attention" meet) turned into word
 * breaks, and, for English, every word made singular by
 * {@linkcode singularSurface}. Both compilers (offline and LLM) go through this
 * one function, so documents agree on slugs.
 *
 * @module
 */

import pluralize from "pluralize";
import { englishRank, UNKNOWN_RANK, WORD_RANK } from "./english_words.ts";

const WORD_BREAK = /[^\p{L}\p{N}]+/gu;
const HAS_DIGIT = /\p{N}/u;
const ALL_CAPS = /^[\p{Lu}\p{N}]*\p{Lu}[\p{Lu}\p{N}]*$/u;
const CAPS_PLURAL = /^\p{Lu}[\p{Lu}\p{N}]+s$/u;
const MIXED_CASE = /\p{Ll}\p{Lu}/u;
/** A singular this much rarer than its plural is the wrong lemma ("datum" for "data"). */
const RARER_SINGULAR = 2;

/**
 * Returns the singular of a lowercase English word.
 *
 * `npm:pluralize` proposes the singular (irregular plurals, "-ies",
 * "-ches", uncountables like "series"); the general-English word list
 * checks it, because a name ending in -s is no plural: the singular is
 * taken only when it is a real word (see `english_words.ts`) at most twice
 * as rare as the word as written ("workspaces" → "workspace", "caches" →
 * "cache", but "data", "Paxos", "Redis", "coreutils", "chaos" stay). A
 * word with no real-word singular is left as written. Words with digits ("e2fsprogs") and words of three
 * letters or fewer are never changed.
 */
export function singularWord(word: string): string {
  if (word.length <= 3 || HAS_DIGIT.test(word)) return word;
  let singular = singulars.get(word);
  if (singular === undefined) {
    if (singulars.size >= SINGULARS_KEPT) singulars.clear();
    singular = findSingular(word);
    singulars.set(word, singular);
  }
  return singular;
}

/**
 * Words already made singular, in this thread: `pluralize` tries its rules
 * one regular expression at a time, and a batch's documents share most of
 * their words. Cleared when it reaches {@linkcode SINGULARS_KEPT} words.
 */
const singulars = new Map<string, string>();
const SINGULARS_KEPT = 100_000;

function findSingular(word: string): string {
  const candidates = [pluralize.singular(word)];
  if (word.endsWith("s") && !word.endsWith("ss")) candidates.push(word.slice(0, -1));
  let best = "";
  let bestRank = UNKNOWN_RANK;
  for (const candidate of candidates) {
    if (candidate === word || candidate.length < 2) continue;
    const rank = englishRank(candidate);
    if (rank <= WORD_RANK && rank < bestRank) [best, bestRank] = [candidate, rank];
  }
  if (best !== "" && bestRank <= englishRank(word) * RARER_SINGULAR) return best;
  return word;
}

/**
 * Returns the normalised (lowercase, singular) form of one English word as
 * written. The writing decides whether it can be a plural: an acronym in
 * capitals stays ("HDFS", "NFS"), an acronym with a plural `s` loses it
 * ("APIs" → "api"), a name in mixed case stays ("macOS", "ZooKeeper");
 * other words go through {@linkcode singularWord}.
 */
export function singularSurface(word: string): string {
  const lower = word.toLowerCase();
  if (ALL_CAPS.test(word) || MIXED_CASE.test(word)) return lower;
  if (CAPS_PLURAL.test(word)) return lower.slice(0, -1);
  return singularWord(lower);
}

/** Splits a phrase into normalised lowercase words. */
export function conceptWords(phrase: string): string[] {
  return phrase.normalize("NFKC").toLowerCase().split(WORD_BREAK).filter((w) => w !== "");
}

/**
 * Returns the concept slug of a phrase: lowercase words joined by `-`, each
 * singular when `language` is English. Returns "" when the phrase has no
 * letters or digits.
 */
export function conceptSlug(phrase: string, language = "en"): string {
  const words = phrase.normalize("NFKC").split(WORD_BREAK).filter((w) => w !== "");
  if (words.length === 0) return "";
  const english = language.toLowerCase().split(/[-_]/)[0] === "en";
  return words.map((word) => english ? singularSurface(word) : word.toLowerCase()).join("-")
    .slice(0, 80).replace(/-+$/, "");
}
