/**
 * A concept's note: the passage of a document that best explains it there.
 *
 * The mentions of the phrase are tried in tiers, and the first tier that
 * has any gives the note:
 *
 * 1. a sentence that defines it ("X is a …", "we call this X"; see
 *    `defined_terms.ts`);
 * 2. a substantive sentence: prose of 8 words or more, at most 400
 *    characters, mostly letters, not ending in ":";
 * 3. any other prose sentence, then a list item, then a table row;
 * 4. a figure or table caption, then a footnote.
 *
 * Only the first 100 mentions in the body are read (a definition or a
 * first substantive use comes early), so a note costs the same in a long
 * document. Boilerplate and reference-list units (`unit_roles.ts`) are
 * never quoted.
 * The note is the tier's first mention, followed by its second one when
 * both fit in the budget and differ (joined by a space when they are
 * neighbours in one paragraph, by " … " otherwise). A phrase named only in
 * headings gets the first prose after its first heading (in that section
 * or a sub-section), or "" when none follows. A sentence longer than the
 * budget is cut to a window around the phrase.
 *
 * @module
 */

import { clipText } from "./clip_text.ts";
import { conceptSlug } from "./concept_slug.ts";
import { definedPhrases } from "./defined_terms.ts";
import type { KeyPhrase } from "./key_phrases.ts";
import type { TextUnit } from "./sentences.ts";
import type { UnitRole } from "./unit_roles.ts";

/** Options of {@linkcode conceptNote}. */
export interface ConceptNoteOptions {
  /** Most characters in the note. @default 300 */
  maxChars?: number;
  /** Role of each unit (see `unit_roles.ts`). @default every unit is body text */
  roles?: UnitRole[];
}

const SUBSTANTIVE_WORDS = 8;
/** Mentions read for a note: a definition or first substantive use comes early. */
const MENTIONS_READ = 100;
const SUBSTANTIVE_CHARS = 400;

function words(text: string): number {
  let count = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 32) count++;
  return count;
}

/** Tells whether `text` defines a phrase holding the concept (compared by slug). */
function defines(text: string, slug: string): boolean {
  const wanted = "-" + slug + "-";
  return definedPhrases(text).some((phrase) => ("-" + conceptSlug(phrase) + "-").includes(wanted));
}

function substantive(text: string): boolean {
  if (words(text) < SUBSTANTIVE_WORDS || text.length > SUBSTANTIVE_CHARS) return false;
  if (text.endsWith(":")) return false;
  const letters = text.replace(/[^\p{L}]/gu, "").length;
  return letters >= text.replace(/\s/g, "").length * 0.6;
}

/** The tiers of mentions, best first; each lists unit indices in document order. */
function tiers(units: TextUnit[], phrase: KeyPhrase, roles: UnitRole[] | undefined): number[][] {
  const role = (u: number) => roles?.[u] ?? "body";
  const body = phrase.units.filter((u) => role(u) === "body" && units[u].kind !== "heading")
    .slice(0, MENTIONS_READ);
  const prose = body.filter((u) => units[u].kind === "sentence");
  const items = body.filter((u) => units[u].kind === "list-item");
  const rows = body.filter((u) => units[u].kind === "table-row");
  return [
    [...prose, ...items].filter((u) => defines(units[u].text, phrase.slug)),
    prose.filter((u) => substantive(units[u].text)),
    prose,
    items,
    rows,
    phrase.units.filter((u) => role(u) === "caption"),
    phrase.units.filter((u) => role(u) === "footnote"),
  ];
}

/** Finds the units to quote: the best tier's mentions, else the prose after a heading. */
function noteUnits(units: TextUnit[], phrase: KeyPhrase, roles: UnitRole[] | undefined): number[] {
  for (const tier of tiers(units, phrase, roles)) {
    if (tier.length > 0) return tier.slice(0, 2);
  }
  const heading = phrase.units.find((u) => units[u].kind === "heading");
  if (heading === undefined) return [];
  for (let u = heading + 1; u < units.length; u++) {
    if ((roles?.[u] ?? "body") !== "body") continue;
    if (units[u].kind === "sentence" || units[u].kind === "list-item") return [u];
  }
  return [];
}

/** Where in `text` the phrase shows first (its label's first word), or 0. */
function mentionAt(text: string, label: string): number {
  const first = label.split(/[\s-]/)[0].toLowerCase();
  return Math.max(0, text.toLowerCase().indexOf(first));
}

/** Returns the note of `phrase` in a document, or "" when no unit fits. */
export function conceptNote(
  units: TextUnit[],
  phrase: KeyPhrase,
  options: ConceptNoteOptions = {},
): string {
  const max = options.maxChars ?? 300;
  const [first, second] = noteUnits(units, phrase, options.roles);
  if (first === undefined) return "";
  const text = units[first].text;
  const note = clipText(text, max, { around: mentionAt(text, phrase.label) });
  if (second === undefined || note !== text || units[second].text === text) return note;
  const adjacent = second === first + 1 && units[second].block === units[first].block;
  const joined = text + (adjacent ? " " : " … ") + units[second].text;
  return joined.length <= max ? joined : note;
}
