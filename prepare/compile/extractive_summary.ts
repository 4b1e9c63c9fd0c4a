/**
 * The extractive summary: the document's most representative sentences,
 * returned in document order within a sentence and character budget.
 *
 * A sentence qualifies when it is the document's own text (not
 * boilerplate, a reference, a caption or a footnote; see `unit_roles.ts`)
 * and prose (a paragraph sentence or a list item, never a heading or table row), 40–400 characters, at least six words
 * (eight for list items), mostly letters, and does not end in `:` (an
 * introduction to something not shown). When no sentence qualifies, any
 * prose unit of three or more words does, so a document of short bullets
 * still gets a summary. Each candidate scores
 *
 *     key phrases + 0.6 × vocabulary weight + lead bonus
 *
 * where key phrases is the sum of the scores of the key phrases it contains
 * (scaled so the best sentence has 1), vocabulary weight comes from
 * `analyzeKeyPhrases`, and the lead bonus is 0.5 for the first qualifying
 * sentence, 0.25 for the second, 0.15 for the first of each section, plus
 * up to 0.2 fading from the start of the document to its end. The best are
 * taken greedily (ties: earlier first), skipping repeats and any sentence
 * that would break the budget.
 *
 * @module
 */

import type { KeyPhrase } from "./key_phrases.ts";
import type { TextUnit } from "./sentences.ts";
import type { UnitRole } from "./unit_roles.ts";

/** Options of {@linkcode extractiveSummary}. */
export interface ExtractiveSummaryOptions {
  /** Key phrases of the document (with their units). @default [] */
  phrases?: KeyPhrase[];
  /** Per-unit vocabulary weights in 0..1. @default [] */
  unitWeights?: number[];
  /** Most sentences. @default 5 */
  maxSentences?: number;
  /** Most characters, counting one separator between sentences. @default 900 */
  maxChars?: number;
  /** Role of each unit; only body units are summarised (see `unit_roles.ts`). @default all body */
  roles?: UnitRole[];
}

const INLINE_SPECIAL = /[\\`*_[\]<>|~]/g;

/** Counts words; units are single-spaced, so spaces separate words. */
function wordCount(text: string): number {
  let words = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 32) words++;
  return words;
}

/** Whether at least 60% of the non-space characters are letters. */
function mostlyLetters(text: string): boolean {
  let letters = 0;
  let others = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 32) continue;
    const lower = code | 0x20;
    if (lower >= 97 && lower <= 122) letters++;
    else if (code < 128) others++;
    else if (/\p{L}/u.test(text[i])) letters++;
    else others++;
  }
  return letters >= (letters + others) * 0.6;
}

function isProse(unit: TextUnit): boolean {
  return unit.kind === "sentence" || unit.kind === "list-item";
}

function qualifies(unit: TextUnit): boolean {
  const { text } = unit;
  if (!isProse(unit) || text.length < 40 || text.length > 400 || text.endsWith(":")) return false;
  return wordCount(text) >= (unit.kind === "list-item" ? 8 : 6) && mostlyLetters(text);
}

function qualifiesLoosely(unit: TextUnit): boolean {
  return isProse(unit) && unit.text.length <= 400 && wordCount(unit.text) >= 3;
}

/** Returns the indices of the summary's units, ascending (document order). */
export function extractiveSummary(
  units: TextUnit[],
  options: ExtractiveSummaryOptions = {},
): number[] {
  const maxSentences = options.maxSentences ?? 5;
  const maxChars = options.maxChars ?? 900;
  const weights = options.unitWeights ?? [];
  const body = (u: number) => (options.roles?.[u] ?? "body") === "body";
  const candidates: number[] = [];
  for (let u = 0; u < units.length; u++) if (body(u) && qualifies(units[u])) candidates.push(u);
  if (candidates.length === 0) {
    for (let u = 0; u < units.length; u++) {
      if (body(u) && qualifiesLoosely(units[u])) candidates.push(u);
    }
  }
  if (candidates.length === 0) return [];

  const phraseScore = new Float64Array(units.length);
  for (const phrase of options.phrases ?? []) {
    for (const u of phrase.units) phraseScore[u] += phrase.score;
  }
  let phraseTop = 0;
  for (const u of candidates) if (phraseScore[u] > phraseTop) phraseTop = phraseScore[u];

  const score = new Float64Array(units.length);
  const sectionsSeen = new Set<number>();
  candidates.forEach((u, rank) => {
    let lead = rank === 0 ? 0.5 : rank === 1 ? 0.25 : 0;
    if (!sectionsSeen.has(units[u].section)) {
      sectionsSeen.add(units[u].section);
      lead += 0.15;
    }
    lead += 0.2 * (1 - u / units.length);
    const phrases = phraseTop > 0 ? phraseScore[u] / phraseTop : 0;
    score[u] = phrases + 0.6 * (weights[u] ?? 0) + lead;
  });

  const ranked = [...candidates].sort((a, b) => score[b] - score[a] || a - b);
  const picked: number[] = [];
  const seen = new Set<string>();
  let chars = 0;
  for (const u of ranked) {
    if (picked.length >= maxSentences) break;
    const text = units[u].text;
    const key = text.toLowerCase();
    const cost = text.length + (picked.length > 0 ? 1 : 0);
    if (seen.has(key) || chars + cost > maxChars) continue;
    seen.add(key);
    picked.push(u);
    chars += cost;
  }
  return picked.sort((a, b) => a - b);
}

/** Escapes plain text so that markdown renders it as the same text. */
export function escapeMarkdownText(text: string): string {
  return text.replace(INLINE_SPECIAL, "\\$&").replace(/^[#>+\-=]/, "\\$&")
    .replace(/^(\d+)([.)])/, "$1\\$2");
}

/**
 * Renders chosen units as markdown: one paragraph per section, sentences
 * joined by a space, special characters escaped.
 */
export function summaryMarkdown(units: TextUnit[], picked: number[]): string {
  const paragraphs: string[] = [];
  let section: number | undefined;
  for (const u of picked) {
    const text = escapeMarkdownText(units[u].text);
    if (units[u].section === section) paragraphs[paragraphs.length - 1] += " " + text;
    else paragraphs.push(text);
    section = units[u].section;
  }
  return paragraphs.join("\n\n");
}
