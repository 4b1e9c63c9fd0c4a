/**
 * Scoring the counted n-grams of one document as key phrases.
 *
 *     (1 + ln(frequency − extended / 2)) × termness × position × place × once
 *
 * - frequency: occurrences; extended: occurrences of its most frequent
 *   one-word extension (left or right). A gram that never occurs outside
 *   one extension (frequency = extended) is no candidate: "vector" seen only
 *   inside "vector database" loses to the longer phrase.
 * - termness: 2, 2.4, 2.6 for phrases of 2–4 words (×0.8 when every word is
 *   general vocabulary, as in "set multiple times"). A single word is a
 *   candidate only when it is specific: in English, a word among the
 *   {@linkcode GENERIC_RANK} most common words of general English ("file",
 *   "version", "data") never is, nor is an adverb, participle or adjective
 *   by its ending (-ly, -ed, -able, -ible, -ous, -ful, -less) unless it is
 *   written as a name, nor a word of one or two letters, a math-style name
 *   ("p1", "G2"), or a word mostly followed by a number ("Theorem 3",
 *   "Figure 2", "Section 4": a label, not a topic). Its termness is 1 + specificity (0 at rank 5,000,
 *   rising to 1 at rank 100,000 or for a word the list lacks) + 0.5 × the
 *   share of its mid-sentence occurrences written with a capital + 0.5 when
 *   it is written as an acronym or in mixed case ("BM25", "ZooKeeper"), so
 *   a frequent name ("Transformer", "Paxos") competes with phrases.
 * - position: 1.5 at the first unit falling linearly to 1 at the last.
 * - place: ×2 in the title, ×1.5 in a heading or where the document defines
 *   the term ("X is a …", "we call this X", "called X").
 * - once: a phrase written once is halved when it contains a part written
 *   more often; in documents of more than 2,000 words a phrase written once
 *   is no candidate unless it is in the title, a heading or a definition.
 * - a phrase ending in an adverb or participle ("newline preceded") is no
 *   candidate: a term ends in its noun; nor one starting with an adverb
 *   ("arbitrarily small", "partially synchronous"), which describes; nor is anything holding a short
 *   lowercase non-word ("tob", "cial"), the debris of a word broken apart.
 *
 * @module
 */

import {
  englishRank,
  GENERIC_RANK,
  isEnglishWord,
  UNKNOWN_RANK,
  WORD_RANK,
} from "./english_words.ts";
import type { GramTable } from "./phrase_grams.ts";
import { BREAK, type PhraseTokenizer, type PhraseTokens } from "./phrase_tokens.ts";

/** Flag: the gram occurs in the title. */
export const TITLE = 2;
/** Flag: the gram occurs in a heading. */
export const HEADING = 1;
/** Flag: the document defines the gram. */
export const DEFINED = 4;

const LENGTH_FACTOR = [0, 1, 2, 2.4, 2.6];
const ALL_GENERIC_FACTOR = 0.8;
const SINGLE_WORD_MIN_DOC_WORDS = 100;
const ONE_OFF_MIN_DOC_WORDS = 2000;
const ONE_OFF_FACTOR = 0.5;
const SPECIFIC_RANK = 100_000;
const ADJECTIVE_ENDING = /(?:ous|ful|less|[^t]able|ible)$/;
const ACRONYM_OR_MIXED =
  /^(?:\p{Lu}[\p{Lu}\p{N}]+s?|\p{Ll}+\p{Lu}[\p{L}\p{N}]*|\p{Lu}\p{Ll}+\p{Lu}[\p{L}\p{N}]*)$/u;
const CAPITALISED = /^\p{Lu}/u;
/** Math-style names and identifiers: "p1", "G2", "a0", "MX17004". */
const VARIABLE_LIKE = /^(?:\p{L}\p{N}{1,2}|.*\p{N}{3,}.*)$/u;
/** Short lowercase tokens, which may be the debris of broken words. */
const FRAGMENT = /^\p{Ll}{1,4}$/u;
const DAY_OR_MONTH = new Set(
  `mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday saturday
  sunday jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june
  july august september october november december`.split(/\s+/),
);
const SPECIFICITY_WEIGHT = 0.6;
/** Word kind bits (English only). */
const GENERIC = 1;
const MODIFIER = 2;
const ADVERB = 4;
const DATE = 8;
const DEBRIS = 16;
const NAME_WEIGHT = 0.4;

/** What the scorer needs besides the gram table. */
export interface ScoreContext {
  tokens: PhraseTokens;
  tokenizer: PhraseTokenizer;
  /** TITLE | HEADING | DEFINED per gram. */
  flags: Uint8Array;
  /** Units in the document. */
  unitCount: number;
  /** Whether each unit is a heading (headings do not vote on capitalisation). */
  isHeading: (unit: number) => boolean;
  /** Whether general-English frequencies apply (English text). */
  english: boolean;
}

/**
 * Tells whether a lowercase word is an adverb in -ly or a participle in -ed
 * made from a known word ("partially", "corrected", "preceded", "embedded";
 * not "family", "assembly", "speed", "hundred").
 */
export function isModifier(word: string): boolean {
  if (word.length >= 5 && word.endsWith("ly")) {
    const base = word.slice(0, -2);
    return isEnglishWord(base) || (base.endsWith("i") && isEnglishWord(base.slice(0, -1) + "y")) ||
      (/[ai]b$/.test(base) && isEnglishWord(base + "le"));
  }
  if (word.length >= 6 && word.endsWith("ed")) {
    const stem = word.slice(0, -2);
    return isEnglishWord(stem) || isEnglishWord(stem + "e") ||
      (stem.at(-1) === stem.at(-2) && isEnglishWord(stem.slice(0, -1))) ||
      (stem.endsWith("i") && isEnglishWord(stem.slice(0, -1) + "y"));
  }
  return false;
}

/** Per word id: how specific a single word is as a term (0 = never alone), and debris. */
function wordProfiles(
  table: GramTable,
  context: ScoreContext,
): { termness: Float64Array; kind: Uint8Array } {
  const { tokens, tokenizer } = context;
  const wordCount = tokenizer.words.length;
  const shape = new Uint8Array(tokenizer.surfaces.length);
  tokenizer.surfaces.forEach((surface, id) => {
    shape[id] = (ACRONYM_OR_MIXED.test(surface) ? 1 : 0) | (CAPITALISED.test(surface) ? 2 : 0);
  });
  const mid = new Float64Array(wordCount);
  const capital = new Float64Array(wordCount);
  const seen = new Float64Array(wordCount);
  const shapedCount = new Float64Array(wordCount);
  const numbered = new Float64Array(wordCount);
  for (let i = 0; i < tokens.word.length; i++) {
    const word = tokens.word[i];
    if (word === BREAK) continue;
    const surfaceShape = shape[tokens.surface[i]];
    seen[word]++;
    if (surfaceShape & 1) shapedCount[word]++;
    const unit = tokens.unit[i];
    const atStart = i === 0 || tokens.unit[i - 1] !== unit;
    if (atStart || context.isHeading(unit)) continue;
    mid[word]++;
    if (surfaceShape & 2) capital[word]++;
  }
  for (let surface = 0; surface < tokenizer.numbered.length; surface++) {
    numbered[tokenizer.surfaceWord[surface]] += tokenizer.numbered[surface];
  }
  const termness = new Float64Array(wordCount);
  const kind = new Uint8Array(wordCount);
  for (let word = 0; word < wordCount; word++) {
    if (table.wordGram[word] < 0) continue;
    const text = tokenizer.words[word];
    const named = Math.max(
      mid[word] > 0 ? capital[word] / mid[word] : 0,
      shapedCount[word] * 2 >= seen[word] ? 1 : 0,
    );
    if (context.english) kind[word] = wordKind(text);
    if (context.english && named === 0 && (isFragment(text) || text.length <= 2)) {
      kind[word] |= DEBRIS;
      continue;
    }
    if (VARIABLE_LIKE.test(text) || text.length <= 2) continue;
    if (numbered[word] * 2 >= seen[word]) continue;
    if (!context.english) {
      termness[word] = 1 + NAME_WEIGHT * named;
      continue;
    }
    const rank = englishRank(text);
    if (rank <= GENERIC_RANK) continue;
    if ((kind[word] & MODIFIER || ADJECTIVE_ENDING.test(text)) && named < 0.5) continue;
    const specificity = Math.log(rank / GENERIC_RANK) / Math.log(SPECIFIC_RANK / GENERIC_RANK);
    termness[word] = 1 + SPECIFICITY_WEIGHT * Math.min(1, specificity) + NAME_WEIGHT * named;
  }
  return { termness, kind };
}

/** The DEBRIS-free kind bits of a word: GENERIC, MODIFIER, ADVERB, DATE. */
function wordKind(text: string): number {
  let bits = englishRank(text) <= GENERIC_RANK ? GENERIC : 0;
  if (isModifier(text)) bits |= text.endsWith("ly") ? MODIFIER | ADVERB : MODIFIER;
  if (DAY_OR_MONTH.has(text)) bits |= DATE;
  return bits;
}

/** Tells whether `bit` is set for every word of a gram. */
function every(table: GramTable, gram: number, kind: Uint8Array, bit: number): boolean {
  for (let g = gram; g >= 0; g = table.prefix[g]) if (!(kind[table.last[g]] & bit)) return false;
  return true;
}

/** Tells whether `bit` is set for some word of a gram. */
function some(table: GramTable, gram: number, kind: Uint8Array, bit: number): boolean {
  for (let g = gram; g >= 0; g = table.prefix[g]) if (kind[table.last[g]] & bit) return true;
  return false;
}

/** The word id of a gram's first word. */
function firstWord(table: GramTable, gram: number): number {
  let first = gram;
  while (table.prefix[first] >= 0) first = table.prefix[first];
  return table.last[first];
}

/** A short lowercase token the word list knows only as a rare one: debris ("tob", "cial"). */
function isFragment(word: string): boolean {
  const rank = englishRank(word);
  return FRAGMENT.test(word) && rank > WORD_RANK && rank !== UNKNOWN_RANK;
}

/** Scores every gram; 0 for grams that cannot be key phrases. */
export function scoreGrams(table: GramTable, context: ScoreContext): Float64Array {
  const { tokens, flags, unitCount } = context;
  let docWords = 0;
  for (const word of tokens.word) if (word !== BREAK) docWords++;
  const singleMin = docWords >= SINGLE_WORD_MIN_DOC_WORDS ? 2 : 1;
  const oneOffAllowed = docWords <= ONE_OFF_MIN_DOC_WORDS;
  const { termness: single, kind } = wordProfiles(table, context);
  const scores = new Float64Array(table.size.length);
  // Parts have lower ids than the grams made from them, so one ascending pass suffices.
  const recurring = new Uint8Array(table.size.length);
  for (let gram = 0; gram < scores.length; gram++) {
    const size = table.size[gram];
    if (size > 1) {
      const { prefix, suffix, frequency } = table;
      const [p, s] = [prefix[gram], suffix[gram]];
      recurring[gram] = frequency[p] > 1 || frequency[s] > 1 || recurring[p] || recurring[s]
        ? 1
        : 0;
    }
    const frequency = table.frequency[gram];
    const extended = table.extended[gram];
    if (frequency <= extended || (size === 1 && frequency < singleMin)) continue;
    const flag = flags[gram];
    if (frequency === 1 && !oneOffAllowed && flag === 0) continue;
    let termness: number;
    if (size === 1) {
      termness = single[table.last[gram]];
      if (termness === 0) continue;
    } else {
      if (some(table, gram, kind, DEBRIS) || every(table, gram, kind, DATE)) continue;
      if (kind[table.last[gram]] & MODIFIER || kind[firstWord(table, gram)] & ADVERB) continue;
      termness = LENGTH_FACTOR[size];
      if (every(table, gram, kind, GENERIC)) termness *= ALL_GENERIC_FACTOR;
    }
    const unit = tokens.unit[table.first[gram]];
    const position = 1 + 0.5 * (1 - unit / Math.max(1, unitCount));
    const place = flag & TITLE ? 2 : flag & (HEADING | DEFINED) ? 1.5 : 1;
    const once = frequency === 1 && recurring[gram] ? ONE_OFF_FACTOR : 1;
    const weight = 1 + Math.log(frequency - extended / 2);
    scores[gram] = weight * termness * position * place * once;
  }
  return scores;
}
