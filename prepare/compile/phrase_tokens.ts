/**
 * Tokens for key-phrase extraction: each text becomes a run of word ids
 * separated by breaks, where a break is anything a phrase may not cross —
 * punctuation, a stop word, a number, a version ("v2.39", "2.2.40"), an
 * ordinal ("11th"), a hexadecimal constant, a URL, e-mail address or path
 * (anything with a `/` between word characters, so also "and/or"), an
 * identifier with `_`, a one-letter word, an over-long token, or the end of
 * a unit.
 *
 * Words are interned twice: the surface form as written (for labels) and
 * the normalised word (lowercase NFKC, made singular by `singularSurface`, for
 * counting). Both lookups are cached per distinct surface, so a document
 * costs one regex match and one map lookup per token.
 *
 * Compounds: a word written with `-` inside ("self-attention",
 * "primary-backup") counts as its parts, so "self-attention" and "self
 * attention" are one phrase; each token remembers whether a hyphen glued it
 * to the previous one, so labels keep the written form. A compound with a
 * one-letter part or a stop word ("e-mail", "state-of-the-art") stays one
 * word, as do names with dots ("package.json", "Node.js").
 *
 * Text broken by hyphenation is joined back: "imp-ortant" is "important"
 * when the joined word is a real word and a part is not, and two words
 * separated by one space ("numb er", "Rob ertson", "do cuments"), one of
 * them at most four letters long and the second starting in lowercase and
 * rare or short, are one when the joined word is a real word four times
 * more common than the rarer part (or a part is no word at all). So debris
 * never becomes a phrase.
 *
 * A possessive `'s` is dropped ("Google's index" → "Google index"); a typographic
 * apostrophe counts as `'`.
 *
 * @module
 */

import { singularSurface } from "./concept_slug.ts";
import { englishRank, isEnglishWord, UNKNOWN_RANK, WORD_RANK } from "./english_words.ts";
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
/** Versions, ordinals, hexadecimal and other numbers with a letter or two. */
const NUMBER_LIKE = /^(?:v?\d+(?:[._-]\d+)*[a-z]?|\d+(?:st|nd|rd|th|s)|0x[0-9a-f]+)$/i;
const POSSESSIVE = /'s$/i;
const COMPOUND_SEPARATOR = /(-)/;
const MAX_TOKEN_LENGTH = 40;
/** Spaced debris is joined only into a word at least this common. */
const DEBRIS_JOINED_RANK = 100_000;
/** ...and that many times more common than the rarer part. */
const DEBRIS_RATIO = 4;
/** A part rarer than this (or unknown) may be debris. */
const DEBRIS_PART_RANK = 20_000;
/** One of the two parts of spaced debris is at most this long ("numb er", "imp ortant"). */
const SHORT_PART = 4;

/** The tokens of a sequence of texts, as parallel arrays. */
export interface PhraseTokens {
  /** Normalised word id per token, or {@linkcode BREAK}. */
  word: number[];
  /** Surface id per token (BREAK for breaks). */
  surface: number[];
  /** Index of the text (unit) each token came from. */
  unit: number[];
  /** What joined the token to the previous one in the text: "" for a space, else "-" or ".". */
  glue?: string[];
}

/** How one distinct raw token is tokenised (cached per raw token). */
interface TokenParts {
  /** Surface ids (BREAK for a break). */
  ids: number[];
  /** Per id: "" or the hyphen that glued it to the previous part. */
  glue: string[];
  /** The raw token. */
  raw: string;
  /** A number per distinct raw token, for the cache of joined pairs. */
  id: number;
  /** Whether it may join a previous token: a plain word (no compound, no number). */
  simple: boolean;
  /** Whether it may be the second fragment of a word broken by a space. */
  fragment: boolean;
  /** Whether it is at most {@linkcode SHORT_PART} characters long. */
  short: boolean;
  /** Whether it is a real English word (see `english_words.ts`). */
  known: boolean;
}

/** Interns words and surfaces and turns texts into token runs. */
export class PhraseTokenizer {
  /** Normalised words, by id. */
  readonly words: string[] = [];
  /** Surface forms, by id. */
  readonly surfaces: string[] = [];
  /** Normalised word id of each surface id. */
  readonly surfaceWord: number[] = [];
  /** Per surface id: how often it was directly followed by a number ("Theorem 3", "Figure 2"). */
  readonly numbered: number[] = [];
  readonly #english: boolean;
  readonly #stop: ReadonlySet<string>;
  readonly #bySurface = new Map<string, number>();
  readonly #byWord = new Map<string, number>();
  readonly #parts = new Map<string, TokenParts>();
  readonly #joined = new Map<number, string>();
  /** Plain words appended so far, and how many of them are no English word. */
  #plain = 0;
  #unknown = 0;

  constructor(language: string) {
    this.#english = language === "en";
    this.#stop = stopWords(language);
  }

  /** Returns the surface id of a raw word, or BREAK when it cannot be in a phrase. */
  #surfaceId(raw: string): number {
    const cached = this.#bySurface.get(raw);
    if (cached !== undefined) return cached;
    const lower = raw.toLowerCase();
    let id = BREAK;
    if (
      lower.length >= 2 && lower.length <= MAX_TOKEN_LENGTH && !this.#stop.has(lower) &&
      !NUMBER.test(lower) && !NUMBER_LIKE.test(lower) && !lower.includes("_")
    ) {
      const key = this.#english ? singularSurface(raw) : lower;
      let word = this.#byWord.get(key);
      if (word === undefined) {
        word = this.words.length;
        this.words.push(key);
        this.#byWord.set(key, word);
      }
      id = this.surfaces.length;
      this.surfaces.push(raw);
      this.surfaceWord.push(word);
      this.numbered.push(0);
    }
    this.#bySurface.set(raw, id);
    return id;
  }

  /**
   * Splits a raw token into surface ids: one for a plain word, one per part
   * for a compound, one for the joined word of hyphenation debris.
   */
  #tokenParts(token: string): TokenParts {
    let parts = this.#parts.get(token);
    if (parts !== undefined) return parts;
    let surface = token.replaceAll("’", "'");
    if (surface.length > 3) surface = surface.replace(POSSESSIVE, "");
    const pieces = surface.split(COMPOUND_SEPARATOR);
    let ids: number[];
    let glue = [""];
    if (pieces.length === 1 || NUMBER_LIKE.test(surface) || NUMBER.test(surface)) {
      ids = [this.#surfaceId(surface)];
    } else {
      const words = pieces.filter((_, i) => i % 2 === 0);
      const lower = words.map((w) => w.toLowerCase());
      const joined = lower.join("");
      if (
        this.#english && words.length === 2 && isEnglishWord(joined) && !lower.every(isEnglishWord)
      ) {
        ids = [this.#surfaceId(words.join(""))];
      } else if (lower.some((w) => w.length < 2 || this.#stop.has(w) || NUMBER.test(w))) {
        ids = [this.#surfaceId(surface)];
      } else {
        ids = words.map((w) => this.#surfaceId(w));
        glue = words.map((_, i) => i === 0 ? "" : pieces[2 * i - 1]);
      }
    }
    const simple = pieces.length === 1 && !NUMBER.test(token) && !NUMBER_LIKE.test(token);
    const lower = token.toLowerCase();
    const rank = this.#english && simple ? englishRank(lower) : UNKNOWN_RANK;
    parts = {
      ids,
      glue,
      raw: token,
      id: this.#parts.size,
      simple,
      fragment: this.#english && simple && /^\p{Ll}/u.test(token) &&
        (lower.length <= 3 || rank > DEBRIS_PART_RANK),
      short: token.length <= SHORT_PART,
      known: rank <= WORD_RANK,
    };
    this.#parts.set(token, parts);
    return parts;
  }

  /**
   * Whether the text so far reads as English: at most half of its plain
   * words unknown to the word list (checked after the first 50). Joining
   * debris is pointless, and costly, in text that is not English.
   */
  #mostlyEnglish(): boolean {
    return this.#plain < 50 || this.#unknown * 2 <= this.#plain;
  }

  /** The two tokens joined when they are one word broken by a space ("numb er"), else "". */
  #joinedWord(left: TokenParts, right: TokenParts): string {
    const key = left.id * 0x200000 + right.id;
    let whole = this.#joined.get(key);
    if (whole !== undefined) return whole;
    whole = left.raw + right.raw;
    const rank = englishRank(whole.toLowerCase());
    if (rank > DEBRIS_JOINED_RANK) {
      whole = "";
    } else {
      const rarer = Math.max(
        englishRank(left.raw.toLowerCase()),
        englishRank(right.raw.toLowerCase()),
      );
      if (rank * DEBRIS_RATIO >= rarer) whole = "";
    }
    this.#joined.set(key, whole);
    return whole;
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
    let lastEnd = -2;
    let last: TokenParts | undefined;
    let lastPushed = false;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(normalized); m !== null; m = pattern.exec(normalized)) {
      const raw = m[1];
      if (raw === undefined) {
        pushBreak(out, unit);
        last = undefined;
        continue;
      }
      const spaced = m.index === lastEnd + 1 && normalized[lastEnd] === " ";
      lastEnd = m.index + m[0].length;
      const parts = this.#tokenParts(raw);
      if (spaced && last !== undefined && lastPushed && !parts.simple && /^\d/.test(raw)) {
        this.numbered[out.surface[out.surface.length - 1]]++;
      }
      if (parts.simple) {
        this.#plain++;
        if (!parts.known) this.#unknown++;
      }
      if (
        spaced && last !== undefined && last.simple && parts.fragment &&
        (last.short || parts.short) && this.#mostlyEnglish()
      ) {
        const joined = this.#joinedWord(last, parts);
        if (joined !== "") {
          if (lastPushed) popToken(out);
          lastPushed = this.#push(this.#tokenParts(joined), unit, out);
          last = undefined;
          continue;
        }
      }
      lastPushed = this.#push(parts, unit, out);
      last = parts;
    }
    pushBreak(out, unit);
  }

  /** Pushes a token's parts; tells whether exactly one word was pushed. */
  #push(parts: TokenParts, unit: number, out: PhraseTokens): boolean {
    for (let k = 0; k < parts.ids.length; k++) {
      const surface = parts.ids[k];
      if (surface === BREAK) {
        pushBreak(out, unit);
        continue;
      }
      out.word.push(this.surfaceWord[surface]);
      out.surface.push(surface);
      out.unit.push(unit);
      out.glue?.push(parts.glue[k]);
    }
    return parts.ids.length === 1 && parts.ids[0] !== BREAK;
  }

  /**
   * Merges, in `tokens`, a plural that the word list does not know into its
   * singular when the document also uses the singular ("tarballs" and
   * "tarball"); a plural-looking name the document never writes in the
   * singular ("coreutils") stays.
   */
  mergeAttestedPlurals(tokens: PhraseTokens): void {
    if (!this.#english) return;
    const remap = new Int32Array(this.words.length).map((_, id) => id);
    let changed = false;
    for (let id = 0; id < this.words.length; id++) {
      const word = this.words[id];
      if (word.length <= 3 || !word.endsWith("s") || word.endsWith("ss")) continue;
      const singular = this.#byWord.get(word.slice(0, -1)) ??
        (word.endsWith("es") ? this.#byWord.get(word.slice(0, -2)) : undefined);
      if (singular !== undefined) [remap[id], changed] = [singular, true];
    }
    if (!changed) return;
    for (let i = 0; i < tokens.word.length; i++) {
      if (tokens.word[i] !== BREAK) tokens.word[i] = remap[tokens.word[i]];
    }
    for (let s = 0; s < this.surfaceWord.length; s++) {
      this.surfaceWord[s] = remap[this.surfaceWord[s]];
    }
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

function popToken(out: PhraseTokens): void {
  out.word.pop();
  out.surface.pop();
  out.unit.pop();
  out.glue?.pop();
}

function pushBreak(out: PhraseTokens, unit: number): void {
  const last = out.word.length - 1;
  if (last >= 0 && out.word[last] === BREAK) return;
  out.word.push(BREAK);
  out.surface.push(BREAK);
  out.unit.push(unit);
  out.glue?.push("");
}
