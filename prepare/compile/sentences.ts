/**
 * Sentence splitting, and the text units the offline compiler works on.
 *
 * A sentence ends at `.`, `!`, `?` or `…` (plus closing quotes or brackets)
 * followed by white space and a sentence start: an uppercase or uncased
 * letter, a digit, or an opening quote or bracket. A single `.` does not end
 * a sentence after a known abbreviation ("Dr.", "e.g.", "vs."), a single
 * capital letter (initials), or dotted letters ("U.S.", "Ph.D."); decimals and URLs
 * never have white space after their dots, so they need no rule. CJK full
 * stops (`。！？`) end a sentence without white space.
 *
 * Units: every heading, list item and table row is its own unit; paragraphs
 * and list items are split into sentences. Whoever picks summary sentences
 * decides which kinds to use (headings are for structure, not summaries).
 *
 * @module
 */

import type { PlainBlock } from "./plain_text.ts";

/** What a unit of text is. */
export type TextUnitKind = "heading" | "sentence" | "list-item" | "table-row";

/** One sentence-sized piece of a document, in document order. */
export interface TextUnit {
  /** What the unit is; list items split into sentences keep "list-item". */
  kind: TextUnitKind;
  /** The text, on one line. */
  text: string;
  /** Index of the block it came from. */
  block: number;
  /** Index of the unit of the heading it falls under; -1 before the first heading. */
  section: number;
}

const TERMINATOR = /(?:[.!?…]+|[。！？]+)["'”’»)\]」』]*/g;
const SENTENCE_START = /[\p{Lu}\p{Lt}\p{Lo}\p{N}"'“‘(\[¿¡«]/u;
const DOTTED_LETTERS = /^(?:\p{L}{1,2}\.)+\p{L}{1,2}$/u;
const SINGLE_LETTER = /^\p{Lu}$/u;
const CJK_STOP = /^[。！？]/;
const ABBREVIATIONS = new Set(
  `mr mrs ms dr prof sr jr st vs fig figs eq eqs no nos vol vols pp ch sec approx dept est cf al
  jan feb mar apr jun jul aug sep sept oct nov dec mt ft ca gen col lt sgt rev hon bzw usw nr abs
  vgl ggf sra srta dra mme mlle env pag`.split(/\s+/),
);

/** Tells whether the `.` at `dot` closes an abbreviation or an initial. */
function isAbbreviation(text: string, dot: number): boolean {
  let start = dot;
  while (start > 0 && !/\s/.test(text[start - 1])) start--;
  const word = text.slice(start, dot).replace(/^[("'“‘[]+/, "");
  return SINGLE_LETTER.test(word) || DOTTED_LETTERS.test(word) ||
    ABBREVIATIONS.has(word.toLowerCase());
}

/** Splits one paragraph of plain text into sentences, trimmed, none empty. */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  TERMINATOR.lastIndex = 0;
  for (let m = TERMINATOR.exec(text); m !== null; m = TERMINATOR.exec(text)) {
    const end = m.index + m[0].length;
    let next = end;
    if (!CJK_STOP.test(m[0])) {
      if (end >= text.length || !/\s/.test(text[end])) continue;
      while (next < text.length && /\s/.test(text[next])) next++;
      if (next >= text.length || !SENTENCE_START.test(text[next])) continue;
      if (m[0] === "." && isAbbreviation(text, m.index)) continue;
    } else {
      while (next < text.length && /\s/.test(text[next])) next++;
    }
    const sentence = text.slice(start, end).trim();
    if (sentence !== "") sentences.push(sentence);
    start = next;
  }
  const rest = text.slice(start).trim();
  if (rest !== "") sentences.push(rest);
  return sentences;
}

/** Cuts plain-text blocks into units: headings and table rows whole, prose into sentences. */
export function textUnits(blocks: PlainBlock[]): TextUnit[] {
  const units: TextUnit[] = [];
  let section = -1;
  for (let block = 0; block < blocks.length; block++) {
    const { kind, text } = blocks[block];
    if (kind === "heading") {
      section = units.length;
      units.push({ kind: "heading", text, block, section });
    } else if (kind === "table-row") {
      units.push({ kind: "table-row", text, block, section });
    } else {
      const unitKind = kind === "list-item" ? "list-item" : "sentence";
      for (const sentence of splitSentences(text)) {
        units.push({ kind: unitKind, text: sentence, block, section });
      }
    }
  }
  return units;
}
