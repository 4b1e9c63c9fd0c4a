/**
 * Counting the word n-grams (1 to 4 words) that may become key phrases.
 *
 * An n-gram never crosses a break (see `phrase_tokens.ts`). Level n is built
 * from level n−1 in one linear pass: an n-gram at position i exists when the
 * (n−1)-grams at i and i+1 both exist, and — in documents of more than
 * {@linkcode PRUNE_ABOVE_WORDS} words — both occur at least twice (an
 * n-gram containing a one-off part cannot recur). This keeps the table near
 * the number of distinct word pairs even for multi-megabyte documents.
 *
 * Grams are numbered in the order they are first met, so every derived
 * ordering is deterministic. A gram of two or more words is found by the
 * pair (gram of its first n−1 words, its last word) in an open-addressing
 * hash table on typed arrays: no strings, no boxed numbers, little garbage.
 *
 * @module
 */

import { BREAK, type PhraseTokens } from "./phrase_tokens.ts";

/** Longest key phrase, in words. */
export const MAX_PHRASE_WORDS = 4;

/** Documents with more words than this skip n-grams that have a one-off part. */
export const PRUNE_ABOVE_WORDS = 2000;

/** Maps (prefix gram, last word) pairs to gram ids; linear probing, grows at half full. */
class PairIndex {
  #prefix = new Int32Array(1 << 12);
  #last = new Int32Array(1 << 12);
  #id = new Int32Array(1 << 12).fill(-1);
  #size = 0;

  #slot(prefix: number, last: number): number {
    const mask = this.#id.length - 1;
    let h = (Math.imul(prefix, 0x9e3779b1) ^ Math.imul(last + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
    h = (h ^ (h >>> 15)) & mask;
    while (this.#id[h] !== -1 && (this.#prefix[h] !== prefix || this.#last[h] !== last)) {
      h = (h + 1) & mask;
    }
    return h;
  }

  get(prefix: number, last: number): number {
    return this.#id[this.#slot(prefix, last)];
  }

  set(prefix: number, last: number, id: number): void {
    if ((this.#size + 1) * 2 > this.#id.length) this.#grow();
    const h = this.#slot(prefix, last);
    if (this.#id[h] === -1) this.#size++;
    this.#prefix[h] = prefix;
    this.#last[h] = last;
    this.#id[h] = id;
  }

  #grow(): void {
    const [prefixes, lasts, ids] = [this.#prefix, this.#last, this.#id];
    const capacity = ids.length * 2;
    this.#prefix = new Int32Array(capacity);
    this.#last = new Int32Array(capacity);
    this.#id = new Int32Array(capacity).fill(-1);
    for (let h = 0; h < ids.length; h++) {
      if (ids[h] === -1) continue;
      const slot = this.#slot(prefixes[h], lasts[h]);
      this.#prefix[slot] = prefixes[h];
      this.#last[slot] = lasts[h];
      this.#id[slot] = ids[h];
    }
  }
}

/** All counted n-grams of a document, as parallel arrays indexed by gram id. */
export interface GramTable {
  /** Words in the gram. */
  size: number[];
  /** Gram id of the first n−1 words; -1 for single words. */
  prefix: number[];
  /** Gram id of the last n−1 words; -1 for single words. */
  suffix: number[];
  /** Word id of the last word. */
  last: number[];
  /** Occurrences. */
  frequency: number[];
  /** Token index of the first occurrence. */
  first: number[];
  /**
   * The most frequent one-word extension's frequency (left or right); for
   * grams of {@linkcode MAX_PHRASE_WORDS} words, the occurrences that sit
   * inside a longer run of words.
   */
  extended: number[];
  /** `levels[n-1][i]`: id of the n-word gram starting at token i, or -1. */
  levels: Int32Array[];
  /** Gram id of each single word, by word id (-1 when it never occurs). */
  wordGram: Int32Array;
  /** Looks up the gram made of gram `prefix` followed by word `last`. */
  extend(prefix: number, last: number): number;
}

/** Counts the n-grams of `tokens` (whose words have ids below `wordCount`). */
export function countGrams(tokens: PhraseTokens, wordCount: number): GramTable {
  const count = tokens.word.length;
  const index = new PairIndex();
  const table: GramTable = {
    size: [],
    prefix: [],
    suffix: [],
    last: [],
    frequency: [],
    first: [],
    extended: [],
    levels: [],
    wordGram: new Int32Array(wordCount).fill(-1),
    extend: (prefix, last) => index.get(prefix, last),
  };
  const add = (size: number, prefix: number, suffix: number, last: number, at: number) => {
    const id = table.size.length;
    table.size.push(size);
    table.prefix.push(prefix);
    table.suffix.push(suffix);
    table.last.push(last);
    table.frequency.push(0);
    table.first.push(at);
    table.extended.push(0);
    return id;
  };

  let words = 0;
  const singles = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const word = tokens.word[i];
    if (word === BREAK) {
      singles[i] = -1;
      continue;
    }
    words++;
    let id = table.wordGram[word];
    if (id < 0) {
      id = add(1, -1, -1, word, i);
      table.wordGram[word] = id;
    }
    table.frequency[id]++;
    singles[i] = id;
  }
  table.levels.push(singles);

  const minPart = words > PRUNE_ABOVE_WORDS ? 2 : 1;
  for (let size = 2; size <= MAX_PHRASE_WORDS; size++) {
    const below = table.levels[size - 2];
    const level = new Int32Array(count).fill(-1);
    for (let i = 0; i + size <= count; i++) {
      const prefix = below[i];
      const suffix = below[i + 1];
      if (prefix < 0 || suffix < 0) continue;
      if (table.frequency[prefix] < minPart || table.frequency[suffix] < minPart) continue;
      const last = tokens.word[i + size - 1];
      let id = index.get(prefix, last);
      if (id < 0) {
        id = add(size, prefix, suffix, last, i);
        index.set(prefix, last, id);
      }
      table.frequency[id]++;
      level[i] = id;
    }
    table.levels.push(level);
  }

  for (let id = 0; id < table.size.length; id++) {
    if (table.size[id] < 2) continue;
    const f = table.frequency[id];
    const { prefix, suffix, extended } = table;
    if (extended[prefix[id]] < f) extended[prefix[id]] = f;
    if (extended[suffix[id]] < f) extended[suffix[id]] = f;
  }
  const longest = table.levels[MAX_PHRASE_WORDS - 1];
  for (let i = 0; i < count; i++) {
    const id = longest[i];
    if (id < 0) continue;
    const before = i > 0 ? tokens.word[i - 1] : BREAK;
    const after = i + MAX_PHRASE_WORDS < count ? tokens.word[i + MAX_PHRASE_WORDS] : BREAK;
    if (before !== BREAK || after !== BREAK) table.extended[id]++;
  }
  return table;
}
