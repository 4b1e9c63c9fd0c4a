/**
 * Key phrases of one document: a deterministic, RAKE/YAKE-style scorer.
 *
 * Candidates are the 1–4-word n-grams inside runs of content words (runs
 * end at stop words, punctuation, numbers and unit ends; see
 * `phrase_tokens.ts` and `phrase_grams.ts`). Each is scored as
 *
 *     (frequency − extended / 2) × length × position × place
 *
 * - frequency: occurrences; extended: occurrences of its most frequent
 *   one-word extension (left or right). A gram that never occurs outside
 *   one extension (frequency = extended) is no candidate at all: "vector"
 *   seen only inside "vector database" loses to the longer phrase, and a
 *   run written once ("vector databases store embeddings") keeps only its
 *   whole (up to 4 words), as RAKE would. Halving `extended` lets a recurring
 *   core ("nearest neighbor search", twice, each time extended differently)
 *   beat its one-off extensions.
 * - length: 1, 2, 2.4, 2.6 for 1–4 words (multi-word terms preferred).
 * - position: 1.5 at the first unit falling linearly to 1 at the last.
 * - place: ×2 when the phrase is in the title, ×1.5 in a heading.
 * - a phrase written once that contains a word or phrase written more
 *   often is halved, so the recurring part can win ("Vektordatenbank",
 *   twice, over "Vektordatenbank speichert Einbettungen", once).
 *
 * Single words need two occurrences in documents of 100 words or more.
 * Variants merge because counting uses normalised words (lowercase, each
 * word singular via `conceptSlug`); the label is the most frequent surface
 * form, where a form at the start of a sentence or in a heading counts
 * half (so "Vector databases" at a sentence start loses to "vector
 * databases"). Among phrases that contain one another only the best scored
 * is kept. Ties are broken by the normalised phrase text, compared with `<`.
 *
 * @module
 */

import { conceptSlug } from "../../core/concept_slug.ts";
import { countGrams, type GramTable, MAX_PHRASE_WORDS } from "./phrase_grams.ts";
import { BREAK, PhraseTokenizer, type PhraseTokens } from "./phrase_tokens.ts";
import { plainBlocks } from "./plain_text.ts";
import { type TextUnit, textUnits } from "./sentences.ts";
import { baseLanguage } from "./stop_words.ts";

/** One key phrase of a document. */
export interface KeyPhrase {
  /** `conceptSlug(label)`: the identifier shared across documents. */
  slug: string;
  /** The most frequent surface form in the document. */
  label: string;
  /** Number of words. */
  words: number;
  /** Occurrences in the document, including inside longer phrases. */
  frequency: number;
  /** Relevance; higher is more central. Only comparable within one document. */
  score: number;
  /** Whether it occurs in the title. */
  inTitle: boolean;
  /** Whether it occurs in the title or a heading. */
  inHeading: boolean;
  /** Indices of the units it occurs in, ascending. */
  units: number[];
}

/** Options of {@linkcode analyzeKeyPhrases}. */
export interface KeyPhraseOptions {
  /**
   * Language of the stop-word list and of plural folding, matched on its
   * base code ("en-GB" → "en"). Plurals are folded for English only.
   * @default "en"
   */
  language?: string;
  /** Most phrases returned. @default 30 */
  limit?: number;
  /** The document's title. @default "" */
  title?: string;
  /** Headings besides the heading units (e.g. a PDF outline). @default [] */
  headings?: string[];
}

/** Key phrases plus per-unit term weights, for summaries. */
export interface KeyPhraseAnalysis {
  /** Best first. */
  phrases: KeyPhrase[];
  /**
   * Per unit, in 0..1: how much of the document's frequent vocabulary it
   * carries (log word frequencies summed, divided by √words, scaled so the
   * top unit is 1).
   */
  unitWeights: number[];
}

const LENGTH_FACTOR = [0, 1, 2, 2.4, 2.6];
const TITLE = 2;
const HEADING = 1;
const SINGLE_WORD_MIN_DOC_WORDS = 100;
const SHORTLIST = 2000;
const ONE_OFF_FACTOR = 0.5;

/** Marks the grams of `runs` in `flags` with `bit`. */
function markRuns(runs: number[][], table: GramTable, flags: Uint8Array, bit: number): void {
  for (const run of runs) {
    for (let start = 0; start < run.length; start++) {
      let gram = run[start] < table.wordGram.length ? table.wordGram[run[start]] : -1;
      for (let end = start; gram >= 0;) {
        flags[gram] |= bit;
        end++;
        if (end >= run.length || end - start >= MAX_PHRASE_WORDS) break;
        gram = table.extend(gram, run[end]);
      }
    }
  }
}

function gramWords(table: GramTable, gram: number): number[] {
  const words: number[] = [];
  for (let g = gram; g >= 0; g = table.prefix[g]) words.push(table.last[g]);
  return words.reverse();
}

function containsRun(outer: number[], inner: number[]): boolean {
  for (let start = 0; start + inner.length <= outer.length; start++) {
    let same = true;
    for (let k = 0; k < inner.length && same; k++) same = outer[start + k] === inner[k];
    if (same) return true;
  }
  return false;
}

/** Scores every gram; 0 for grams that cannot be key phrases. */
function scoreGrams(
  table: GramTable,
  tokens: PhraseTokens,
  flags: Uint8Array,
  unitCount: number,
): Float64Array {
  let docWords = 0;
  for (const word of tokens.word) if (word !== BREAK) docWords++;
  const singleMin = docWords >= SINGLE_WORD_MIN_DOC_WORDS ? 2 : 1;
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
    const unit = tokens.unit[table.first[gram]];
    const position = 1 + 0.5 * (1 - unit / Math.max(1, unitCount));
    const place = flags[gram] & TITLE ? 2 : flags[gram] & HEADING ? 1.5 : 1;
    const once = frequency === 1 && recurring[gram] ? ONE_OFF_FACTOR : 1;
    const weight = 1 + Math.log(frequency - extended / 2);
    scores[gram] = weight * LENGTH_FACTOR[size] * position * place * once;
  }
  return scores;
}

/** Picks the best grams, skipping any that contain or sit inside a better one. */
function pickGrams(
  table: GramTable,
  wordTexts: string[],
  scores: Float64Array,
  limit: number,
): number[] {
  let shortlist: number[] = [];
  for (let gram = 0; gram < scores.length; gram++) if (scores[gram] > 0) shortlist.push(gram);
  if (shortlist.length > SHORTLIST) {
    const sorted = Float64Array.from(shortlist, (gram) => scores[gram]).sort();
    const floor = sorted[sorted.length - SHORTLIST];
    shortlist = shortlist.filter((gram) => scores[gram] >= floor);
  }
  const keys: string[] = [];
  const keyOf = (gram: number) =>
    keys[gram] ??= gramWords(table, gram).map((word) => wordTexts[word]).join(" ");
  shortlist.sort((a, b) => scores[b] - scores[a] || (keyOf(a) < keyOf(b) ? -1 : 1));
  const picked: number[] = [];
  const pickedWords: number[][] = [];
  for (const gram of shortlist) {
    if (picked.length >= limit) break;
    const words = gramWords(table, gram);
    const overlaps = pickedWords.some((other) =>
      other.length >= words.length ? containsRun(other, words) : containsRun(words, other)
    );
    if (overlaps) continue;
    picked.push(gram);
    pickedWords.push(words);
  }
  return picked;
}

/** Finds each picked gram's units and most frequent surface form. */
function describeGrams(
  picked: number[],
  table: GramTable,
  tokens: PhraseTokens,
  context: { units: TextUnit[]; tokenizer: PhraseTokenizer },
): { labels: string[]; units: number[][] } {
  const slot = new Int32Array(table.size.length).fill(-1);
  picked.forEach((gram, i) => slot[gram] = i);
  const units: number[][] = picked.map(() => []);
  const forms: Map<string, number>[] = picked.map(() => new Map());
  const { surface, unit } = tokens;
  for (const level of table.levels) {
    for (let i = 0; i < level.length; i++) {
      const gram = level[i];
      if (gram < 0 || slot[gram] < 0) continue;
      const s = slot[gram];
      const u = unit[i];
      const list = units[s];
      if (list[list.length - 1] !== u) list.push(u);
      let form = context.tokenizer.surfaces[surface[i]];
      for (let k = 1; k < table.size[gram]; k++) {
        form += " " + context.tokenizer.surfaces[surface[i + k]];
      }
      const atStart = i === 0 || unit[i - 1] !== u;
      const weight = atStart || context.units[u].kind === "heading" ? 1 : 2;
      forms[s].set(form, (forms[s].get(form) ?? 0) + weight);
    }
  }
  const labels = forms.map((counts) => {
    let best = "";
    let bestCount = 0;
    for (const [form, count] of counts) {
      if (count > bestCount) [best, bestCount] = [form, count];
    }
    return best;
  });
  return { labels, units };
}

function unitWeights(table: GramTable, tokens: PhraseTokens, unitCount: number): number[] {
  let top = 1;
  for (let w = 0; w < table.wordGram.length; w++) {
    const gram = table.wordGram[w];
    if (gram >= 0 && table.frequency[gram] > top) top = table.frequency[gram];
  }
  const weight = Float64Array.from(
    table.wordGram,
    (gram) => gram < 0 ? 0 : Math.log1p(table.frequency[gram]) / Math.log1p(top),
  );
  const sums = new Float64Array(unitCount);
  const counts = new Float64Array(unitCount);
  for (let i = 0; i < tokens.word.length; i++) {
    const word = tokens.word[i];
    if (word === BREAK) continue;
    const u = tokens.unit[i];
    sums[u] += weight[word];
    counts[u]++;
  }
  const weights = Array.from(sums, (sum, u) => counts[u] > 0 ? sum / Math.sqrt(counts[u]) : 0);
  let max = 0;
  for (const w of weights) if (w > max) max = w;
  return max > 0 ? weights.map((w) => w / max) : weights;
}

/**
 * Finds the key phrases of a document given as text units, best first, and
 * weighs each unit's vocabulary.
 */
export function analyzeKeyPhrases(
  units: TextUnit[],
  options: KeyPhraseOptions = {},
): KeyPhraseAnalysis {
  const language = baseLanguage(options.language ?? "en");
  const limit = options.limit ?? 30;
  const tokenizer = new PhraseTokenizer(language);
  const tokens: PhraseTokens = { word: [], surface: [], unit: [] };
  for (let u = 0; u < units.length; u++) tokenizer.append(units[u].text, u, tokens);
  const table = countGrams(tokens, tokenizer.words.length);

  const flags = new Uint8Array(table.size.length);
  for (let i = 0; i < tokens.word.length; i++) {
    if (tokens.word[i] !== BREAK && units[tokens.unit[i]].kind === "heading") {
      for (const level of table.levels) if (level[i] >= 0) flags[level[i]] |= HEADING;
    }
  }
  markRuns(tokenizer.runs(options.title ?? ""), table, flags, TITLE | HEADING);
  for (const heading of options.headings ?? []) {
    markRuns(tokenizer.runs(heading), table, flags, HEADING);
  }

  const scores = scoreGrams(table, tokens, flags, units.length);
  const picked = pickGrams(table, tokenizer.words, scores, limit + 5);
  const described = describeGrams(picked, table, tokens, { units, tokenizer });
  const phrases: KeyPhrase[] = [];
  const seen = new Set<string>();
  const top = picked.length > 0 ? scores[picked[0]] : 1;
  for (let i = 0; i < picked.length && phrases.length < limit; i++) {
    const gram = picked[i];
    const label = described.labels[i];
    const slug = conceptSlug(label, language);
    if (slug === "" || seen.has(slug)) continue;
    seen.add(slug);
    phrases.push({
      slug,
      label,
      words: table.size[gram],
      frequency: table.frequency[gram],
      score: Math.round((scores[gram] / top) * 10000) / 10000,
      inTitle: (flags[gram] & TITLE) !== 0,
      inHeading: (flags[gram] & HEADING) !== 0,
      units: described.units[i],
    });
  }
  return { phrases, unitWeights: unitWeights(table, tokens, units.length) };
}

/** Returns the key phrases of a markdown text, best first. */
export function keyPhrases(markdown: string, options: KeyPhraseOptions = {}): KeyPhrase[] {
  return analyzeKeyPhrases(textUnits(plainBlocks(markdown)), options).phrases;
}
