/**
 * The last translation before `main.ts`: an error that escaped a command
 * without being one of Quire's own kinds is, when it comes from the disk or
 * from SQLite, still a failure the user can act on, not a bug. It becomes:
 *
 * - `REGISTRY_DAMAGED` when SQLite says the registry file is damaged
 *   (`SQLITE_CORRUPT`, `SQLITE_NOTADB`), naming the file and `quire repair`;
 * - `NO_SPACE` when the disk (or the registry) is full;
 * - `IO` for any other error of the file system or of SQLite's I/O (a
 *   read-only disk, a permission, a failing device).
 *
 * Each message names the knowledge base and quotes the system's message,
 * which names the file. Everything else (a real bug) passes through and
 * `main.ts` prints its stack. Nothing committed is lost in any of these
 * cases: a change that stopped half-way is finished or rolled back by the
 * next recovery.
 *
 * @module
 */

import { CommanderError } from "commander";
import {
  errorMessage,
  findKnowledgeBase,
  InjectedFault,
  InputError,
  isDiskFull,
  kbLayout,
  QuireError,
  registryFailure,
  sqliteCode,
} from "../core/mod.ts";
import type { GlobalOptions } from "./output.ts";

/**
 * True for an error raised by the file system (a `Deno.errors` class or an
 * OS error code), or an `InjectedFault`, which stands for one in the tests.
 */
function isFileSystemError(error: unknown): boolean {
  if (error instanceof InjectedFault) return true;
  if (Object.values(Deno.errors).some((kind) => error instanceof kind)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^E[A-Z]+$/.test(code);
}

/** Turns what a command threw into the error the user should see (see the module comment). */
export function commandFailure(error: unknown, options: GlobalOptions): unknown {
  if (
    error instanceof QuireError || error instanceof InputError || error instanceof CommanderError
  ) return error;
  const found = findKnowledgeBase({ flag: options.kb });
  const root = found?.root ?? Deno.cwd();
  if (sqliteCode(error) !== undefined || /SQLITE|database/i.test(errorMessage(error))) {
    const failure = registryFailure(kbLayout(root).registry, error);
    if (failure instanceof QuireError) return failure;
  }
  if (isDiskFull(error)) {
    return new QuireError(
      "NO_SPACE",
      `Cannot finish the command on knowledge base '${root}': the disk is full (${
        errorMessage(error)
      })`,
      {
        cause: error,
        hint:
          "Free some space and run the command again; what was committed is kept, and the next change (or `quire recover`) finishes anything left half-done",
      },
    );
  }
  if (isFileSystemError(error)) {
    return new QuireError(
      "IO",
      `Cannot finish the command on knowledge base '${root}': ${errorMessage(error)}`,
      {
        cause: error,
        hint:
          "Check the disk and the file's permissions, then run the command again; what was committed is kept",
      },
    );
  }
  return error;
}
