/**
 * How common a word is in general English, for judging whether a word is
 * specific enough to be a concept on its own, whether a plural's singular
 * is a real word, and whether text broken by hyphenation joins back into
 * one.
 *
 * The ranks come from `npm:popular-english-words` (ISC licence, 0
 * dependencies, 2.3 MB unpacked): 225,555 lowercase words ordered by how
 * often they occur in English Wikipedia, most frequent first. Being a
 * general encyclopedia, it ranks everyday and general technical vocabulary
 * ("file" 427, "data" 481, "version" 344, "user" 142, "function" 1,264)
 * far above the terms of any one field ("consistency" 6,936, "latency"
 * 24,306, "Paxos" 139,646). Importing it costs about 60 ms; the lookup
 * table is built on first use (about 20 ms), once per worker.
 *
 * @module
 */

import { words as popular } from "popular-english-words";

/** Words ranked at or above this are general vocabulary ("file", "version", "package"). */
export const GENERIC_RANK = 5000;

/**
 * Words ranked below this are real words; past it the list holds mostly
 * rare names, foreign words and fragments ("cial", "redi", "cach").
 */
export const WORD_RANK = 50_000;

/** Rank given to a word the list does not hold. */
export const UNKNOWN_RANK = Number.POSITIVE_INFINITY;

let ranks: Map<string, number> | undefined;

function table(): Map<string, number> {
  if (ranks === undefined) {
    const list = popular.getAll() as string[];
    ranks = new Map();
    for (let i = 0; i < list.length; i++) {
      if (!ranks.has(list[i])) ranks.set(list[i], i + 1);
    }
  }
  return ranks;
}

/**
 * Returns the rank of a lowercase word in general English (1 = most
 * frequent), or {@linkcode UNKNOWN_RANK} when the list does not hold it.
 */
export function englishRank(word: string): number {
  return table().get(word) ?? UNKNOWN_RANK;
}

/** Tells whether a lowercase word is a real English word (ranked within {@linkcode WORD_RANK}). */
export function isEnglishWord(word: string): boolean {
  return englishRank(word) <= WORD_RANK;
}
