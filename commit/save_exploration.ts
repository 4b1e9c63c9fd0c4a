/**
 * `quire query --save`: keeps an answer as a page of the wiki,
 * `wiki/explorations/<name>.md`, published through the coordinator like any
 * other change (staged, fsynced, journaled, renamed into place, recorded in
 * the `explorations` table by the commit marker, logged as `save`), so a
 * crash leaves either the whole exploration or nothing.
 *
 * Choices made where the spec was silent:
 *
 * - The name is {@linkcode safeName} of the question (`exploration` when
 *   nothing usable is left), suffixed `-2`, `-3`… when an exploration row or
 *   a file of that name exists, so saving the same question twice keeps
 *   both answers.
 * - The page is front matter (`question`, `created`, `cites`: the cited
 *   wiki-relative targets, deduplicated), the question as its title, then
 *   the answer as given, with any raw HTML in it made text.
 * - The shared pages (`index.md`, `log.md`) are rebuilt before returning
 *   unless `rebuild: false` is passed (for a caller that saves several and
 *   rebuilds once).
 *
 * @module
 */

import { join } from "node:path";
import { timestamp } from "../core/clock.ts";
import { ensureDirectory, exists, removeIfExists, writeFileDurably } from "../core/durable_fs.ts";
import { QuireError } from "../core/errors.ts";
import { explorationPage, INDEX_PAGE, LOG_PAGE } from "../core/layout.ts";
import { inlineText, neutralizeHtml, renderFrontMatter } from "../core/markdown.ts";
import { safeName, uniqueName } from "../core/naming.ts";
import { recordedLinks } from "../core/wiki_links.ts";
import type { ChangeSession } from "./change_session.ts";
import { backlinkPages } from "./record_links.ts";

/** An answer to keep. */
export interface ExplorationInput {
  question: string;
  /** The answer, markdown. */
  answer: string;
  /** Wiki-relative link targets the answer cites, e.g. `summaries/report`. */
  citations: string[];
}

/** Where an exploration was saved. */
export interface SavedExploration {
  /** The exploration's name. */
  name: string;
  /** Its page, kb-relative (`wiki/explorations/<name>.md`). */
  page: string;
}

/** Options of {@linkcode saveExploration}. */
export interface SaveExplorationOptions {
  /** Rebuild the shared pages (index, log) before returning. @default true */
  rebuild?: boolean;
}

/** Renders an exploration page. */
export function renderExplorationPage(input: ExplorationInput, createdAt: string): string {
  const cites = [...new Set(input.citations.map((c) => c.trim()).filter((c) => c !== ""))];
  const front = renderFrontMatter({
    question: input.question.replace(/\s+/g, " ").trim(),
    created: createdAt,
    cites,
  });
  return `${front}# ${inlineText(input.question)}\n\n${neutralizeHtml(input.answer.trim())}\n`;
}

/**
 * Saves an answer as `wiki/explorations/<name>.md` through the session's
 * coordinator; the session must stay open until this returns.
 * @throws {QuireError} `USAGE` when the question or the answer is empty.
 * @throws {RollbackFailedError} when the change failed and so did its rollback.
 */
export async function saveExploration(
  session: ChangeSession,
  input: ExplorationInput,
  options: SaveExplorationOptions = {},
): Promise<SavedExploration> {
  if (input.question.trim() === "" || input.answer.trim() === "") {
    throw new QuireError(
      "USAGE",
      `Cannot save an exploration: the ${
        input.question.trim() === "" ? "question" : "answer"
      } is empty`,
      { hint: "Save only a question that got an answer" },
    );
  }
  const { layout, db } = session;
  const taken = db.prepare("SELECT 1 FROM explorations WHERE name = ?");
  const name = uniqueName(
    safeName(input.question, "exploration"),
    (candidate) =>
      taken.get(candidate) !== undefined ||
      exists(layout.resolve(explorationPage(candidate))),
  );
  const page = explorationPage(name);
  const question = input.question.replace(/\s+/g, " ").trim();
  const createdAt = timestamp();
  const staging = `.quire/staging/save-${crypto.randomUUID()}`;
  const staged = `${staging}/${name}.md`;
  const text = renderExplorationPage(input, createdAt);
  const links = recordedLinks(`explorations/${name}`, [text]);
  try {
    ensureDirectory(layout.resolve(staging));
    writeFileDurably(layout.resolve(staged), text);
    await session.coordinator.apply({
      kind: "save",
      target: name,
      staging,
      changes: [{ path: page, staged }],
      record: { op: "put-exploration", name, question, createdAt, links },
      log: { op: "save", name, detail: question },
      rebuild: [INDEX_PAGE, LOG_PAGE, ...backlinkPages([], links)],
    });
  } catch (error) {
    // After a failed rollback the journal may still need the staging; recovery removes it.
    if (session.coordinator.state !== "failed") removeIfExists(join(layout.root, staging));
    throw error;
  }
  if (options.rebuild ?? true) await session.rebuild();
  return { name, page };
}
