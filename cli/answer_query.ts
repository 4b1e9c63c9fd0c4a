/**
 * `quire query "question"`: finds the documents that match a question and,
 * when an LLM is configured, asks it to answer from their pages, citing them
 * as `[[wikilinks]]`.
 *
 * It changes nothing: it reads one registry snapshot (read-only, no lock)
 * and a few pages, joining `core/` (search) and `prepare/` (the LLM call);
 * saving the answer is `commit/save_exploration.ts`.
 *
 * Choices made where the spec was silent:
 *
 * - The search for a question matches any of its words (`match: "any"`,
 *   bm25 ranks documents with more and rarer words first), after dropping
 *   the stop words of `language`; a question of stop words only is searched
 *   as typed. A quoted phrase stays one term.
 * - The model gets the best `pages` hits, each as one page cited
 *   `[[summaries/<name>]]`: the summary page without its front matter,
 *   then up to `sourceChars` characters of the source page, taken from the
 *   paragraph where a question word first appears (else from the start).
 * - `citations` lists the wiki-relative targets (`summaries/x`, without
 *   `#heading` or label) of the answer's links that resolve to a wiki file,
 *   in order of first appearance. Links to pages that do not exist (a
 *   model can make them up) are turned into their plain label, so a saved
 *   answer never holds a broken link.
 * - Without an LLM the answer is null and the hits are the result. When the
 *   model fails (unreachable, refused key, empty answers), the answer is
 *   null too, with `error` saying why: the search results are still shown.
 *
 * @module
 */

import {
  type ErrorPayload,
  ftsExpression,
  InputError,
  type KbLayout,
  openKbRegistry,
  QuireError,
  scanPage,
  searchDocuments,
  type SearchHit,
} from "../core/mod.ts";
import {
  answerQuestion,
  type FetchLike,
  type LlmSettings,
  type QuestionPage,
  type SleepLike,
  stopWords,
} from "../prepare/mod.ts";

/** What a query found and answered. */
export interface QueryResult {
  question: string;
  /** The model's markdown answer, or null when no LLM is configured. */
  answer: string | null;
  /** The matching documents, best first. */
  hits: SearchHit[];
  /** Wiki-relative targets the answer links to, e.g. `summaries/report`. */
  citations: string[];
  /** Why the configured model gave no answer; null when it answered or none is configured. */
  error: ErrorPayload | null;
}

/** Options of {@linkcode answerQuery}. */
export interface AnswerQueryOptions {
  /** The LLM (`prepareSettings(config).llm`); null means search only. @default null */
  llm?: LlmSettings | null;
  /** Most hits returned. @default 10 */
  limit?: number;
  /** Hits whose pages the model reads. @default 5 */
  pages?: number;
  /** Characters of each source page the model reads. @default 6000 */
  sourceChars?: number;
  /** Characters of page text sent in all (see `answerQuestion`). @default 24000 */
  maxPageChars?: number;
  /** Language of the stop words dropped from the question. @default "en" */
  language?: string;
  /** Cancels the LLM call. */
  signal?: AbortSignal;
  /** The HTTP client, for tests. @default globalThis.fetch */
  fetch?: FetchLike;
  /** The wait between transport retries, for tests. */
  sleep?: SleepLike;
}

/** The question without its stop words, as a search query (quoted phrases kept). */
export function questionQuery(question: string, language: string): string {
  const stop = stopWords(language);
  const parsed = ftsExpression(question);
  if (parsed === null) return question;
  const kept: string[] = [];
  for (const term of parsed.terms) {
    if (term.phrase) {
      kept.push(`"${term.text}"`);
      continue;
    }
    const word = term.text.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    if (!stop.has(word.toLowerCase().replaceAll("’", "'"))) {
      kept.push(`${word}${term.prefix ? "*" : ""}`);
    }
  }
  return kept.length > 0 ? kept.join(" ") : question;
}

async function readOrEmpty(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "";
    throw error;
  }
}

/** Options of {@linkcode sourceExcerpt}. */
export interface SourceExcerptOptions {
  /** Most characters returned (plus the `…` marks). @default 6000 */
  maxChars?: number;
}

/** Returns part of `text`, from the paragraph where one of `terms` first appears. */
export function sourceExcerpt(
  text: string,
  terms: string[],
  options: SourceExcerptOptions = {},
): string {
  const max = options.maxChars ?? 6000;
  if (text.length <= max) return text.trim();
  const lower = text.toLowerCase();
  let first = -1;
  for (const term of terms) {
    const at = lower.indexOf(term.toLowerCase());
    if (at !== -1 && (first === -1 || at < first)) first = at;
  }
  let start = 0;
  if (first > 0) {
    const paragraph = text.lastIndexOf("\n\n", first);
    start = paragraph !== -1 && first - paragraph < max / 2
      ? paragraph + 2
      : Math.max(0, first - Math.floor(max / 4));
  }
  let end = Math.min(text.length, start + max);
  if (end < text.length) {
    const space = text.lastIndexOf(" ", end);
    if (space > start + max / 2) end = space;
  }
  return `${start > 0 ? "…" : ""}${text.slice(start, end).trim()}${end < text.length ? " …" : ""}`;
}

async function questionPages(
  layout: KbLayout,
  hits: SearchHit[],
  terms: string[],
  sourceChars: number,
): Promise<QuestionPage[]> {
  const pages: QuestionPage[] = [];
  for (const hit of hits) {
    const summary = (await readOrEmpty(layout.resolve(hit.page)))
      .replace(/^---\n[\s\S]*?\n---\n/, "").trim();
    const source = sourceExcerpt(await readOrEmpty(layout.resolve(hit.source)), terms, {
      maxChars: sourceChars,
    });
    const text = source === "" ? summary : `${summary}\n\n### From the full text\n\n${source}`;
    pages.push({ title: hit.title || hit.name, path: `summaries/${hit.name}`, text });
  }
  return pages;
}

async function wikiFileExists(layout: KbLayout, target: string): Promise<boolean> {
  if (target.split("/").some((part) => part === "..")) return false;
  for (const path of [`wiki/${target}.md`, `wiki/${target}`]) {
    try {
      if ((await Deno.stat(layout.resolve(path))).isFile) return true;
    } catch {
      // Try the next form.
    }
  }
  return false;
}

/**
 * Finds an answer's citations (links to wiki pages that exist) and turns
 * links to pages that do not exist into their plain label.
 */
export async function checkCitations(
  layout: KbLayout,
  answer: string,
): Promise<{ answer: string; citations: string[] }> {
  const citations: string[] = [];
  const broken = new Map<string, string>();
  const known = new Map<string, boolean>();
  for (const link of scanPage(answer).links) {
    if (link.target === "") continue;
    const target = link.target.replace(/^\/+/, "").replace(/\.md$/i, "");
    if (!known.has(target)) known.set(target, await wikiFileExists(layout, target));
    if (known.get(target)) {
      if (!citations.includes(target)) citations.push(target);
    } else {
      broken.set(link.raw, link.label || link.target);
    }
  }
  let text = answer;
  for (const [raw, label] of broken) text = text.replaceAll(raw, label);
  return { answer: text, citations };
}

/**
 * Searches the knowledge base for `question` and, when `options.llm` is
 * set, answers it from the best pages.
 * @throws {QuireError} `USAGE` when the question is empty.
 * A model that cannot be reached or answers nothing gives `error`, not a throw.
 */
export async function answerQuery(
  layout: KbLayout,
  question: string,
  options: AnswerQueryOptions = {},
): Promise<QueryResult> {
  if (question.trim() === "") {
    throw new QuireError("USAGE", "Cannot answer a query: the question is empty", {
      hint: 'Ask a question, e.g. `quire query "what is X?"`',
    });
  }
  const query = questionQuery(question, options.language ?? "en");
  const db = openKbRegistry(layout, { readOnly: true });
  let hits: SearchHit[];
  try {
    hits = searchDocuments(db, query, { limit: options.limit, match: "any" });
  } finally {
    db.close();
  }
  const llm = options.llm ?? null;
  if (llm === null) return { question, answer: null, hits, citations: [], error: null };
  const terms = (ftsExpression(query)?.terms ?? [])
    .flatMap((term) => term.text.split(/[^\p{L}\p{N}]+/u))
    .filter((word) => word !== "");
  const pages = await questionPages(
    layout,
    hits.slice(0, options.pages ?? 5),
    terms,
    options.sourceChars ?? 6000,
  );
  let raw: string;
  try {
    raw = await answerQuestion({ question, pages }, llm, {
      maxPageChars: options.maxPageChars,
      signal: options.signal,
      fetch: options.fetch,
      sleep: options.sleep,
    });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { question, answer: null, hits, citations: [], error: error.toPayload() };
  }
  const checked = await checkCitations(layout, raw);
  return { question, answer: checked.answer, hits, citations: checked.citations, error: null };
}
