/**
 * Key phrases of one document: a deterministic, RAKE/YAKE-style extractor.
 *
 * Candidates are the 1–4-word n-grams inside runs of content words (runs
 * end at stop words, punctuation, numbers and unit ends; see
 * `phrase_tokens.ts` and `phrase_grams.ts`), counted over the units a
 * reader would call the document's text: boilerplate (licences, trailers,
 * repeated headers, navigation, tables of contents) and reference lists are
 * skipped (`unit_roles.ts`). Each is scored by `phrase_scores.ts`
 * (frequency, how much of a term it is, position, title/heading/definition).
 *
 * Picking goes best first. A phrase that contains a picked phrase is
 * skipped; a phrase inside a picked one is skipped too, unless it stands
 * on its own often (a single word written alone at least three times and
 * in at least a third of its occurrences: "Paxos" next to "Paxos group").
 *
 * Variants merge because counting uses normalised words (lowercase, each
 * word singular via `singularWord`, compounds split); the label is the
 * most frequent surface form, where a form at the start of a sentence or
 * in a heading counts half (so "Vector databases" at a sentence start
 * loses to "vector databases"). Ties are broken by the normalised phrase
 * text, compared with `<`. The slug is the normalised words joined by `-`.
 *
 * @module
 */

import { definedPhrases } from "./defined_terms.ts";
import { countGrams, type GramTable, MAX_PHRASE_WORDS } from "./phrase_grams.ts";
import { DEFINED, HEADING, scoreGrams, TITLE } from "./phrase_scores.ts";
import { BREAK, PhraseTokenizer, type PhraseTokens } from "./phrase_tokens.ts";
import { plainBlocks } from "./plain_text.ts";
import { type TextUnit, textUnits } from "./sentences.ts";
import { baseLanguage } from "./stop_words.ts";
import { type UnitRole, unitRoles } from "./unit_roles.ts";

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
  /** Whether the document defines it ("X is a …", "called X"). */
  defined: boolean;
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
  /** Role of each unit; boilerplate and references are not counted. @default unitRoles(units) */
  roles?: UnitRole[];
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

const WORD_BREAK = /[^\p{L}\p{N}]+/gu;
const SHORTLIST = 2000;
const STANDALONE_MIN = 3;

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

/** Per single-word gram: occurrences with no word of its run beside it. */
function standaloneCounts(table: GramTable, tokens: PhraseTokens): Int32Array {
  const counts = new Int32Array(table.size.length);
  const { word } = tokens;
  for (let i = 0; i < word.length; i++) {
    if (word[i] === BREAK) continue;
    const alone = (i === 0 || word[i - 1] === BREAK) &&
      (i + 1 >= word.length || word[i + 1] === BREAK);
    if (alone) counts[table.wordGram[word[i]]]++;
  }
  return counts;
}

/** Picks the best grams, skipping any that contain or sit inside a better one. */
function pickGrams(
  table: GramTable,
  wordTexts: string[],
  scores: Float64Array,
  options: { limit: number; standalone: Int32Array },
): number[] {
  const { limit, standalone } = options;
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
    const alone = words.length === 1 && standalone[gram] >= STANDALONE_MIN &&
      standalone[gram] * 3 >= table.frequency[gram];
    const overlaps = pickedWords.some((other) =>
      other.length >= words.length ? !alone && containsRun(other, words) : containsRun(words, other)
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
  const glue = tokens.glue ?? [];
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
        form += (glue[i + k] || " ") + context.tokenizer.surfaces[surface[i + k]];
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
  const roles = options.roles ?? unitRoles(units);
  const tokens: PhraseTokens = { word: [], surface: [], unit: [], glue: [] };
  for (let u = 0; u < units.length; u++) {
    const counted = roles[u] !== "boilerplate" && roles[u] !== "reference";
    tokenizer.append(counted ? units[u].text : "", u, tokens);
  }
  tokenizer.mergeAttestedPlurals(tokens);
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
  const english = language === "en";
  if (english) {
    for (let u = 0; u < units.length; u++) {
      if (roles[u] !== "body" || units[u].kind === "heading") continue;
      for (const phrase of definedPhrases(units[u].text)) {
        markRuns(tokenizer.runs(phrase), table, flags, DEFINED);
      }
    }
  }

  const scores = scoreGrams(table, {
    tokens,
    tokenizer,
    flags,
    unitCount: units.length,
    isHeading: (u) => units[u].kind === "heading",
    english,
  });
  const picked = pickGrams(table, tokenizer.words, scores, {
    limit: limit + 5,
    standalone: standaloneCounts(table, tokens),
  });
  const described = describeGrams(picked, table, tokens, { units, tokenizer });
  const phrases: KeyPhrase[] = [];
  const seen = new Set<string>();
  const top = picked.length > 0 ? scores[picked[0]] : 1;
  for (let i = 0; i < picked.length && phrases.length < limit; i++) {
    const gram = picked[i];
    const label = described.labels[i];
    const slug = gramWords(table, gram).map((word) => tokenizer.words[word]).join("-")
      .replace(WORD_BREAK, "-").slice(0, 80).replace(/-+$/, "");
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
      defined: (flags[gram] & DEFINED) !== 0,
      units: described.units[i],
    });
  }
  return { phrases, unitWeights: unitWeights(table, tokens, units.length) };
}

/** Returns the key phrases of a markdown text, best first. */
export function keyPhrases(markdown: string, options: KeyPhraseOptions = {}): KeyPhrase[] {
  return analyzeKeyPhrases(textUnits(plainBlocks(markdown)), options).phrases;
}
