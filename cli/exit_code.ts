/**
 * Quire's exit codes, one name each. `main.ts` maps every error kind to one
 * of them; commands return them for their own outcomes.
 *
 * | code | meaning |
 * | --- | --- |
 * | 0 | everything succeeded (duplicates skipped count as success) |
 * | 1 | some inputs failed (the others were committed), or a command failed |
 * | 2 | usage error: bad flag or argument, no knowledge base found, bad config |
 * | 3 | the knowledge base is locked by another process |
 * | 4 | a rollback failed; its journal was kept for the next recovery |
 * | 5 | the registry is missing, empty or damaged while the knowledge base holds documents; `quire repair` rebuilds it |
 * | 130 | interrupted (Ctrl-C); what was committed stays committed |
 * | 143 | terminated (SIGTERM), handled like Ctrl-C; what was committed stays committed |
 *
 * @module
 */

/** The exit codes, documented above. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  locked: 3,
  rollback: 4,
  damaged: 5,
  interrupted: 130,
  terminated: 143,
} as const;

/** One of Quire's exit codes. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
