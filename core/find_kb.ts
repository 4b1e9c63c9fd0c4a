/**
 * Finding the knowledge base a command works on: `--kb DIR`, else the
 * `QUIRE_KB` environment variable, else the nearest ancestor of the working
 * directory that has a `.quire/` folder.
 *
 * @module
 */

import { dirname, join, resolve } from "node:path";

/** How the knowledge base was found. */
export type KbFoundBy = "flag" | "env" | "ancestor";

/** Options of {@linkcode findKnowledgeBase}. */
export interface FindKnowledgeBaseOptions {
  /** The `--kb` flag's value. */
  flag?: string;
  /** The `QUIRE_KB` value. @default Deno.env.get("QUIRE_KB") */
  env?: string;
  /** Where the ancestor search starts. @default Deno.cwd() */
  cwd?: string;
}

/** Returns true when `dir` holds a knowledge base (a `.quire/` folder). */
export function isKnowledgeBase(dir: string): boolean {
  try {
    return Deno.statSync(join(dir, ".quire")).isDirectory;
  } catch {
    return false;
  }
}

/**
 * Returns the knowledge base root and how it was found, or `undefined` when
 * no flag or variable is set and no ancestor has `.quire/`. A root named by
 * the flag or the variable is returned even if it does not exist yet.
 */
export function findKnowledgeBase(
  options: FindKnowledgeBaseOptions = {},
): { root: string; by: KbFoundBy } | undefined {
  if (options.flag) return { root: resolve(options.flag), by: "flag" };
  const env = "env" in options ? options.env : Deno.env.get("QUIRE_KB");
  if (env) return { root: resolve(env), by: "env" };
  let dir = resolve(options.cwd ?? Deno.cwd());
  for (;;) {
    if (isKnowledgeBase(dir)) return { root: dir, by: "ancestor" };
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
