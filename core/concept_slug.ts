/**
 * Concept normalisation: the same idea written by two documents ("Vector
 * databases", "vector database", "Vector-Database") lands on one page.
 *
 * The slug is the phrase in NFKC lowercase, with punctuation turned into
 * word breaks, and (for English) its last word made singular by a few
 * suffix rules. The rules are deliberately small and deterministic; an
 * occasional odd singular ("series" → "sery") is harmless because every
 * document goes through the same function.
 *
 * @module
 */

const WORD_BREAK = /[^\p{L}\p{N}]+/gu;

/** Suffix rules for English plurals, tried in order; first match wins. */
const ENGLISH_SINGULAR: [RegExp, string][] = [
  [/(ss|us|is|ics|ness)$/, "$1"],
  [/ies$/, "y"],
  [/(ch|sh|x|z|ss)es$/, "$1"],
  [/([^s])s$/, "$1"],
];

function singular(word: string): string {
  if (word.length <= 3) return word;
  for (const [pattern, replacement] of ENGLISH_SINGULAR) {
    if (pattern.test(word)) return word.replace(pattern, replacement);
  }
  return word;
}

/** Splits a phrase into normalised lowercase words. */
export function conceptWords(phrase: string): string[] {
  return phrase.normalize("NFKC").toLowerCase().split(WORD_BREAK).filter((w) => w !== "");
}

/**
 * Returns the concept slug of a phrase: lowercase words joined by `-`, the
 * last one singular when `language` is English. Returns "" when the phrase
 * has no letters or digits.
 */
export function conceptSlug(phrase: string, language = "en"): string {
  const words = conceptWords(phrase);
  if (words.length === 0) return "";
  if (language === "en") words[words.length - 1] = singular(words[words.length - 1]);
  return words.join("-").slice(0, 80).replace(/-+$/, "");
}
