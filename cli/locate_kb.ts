/**
 * Finding the knowledge base a command works on: `--kb`, else `$QUIRE_KB`,
 * else the nearest parent folder with a `.quire/`. `add` and `sync` given
 * `--kb DIR` for a folder that does not exist or is empty create the
 * knowledge base there first.
 *
 * `commit/` is loaded only to create one, so that read commands, which
 * locate the knowledge base too, never load it.
 *
 * @module
 */

import {
  assertNoOwnSymlinks,
  findKnowledgeBase,
  isKnowledgeBase,
  type KbLayout,
  kbLayout,
  QuireError,
} from "../core/mod.ts";
import { type GlobalOptions, say } from "./output.ts";

/** Options of {@linkcode locateKnowledgeBase}. */
export interface LocateOptions {
  /** Return a knowledge base whose own tree holds symbolic links (`lint` reports them). @default false */
  allowSymlinks?: boolean;
}

/**
 * Finds the knowledge base of a command that needs an existing one.
 * @throws {QuireError} `KB_NOT_FOUND` when there is none; `SYMLINK` when its
 * own tree holds a symbolic link (unless allowed).
 */
export function locateKnowledgeBase(
  options: GlobalOptions,
  locate: LocateOptions = {},
): KbLayout {
  const found = findKnowledgeBase({ flag: options.kb });
  if (found === undefined) {
    throw new QuireError(
      "KB_NOT_FOUND",
      `Cannot find a knowledge base: no --kb, no QUIRE_KB, and no '.quire' folder in '${Deno.cwd()}' or its parents`,
      { hint: "Create one with `quire init DIR`, or pass --kb DIR" },
    );
  }
  if (!isKnowledgeBase(found.root)) {
    throw new QuireError(
      "KB_NOT_FOUND",
      `Cannot open knowledge base '${found.root}': it has no '.quire' folder`,
      { hint: `Create it with \`quire init '${found.root}'\`` },
    );
  }
  const layout = kbLayout(found.root);
  if (!locate.allowSymlinks) assertNoOwnSymlinks(layout);
  return layout;
}

/** True when `dir` does not exist or is an empty folder. */
function isMissingOrEmpty(dir: string): boolean {
  try {
    for (const _ of Deno.readDirSync(dir)) return false;
    return true;
  } catch (error) {
    return error instanceof Deno.errors.NotFound;
  }
}

/**
 * Like {@linkcode locateKnowledgeBase}, but `--kb DIR` naming a folder that
 * does not exist or is empty creates the knowledge base there first (and
 * says so): what `add` and `sync` do.
 */
export async function locateOrInitKnowledgeBase(options: GlobalOptions): Promise<KbLayout> {
  if (options.kb === undefined || !isMissingOrEmpty(options.kb)) {
    return locateKnowledgeBase(options);
  }
  const layout = kbLayout(options.kb);
  const { initKnowledgeBase } = await import("../commit/mod.ts");
  await initKnowledgeBase(layout, { waitSeconds: options.wait });
  say(`Initialized a new knowledge base at '${layout.root}'`);
  return layout;
}
