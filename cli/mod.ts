/**
 * `cli/`: the command-line program. Commander wiring (`program.ts`), one
 * function per command (batch, changing and read-only commands), human vs
 * `--json` output, progress, locating the knowledge base, and interrupts.
 * `main.ts` parses with {@linkcode buildProgram} and maps errors to exit
 * codes. This face holds only what `main.ts` needs, so that loading it
 * loads no command: each command's module is imported when it runs (see
 * `program.ts`).
 *
 * @module
 */

export { commandFailure } from "./command_failure.ts";
export { EXIT, type ExitCode } from "./exit_code.ts";
export { interruptExitCode } from "./interrupts.ts";
export { type GlobalOptions, printJson, say } from "./output.ts";
export { buildProgram } from "./program.ts";
