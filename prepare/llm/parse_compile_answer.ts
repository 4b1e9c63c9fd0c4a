/**
 * Checks a model's answer to the compile prompt and normalises it: summary,
 * one-line description, concepts. Harmless defects are repaired instead of
 * rejected, so that a retry (slow, paid) is spent only on answers that carry
 * no usable content.
 *
 * Repaired: JSON inside a ``` fence or surrounded by prose (the outermost
 * `{…}` is tried), a leading `<think>…</think>` block, a summary given as an
 * array of paragraphs, a missing or empty description (the summary's first
 * sentence is used), a description that is multi-line or longer than 200
 * characters (collapsed and cut at a word), concept labels and notes with
 * stray whitespace, notes over 600 characters (cut), and a bad concept after
 * the first `maxConcepts` (dropped, as it would not be kept anyway).
 *
 * Rejected, with a `problem` to tell the model: not JSON, not an object, an
 * empty or non-string summary, a non-string description, `concepts` missing
 * or not an array, or one of the first `maxConcepts` concepts without a
 * non-empty string `label` (of at most 120 characters) and `note`.
 *
 * @module
 */

import { cutLine } from "./cut_text.ts";

/** One concept as the model names it. */
export interface AnsweredConcept {
  label: string;
  note: string;
}

/** A usable compile answer. */
export interface CompileAnswer {
  /** Markdown paragraphs. */
  summary: string;
  /** One line, at most 200 characters. */
  description: string;
  /** In the model's order, most central first. */
  concepts: AnsweredConcept[];
}

/** The outcome of {@linkcode parseCompileAnswer}. */
export type ParsedCompileAnswer =
  | { ok: true; answer: CompileAnswer }
  | { ok: false; problem: string };

/** Options of {@linkcode parseCompileAnswer}. */
export interface ParseCompileAnswerOptions {
  /** Concepts that must be valid; a bad one after these is dropped. @default 8 */
  maxConcepts?: number;
}

const DESCRIPTION_CHARS = 200;
const LABEL_CHARS = 120;
const NOTE_CHARS = 600;

/** Collapses whitespace to single spaces and trims. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Parses the first candidate reading of `content` that is valid JSON. */
function parseJson(content: string): { value: unknown } | undefined {
  const text = content.replace(/^\s*<think>[\s\S]*?<\/think>/, "").trim();
  const candidates = [text];
  const fence = /```[a-zA-Z]*[ \t]*\n([\s\S]*?)\n?[ \t]*```/.exec(text);
  if (fence) candidates.push(fence[1]);
  const first = text.indexOf("{");
  const last = text.lastIndexOf("}");
  if (first !== -1 && last > first) candidates.push(text.slice(first, last + 1));
  for (const candidate of candidates) {
    try {
      return { value: JSON.parse(candidate) };
    } catch {
      // Try the next reading.
    }
  }
  return undefined;
}

function normaliseSummary(value: unknown): string | undefined {
  const joined = Array.isArray(value) && value.every((p) => typeof p === "string")
    ? value.join("\n\n")
    : value;
  if (typeof joined !== "string") return undefined;
  return joined.replace(/\r\n?/g, "\n").replace(/[ \t]+$/gm, "").replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** The first sentence of a markdown summary, as plain text. */
function firstSentence(summary: string): string {
  const plain = oneLine(summary.split(/\n\s*\n/)[0].replace(/[#*_`>[\]]/g, ""));
  const end = plain.search(/[.!?](\s|$)/);
  return end === -1 ? plain : plain.slice(0, end + 1);
}

function checkConcept(item: unknown, index: number): AnsweredConcept | string {
  const where = `'concepts[${index}]'`;
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    return `${where} must be an object with string 'label' and 'note'`;
  }
  const { label, note } = item as Record<string, unknown>;
  if (typeof label !== "string" || typeof note !== "string") {
    return `${where} must have string 'label' and 'note'`;
  }
  const cleanLabel = oneLine(label).replace(/^["'`*_]+|["'`*_]+$/g, "").trim();
  const cleanNote = oneLine(note);
  if (cleanLabel === "" || cleanNote === "") return `${where} has an empty 'label' or 'note'`;
  if (cleanLabel.length > LABEL_CHARS) {
    return `${where}.label is ${cleanLabel.length} characters; a concept is a short phrase`;
  }
  return { label: cleanLabel, note: cutLine(cleanNote, NOTE_CHARS) };
}

/** Checks and normalises the model's answer to the compile prompt. */
export function parseCompileAnswer(
  content: string,
  options: ParseCompileAnswerOptions = {},
): ParsedCompileAnswer {
  const maxConcepts = options.maxConcepts ?? 8;
  const parsed = parseJson(content);
  if (parsed === undefined) return { ok: false, problem: "the answer is not valid JSON" };
  const value = parsed.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, problem: "the answer is not a JSON object" };
  }
  const fields = value as Record<string, unknown>;

  const summary = normaliseSummary(fields.summary);
  if (summary === undefined) {
    return { ok: false, problem: "'summary' must be a string of markdown paragraphs" };
  }
  if (summary === "") return { ok: false, problem: "'summary' is empty" };

  const rawDescription = fields.description ?? "";
  if (typeof rawDescription !== "string") {
    return { ok: false, problem: "'description' must be a string" };
  }
  const description = cutLine(oneLine(rawDescription) || firstSentence(summary), DESCRIPTION_CHARS);

  if (!Array.isArray(fields.concepts)) {
    return { ok: false, problem: "'concepts' must be an array of {label, note} objects" };
  }
  const concepts: AnsweredConcept[] = [];
  for (const [index, item] of fields.concepts.entries()) {
    const checked = checkConcept(item, index);
    if (typeof checked !== "string") concepts.push(checked);
    else if (index < maxConcepts) return { ok: false, problem: checked };
  }
  return { ok: true, answer: { summary, description, concepts } };
}
