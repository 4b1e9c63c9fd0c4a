/**
 * Tokens for key-phrase extraction: each text becomes a run of word ids
 * separated by breaks, where a break is anything a phrase may not cross —
 * punctuation, a stop word, a number, a URL, e-mail address or path
 * (anything with a `/` between word characters, so also "and/or"), an
 * identifier with `_`, a one-letter word, an over-long token, or the end
 * of a unit.
 *
 * Words are interned twice: the surface form as written (for labels) and
 * the normalised word (lowercase NFKC, made singular by `conceptSlug`, for
 * counting). Both lookups are cached per distinct surface, so a document
 * costs one regex match and one map lookup per token.
 *
 * A possessive `'s` is dropped ("Google's index" → "Google index"); a typographic
 * apostrophe counts as `'`.
 *
 * @module
 */

import { conceptSlug } from "../../core/concept_slug.ts";
import { stopWords } from "./stop_words.ts";

/** Marks a position no phrase may cross. */
export const BREAK = -1;

const TOKEN = /([\p{L}\p{N}_]+(?:[-'’.][\p{L}\p{N}_]+)*)|[^\s\p{L}\p{N}_]+/gu;
/** {@linkcode TOKEN} for ASCII text: the same tokens, faster. */
const ASCII_TOKEN = /([A-Za-z0-9_]+(?:[-'.][A-Za-z0-9_]+)*)|[^\sA-Za-z0-9_]+/g;
/** {@linkcode TOKEN} that also takes URLs, e-mail addresses and paths whole (as breaks). */
const TOKEN_WITH_LINKS = new RegExp(
  String.raw`(?:https?:\/\/\S+|www\.\S+|[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+|` +
    String.raw`[\p{L}\p{N}_.~-]*(?:\/[\p{L}\p{N}_.~-]+)+\/?)|` + TOKEN.source,
  "gu",
);
const MAY_HAVE_LINKS = /[/@]|www\./;
const NON_ASCII = /[\u0080-\uffff]/;
const NUMBER = /^[\p{N}.,'-]+$/u;
const POSSESSIVE = /'s$/i;
const MAX_TOKEN_LENGTH = 40;

/** The tokens of a sequence of texts, as parallel arrays. */
export interface PhraseTokens {
  /** Normalised word id per token, or {@linkcode BREAK}. */
  word: number[];
  /** Surface id per token (BREAK for breaks). */
  surface: number[];
  /** Index of the text (unit) each token came from. */
  unit: number[];
}

/** Interns words and surfaces and turns texts into token runs. */
export class PhraseTokenizer {
  /** Normalised words, by id. */
  readonly words: string[] = [];
  /** Surface forms, by id. */
  readonly surfaces: string[] = [];
  /** Normalised word id of each surface id. */
  readonly surfaceWord: number[] = [];
  readonly #language: string;
  readonly #stop: ReadonlySet<string>;
  readonly #bySurface = new Map<string, number>();
  readonly #byWord = new Map<string, number>();

  constructor(language: string) {
    this.#language = language;
    this.#stop = stopWords(language);
  }

  /** Returns the surface id of a raw word token, or BREAK when it cannot be in a phrase. */
  #surfaceId(raw: string): number {
    const cached = this.#bySurface.get(raw);
    if (cached !== undefined) return cached;
    let surface = raw.replaceAll("’", "'");
    if (surface.length > 3) surface = surface.replace(POSSESSIVE, "");
    const lower = surface.toLowerCase();
    let id = BREAK;
    if (
      lower.length >= 2 && lower.length <= MAX_TOKEN_LENGTH && !this.#stop.has(lower) &&
      !NUMBER.test(lower) && !lower.includes("_")
    ) {
      const key = conceptSlug(lower, this.#language);
      let word = this.#byWord.get(key);
      if (word === undefined) {
        word = this.words.length;
        this.words.push(key);
        this.#byWord.set(key, word);
      }
      id = this.surfaces.length;
      this.surfaces.push(surface);
      this.surfaceWord.push(word);
    }
    this.#bySurface.set(raw, id);
    return id;
  }

  /** Appends the tokens of `text` (as unit `unit`) to `out`, ending with a break. */
  append(text: string, unit: number, out: PhraseTokens): void {
    const ascii = !NON_ASCII.test(text);
    const normalized = ascii ? text : text.normalize("NFKC");
    const pattern = MAY_HAVE_LINKS.test(normalized)
      ? TOKEN_WITH_LINKS
      : ascii
      ? ASCII_TOKEN
      : TOKEN;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(normalized); m !== null; m = pattern.exec(normalized)) {
      const surface = m[1] === undefined ? BREAK : this.#surfaceId(m[1]);
      if (surface === BREAK) {
        pushBreak(out, unit);
      } else {
        out.word.push(this.surfaceWord[surface]);
        out.surface.push(surface);
        out.unit.push(unit);
      }
    }
    pushBreak(out, unit);
  }

  /**
   * Returns the runs of word ids in `text` (a title or heading) without
   * recording them as document tokens.
   */
  runs(text: string): number[][] {
    const out: PhraseTokens = { word: [], surface: [], unit: [] };
    this.append(text, 0, out);
    const runs: number[][] = [];
    let run: number[] = [];
    for (const word of out.word) {
      if (word === BREAK) {
        if (run.length > 0) runs.push(run);
        run = [];
      } else {
        run.push(word);
      }
    }
    return runs;
  }
}

function pushBreak(out: PhraseTokens, unit: number): void {
  const last = out.word.length - 1;
  if (last >= 0 && out.word[last] === BREAK) return;
  out.word.push(BREAK);
  out.surface.push(BREAK);
  out.unit.push(unit);
}
