#!/usr/bin/env -S deno run -A
/**
 * Quire's entry point: parse the command line, run the command, and turn
 * whatever it threw into a message and an exit code, here and nowhere else.
 * The commands themselves live in `cli/`; the exit codes are documented in
 * `cli/exit_code.ts` and the README.
 *
 * Three kinds of failure:
 *
 * - a {@linkcode QuireError} (an expected failure that stops the command):
 *   its message and hint, and the exit code of its kind from
 *   {@linkcode EXIT_CODE_OF};
 * - an {@linkcode InputError} that escaped a batch: its message, exit 1;
 * - a failure of the disk or of SQLite that escaped a command is first
 *   named by `commandFailure` (`REGISTRY_DAMAGED`, `NO_SPACE`, `IO`);
 * - anything else is a bug: the stack, and exit 1.
 *
 * With `--json`, the error is also printed as JSON on stdout.
 *
 * @module
 */

import { CommanderError } from "commander";
import { type ErrorCode, InputError, QuireError } from "./core/mod.ts";
import {
  buildProgram,
  commandFailure,
  EXIT,
  type ExitCode,
  type GlobalOptions,
  interruptExitCode,
  printJson,
  say,
} from "./cli/mod.ts";

/** The exit code of every kind of error that stops a command. */
const EXIT_CODE_OF: Record<ErrorCode, ExitCode> = {
  USAGE: EXIT.usage,
  KB_NOT_FOUND: EXIT.usage,
  CONFIG: EXIT.usage,
  NOT_FOUND: EXIT.failed,
  LOCKED: EXIT.locked,
  NOT_LOCKED: EXIT.failed,
  REGISTRY: EXIT.failed,
  REGISTRY_DAMAGED: EXIT.damaged,
  SYMLINK: EXIT.usage,
  NO_SPACE: EXIT.failed,
  IO: EXIT.failed,
  ROLLBACK_FAILED: EXIT.rollback,
  POISONED: EXIT.rollback,
  INTERRUPTED: EXIT.interrupted,
  WATCH: EXIT.failed,
  BUNDLE: EXIT.usage,
};

/** Turns any error into a message and an exit code. */
function exitCodeForError(error: unknown, json: boolean): ExitCode {
  if (error instanceof CommanderError) {
    const quiet = ["commander.helpDisplayed", "commander.version", "commander.help"];
    return quiet.includes(error.code) ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof QuireError) {
    say(`error: ${error.message}${error.hint ? `\nhint: ${error.hint}` : ""}`);
    if (json) {
      printJson({ error: { code: error.code, message: error.message, hint: error.hint ?? null } });
    }
    // An interrupt is 130 after Ctrl-C, 143 after SIGTERM.
    return error.code === "INTERRUPTED" ? interruptExitCode() : EXIT_CODE_OF[error.code];
  }
  if (error instanceof InputError) {
    say(`error: ${error.message}`);
    if (json) printJson({ error: { code: error.code, message: error.message, hint: null } });
    return EXIT.failed;
  }
  const stack = error instanceof Error ? error.stack ?? error.message : String(error);
  say(`error: an unexpected failure (a bug in Quire; please report it):\n${stack}`);
  return EXIT.failed;
}

/** Runs the command line and returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    // A failure of the disk or of SQLite becomes a named error, not a bug.
    const failure = commandFailure(error, program.opts<GlobalOptions>());
    code = exitCodeForError(failure, args.includes("--json"));
  }
  return code;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
