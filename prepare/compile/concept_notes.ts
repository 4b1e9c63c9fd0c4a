/**
 * A concept's note: the sentence(s) where a document discusses it.
 *
 * The note is the first prose sentence mentioning the phrase, followed by
 * the second one when both fit in the budget and differ (joined by a space
 * when they are neighbours in one paragraph, by " … " otherwise). Prose is preferred
 * over list items, list items over table rows. A phrase named only in
 * headings gets the first prose after its first heading (in that section
 * or a sub-section), or "" when none follows.
 * A sentence longer than the budget is cut to a window around the phrase.
 *
 * @module
 */

import { clipText } from "./clip_text.ts";
import type { KeyPhrase } from "./key_phrases.ts";
import type { TextUnit, TextUnitKind } from "./sentences.ts";

/** Options of {@linkcode conceptNote}. */
export interface ConceptNoteOptions {
  /** Most characters in the note. @default 300 */
  maxChars?: number;
}

const PREFERENCE: TextUnitKind[] = ["sentence", "list-item", "table-row"];

/** Finds the units to quote: mentions of the preferred kind, else the prose after a heading. */
function noteUnits(units: TextUnit[], phrase: KeyPhrase): number[] {
  for (const kind of PREFERENCE) {
    const found = phrase.units.filter((u) => units[u].kind === kind);
    if (found.length > 0) return found.slice(0, 2);
  }
  const heading = phrase.units[0];
  if (heading === undefined) return [];
  for (let u = heading + 1; u < units.length; u++) {
    if (units[u].kind === "sentence" || units[u].kind === "list-item") return [u];
  }
  return [];
}

/** Where in `text` the phrase shows first (its label's first word), or 0. */
function mentionAt(text: string, label: string): number {
  const first = label.split(" ")[0].toLowerCase();
  return Math.max(0, text.toLowerCase().indexOf(first));
}

/** Returns the note of `phrase` in a document, or "" when no unit fits. */
export function conceptNote(
  units: TextUnit[],
  phrase: KeyPhrase,
  options: ConceptNoteOptions = {},
): string {
  const max = options.maxChars ?? 300;
  const [first, second] = noteUnits(units, phrase);
  if (first === undefined) return "";
  const text = units[first].text;
  const note = clipText(text, max, { around: mentionAt(text, phrase.label) });
  if (second === undefined || note !== text || units[second].text === text) return note;
  const adjacent = second === first + 1 && units[second].block === units[first].block;
  const joined = text + (adjacent ? " " : " … ") + units[second].text;
  return joined.length <= max ? joined : note;
}
