/**
 * The offline compiler: a document's description, extractive summary, key
 * phrases and concept notes, with no model and no network. Pure,
 * synchronous and deterministic: the same document gives byte-identical
 * output (no locale-dependent comparison, no reliance on hash ordering), in
 * time roughly linear in the document's size.
 *
 * Steps: markdown → plain blocks (`plain_text.ts`) → sentence units
 * (`sentences.ts`) → key phrases and vocabulary weights (`key_phrases.ts`)
 * → summary sentences (`extractive_summary.ts`) → notes (`concept_notes.ts`).
 *
 * Choices where the spec is silent:
 * - The title counts as the document's first heading unless the body
 *   already starts with it (a reader may have taken it from the first
 *   heading or the first line).
 * - `description` is the summary's first sentence (the lead, by the lead
 *   bonus), else the title, else the first text; cut at a word to 200
 *   characters. It is plain text, as are labels and notes; `summary` is
 *   markdown with special characters escaped.
 * - A concept is `prominent` when it occurs in the title or a heading (the
 *   body's headings and `doc.sections`, at any depth), or when a phrase of
 *   two or more words occurs at least three times. A single word repeated
 *   ("files", "method") is common, not prominent: it needs a title or a
 *   heading.
 * - `score` is relative to the document's best phrase (1), four decimals.
 *
 * @module
 */

import type {
  CompiledDocument,
  ConceptNote,
  ConvertedDocument,
  Section,
} from "../../core/types.ts";
import { clipText } from "./clip_text.ts";
import { conceptNote } from "./concept_notes.ts";
import { extractiveSummary, summaryMarkdown } from "./extractive_summary.ts";
import { analyzeKeyPhrases } from "./key_phrases.ts";
import { type PlainBlock, plainBlocks } from "./plain_text.ts";
import { type TextUnit, textUnits } from "./sentences.ts";
import { unitRoles } from "./unit_roles.ts";

/** Options of {@linkcode compileOffline}. */
export interface CompileOfflineOptions {
  /** Language of the stop words and plural folding (unknown → English stop words). @default "en" */
  language?: string;
  /** Concepts kept for a document of up to 1,000 words. @default 8 */
  conceptsPerDocument?: number;
  /** Most concepts kept for a longer document (never below `conceptsPerDocument`). @default 20 */
  maxConceptsPerDocument?: number;
}

/** Words up to which a document keeps exactly `conceptsPerDocument` concepts. */
export const BASE_DOCUMENT_WORDS = 1000;

/**
 * Returns how many concepts a document of `words` words keeps: `perDocument`
 * up to {@linkcode BASE_DOCUMENT_WORDS} words, then growing with the square
 * root of the length (4 × the words, 2 × the concepts), up to `max`.
 */
export function conceptsForLength(words: number, perDocument: number, max: number): number {
  const scaled = Math.round(perDocument * Math.sqrt(Math.max(1, words / BASE_DOCUMENT_WORDS)));
  return Math.min(Math.max(perDocument, max), scaled);
}

const KEY_PHRASES = 10;
const DESCRIPTION_CHARS = 200;
const NOTE_CHARS = 300;
const PROMINENT_FREQUENCY = 3;

const NUMBERED_HEADING =
  /^(?:\d+(?:\.\d+)*\.?|(?:PART|CHAPTER|SECTION|APPENDIX)\s+[IVX\d]+[.:]?)\s+\p{Lu}/u;

/**
 * Turns a one-line paragraph shaped like a numbered section heading
 * ("7. THE ENTROPY OF AN INFORMATION SOURCE", "2 The system") into a
 * heading: text extracted from a PDF without an outline keeps its section
 * titles only as such lines. At most 10 words, no final period, and either
 * in capitals or of 8 words or fewer.
 */
function promoteNumberedHeadings(blocks: PlainBlock[]): PlainBlock[] {
  return blocks.map((block) => {
    const { text } = block;
    if (block.kind !== "paragraph" || !NUMBERED_HEADING.test(text) || /[.:;,]$/.test(text)) {
      return block;
    }
    const words = text.split(" ").length;
    const capitals = text === text.toUpperCase();
    return words <= 10 && (capitals || words <= 8) ? { kind: "heading", text, level: 2 } : block;
  });
}

function countWords(units: TextUnit[]): number {
  let words = 0;
  for (const unit of units) {
    words++;
    for (let i = 0; i < unit.text.length; i++) if (unit.text.charCodeAt(i) === 32) words++;
  }
  return words;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function sectionTitles(sections: Section[], out: string[] = []): string[] {
  for (const section of sections) {
    out.push(section.title);
    sectionTitles(section.children, out);
  }
  return out;
}

/** Tells whether the body already opens with the title (so it must not count twice). */
function bodyHasTitle(blocks: PlainBlock[], title: string): boolean {
  const wanted = title.replace(/…$/, "").toLowerCase();
  if (blocks.some((block) => block.kind === "heading" && block.text.toLowerCase() === wanted)) {
    return true;
  }
  return blocks.length > 0 && blocks[0].text.toLowerCase().startsWith(wanted);
}

/** The first line with letters or digits, markdown marks trimmed, for documents without prose. */
function firstTextLine(markdown: string): string {
  for (const line of markdown.split("\n")) {
    const text = line.replace(/^[\s#>*+\-=|`~]+/, "");
    if (/[\p{L}\p{N}]/u.test(text)) return text;
  }
  return "";
}

function describe(summaryFirst: string, title: string, blocks: PlainBlock[], markdown: string) {
  const line = summaryFirst || title || (blocks[0]?.text ?? "") || firstTextLine(markdown);
  return clipText(line, DESCRIPTION_CHARS);
}

/** Compiles one converted document without an LLM. */
export function compileOffline(
  doc: ConvertedDocument,
  options: CompileOfflineOptions = {},
): CompiledDocument {
  const language = options.language ?? "en";
  const title = oneLine(doc.title);
  const blocks = promoteNumberedHeadings(plainBlocks(doc.markdown));
  const counted = title !== "" && !bodyHasTitle(blocks, title)
    ? [{ kind: "heading", text: title, level: 1 } as PlainBlock, ...blocks]
    : blocks;
  const units = textUnits(counted);
  const roles = unitRoles(units, { levels: counted.map((block) => block.level) });
  const perDocument = conceptsForLength(
    countWords(units),
    Math.max(0, options.conceptsPerDocument ?? 8),
    options.maxConceptsPerDocument ?? 20,
  );

  const { phrases, unitWeights } = analyzeKeyPhrases(units, {
    language,
    limit: Math.max(30, perDocument, KEY_PHRASES),
    title,
    headings: sectionTitles(doc.sections),
    roles,
  });
  const picked = extractiveSummary(units, { phrases, unitWeights, roles });
  const concepts: ConceptNote[] = phrases.slice(0, perDocument).map((phrase) => ({
    slug: phrase.slug,
    label: phrase.label,
    note: conceptNote(units, phrase, { maxChars: NOTE_CHARS, roles }),
    score: phrase.score,
    prominent: phrase.inHeading ||
      (phrase.words > 1 && phrase.frequency >= PROMINENT_FREQUENCY),
  }));

  return {
    compiler: "offline",
    description: describe(
      picked.length > 0 ? units[picked[0]].text : "",
      title,
      blocks,
      doc.markdown,
    ),
    summary: summaryMarkdown(units, picked),
    keyPhrases: phrases.slice(0, KEY_PHRASES).map((phrase) => phrase.label),
    concepts,
  };
}
