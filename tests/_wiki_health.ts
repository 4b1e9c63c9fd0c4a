/**
 * Checks shared by the corpus tests: a knowledge base stays healthy (lint
 * clean) after a fresh build, after `remove` of half its documents and
 * after `recompile`; and its wiki holds no `file://` link, no `¶` and no
 * control character.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { registryDocuments, runQuire } from "./_helpers.ts";

// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/** Reads every page under `wiki/`: path → text. */
export async function wikiPages(kb: string): Promise<Map<string, string>> {
  const pages = new Map<string, string>();
  const walk = async (dir: string, prefix: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${prefix}${entry.name}`;
      if (entry.isDirectory) await walk(join(dir, entry.name), `${path}/`);
      else if (entry.name.endsWith(".md")) {
        pages.set(path, await Deno.readTextFile(join(dir, entry.name)));
      }
    }
  };
  await walk(join(kb, "wiki"), "");
  return pages;
}

/** Asserts that `lint` finds no problem. */
export async function assertLintClean(kb: string, when: string): Promise<void> {
  const lint = await runQuire(["--kb", kb, "lint"]);
  assert.equal(lint.code, 0, `lint ${when}:\n${lint.stdout}${lint.stderr}`);
}

/** Asserts that no wiki page has a `file://` link, a `¶` or a control character. */
export async function assertCleanPages(kb: string): Promise<void> {
  for (const [path, text] of await wikiPages(kb)) {
    assert.doesNotMatch(text, /file:\/\//, `a file:// link in wiki/${path}`);
    assert.doesNotMatch(text, /¶/, `a ¶ in wiki/${path}`);
    assert.doesNotMatch(text, CONTROL, `a control character in wiki/${path}`);
    assert.doesNotMatch(text, /quire-link:/, `an unresolved link placeholder in wiki/${path}`);
  }
}

/** Removes every second document, then recompiles the rest; lint must stay clean throughout. */
export async function assertHealthyThroughChanges(kb: string): Promise<void> {
  await assertLintClean(kb, "after a fresh build");
  const names = registryDocuments(kb).map((d) => d.name).sort();
  const half = names.filter((_, i) => i % 2 === 0);
  if (half.length > 0) {
    const removed = await runQuire(["--kb", kb, "remove", ...half]);
    assert.equal(removed.code, 0, removed.stderr);
  }
  await assertLintClean(kb, "after removing half the documents");
  const recompiled = await runQuire(["--kb", kb, "recompile", "--jobs", "2"]);
  assert.equal(recompiled.code, 0, recompiled.stderr);
  await assertLintClean(kb, "after recompile");
  await assertCleanPages(kb);
}
