/**
 * `quire query`: answer a question from the most relevant pages with the
 * configured model, citing them (the matching documents without a model).
 * Read-only like `search`, except `--save`, which goes through a change
 * session like every mutation.
 *
 * @module
 */

import { loadConfig, prepareSettings } from "../core/mod.ts";
import { openChangeSession, saveExploration } from "../commit/mod.ts";
import { answerQuery } from "./answer_query.ts";
import { EXIT } from "./exit_code.ts";
import { locateKnowledgeBase } from "./locate_kb.ts";
import { type GlobalOptions, print, printJson, say } from "./output.ts";
import { describeHits } from "./read_commands.ts";

/** `quire query QUESTION [--save]`. */
export async function queryCommand(
  words: string[],
  flags: { limit: number; save?: boolean },
  options: GlobalOptions,
): Promise<number> {
  const question = words.join(" ").trim();
  const layout = locateKnowledgeBase(options);
  const config = await loadConfig(layout.config);
  const llm = prepareSettings(config).llm;
  const result = await answerQuery(layout, question, {
    llm,
    limit: flags.limit,
    language: config.language,
  });
  let saved: { name: string; page: string } | null = null;
  if (result.answer !== null && flags.save) {
    await using session = await openChangeSession(layout, { waitSeconds: options.wait });
    saved = await saveExploration(session, {
      question,
      answer: result.answer,
      citations: result.citations,
    });
  }
  if (options.json) {
    printJson({ ...result, saved });
    return result.error === null ? EXIT.ok : EXIT.failed;
  }
  if (result.error !== null) {
    say(`${result.error.message}\nThe model gave no answer; the matching documents:`);
    if (flags.save) say("Nothing was saved (--save needs an answer)");
    print(describeHits(result.hits));
    return EXIT.failed;
  }
  if (result.answer === null) {
    say(
      'No LLM is configured, so there is no answer; set "llm" in .quire/config.json. The matching documents:',
    );
    if (flags.save) say("Nothing was saved (--save needs an answer)");
    print(describeHits(result.hits));
    return EXIT.ok;
  }
  print(result.answer);
  if (saved !== null) say(`Saved to ${saved.page}`);
  return EXIT.ok;
}
