/**
 * `cli/`: the command-line program. Commander wiring (`program.ts`), one
 * function per command (batch, changing and read-only commands), human vs
 * `--json` output, progress, locating the knowledge base, and interrupts.
 * `main.ts` parses with {@linkcode buildProgram} and maps errors to exit
 * codes.
 *
 * @module
 */

export { answerQuery, type AnswerQueryOptions, type QueryResult } from "./answer_query.ts";
export { commandFailure } from "./command_failure.ts";
export { EXIT, type ExitCode } from "./exit_code.ts";
export { interruptExitCode } from "./interrupts.ts";
export { type GlobalOptions, printJson, say } from "./output.ts";
export { buildProgram } from "./program.ts";
export { describe, ProgressReporter } from "./progress_reporter.ts";
