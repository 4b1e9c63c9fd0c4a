/**
 * The closed set of error kinds Quire raises on purpose.
 *
 * Two families:
 *
 * - {@linkcode QuireError} and its subclasses stop a whole command. `main.ts`
 *   alone turns them into a message, a hint and an exit code (its
 *   `EXIT_CODE_OF` table, a `Record<ErrorCode, ExitCode>`, so a new code
 *   without an exit code fails the type check). Their `code` comes from
 *   {@linkcode ErrorCode}.
 * - {@linkcode InputError} fails one input of a batch. It is reported in the
 *   batch result (`failed[]`) and the batch goes on. Its `code` comes from
 *   {@linkcode InputErrorCode}. It crosses the worker boundary as a plain
 *   {@linkcode ErrorPayload}, never as an `Error` instance, because structured
 *   clone drops the subclass and its extra fields.
 *
 * Messages follow "Cannot <verb> <object>: <current state>", sentence case,
 * no final period, quoted values.
 *
 * @module
 */

/** Codes of errors that stop a command. */
export type ErrorCode =
  | "USAGE"
  | "KB_NOT_FOUND"
  | "CONFIG"
  | "NOT_FOUND"
  | "LOCKED"
  | "NOT_LOCKED"
  | "REGISTRY"
  | "REGISTRY_DAMAGED"
  | "SYMLINK"
  | "NO_SPACE"
  | "IO"
  | "ROLLBACK_FAILED"
  | "POISONED"
  | "INTERRUPTED"
  | "WATCH"
  | "BUNDLE";

/** Codes of errors that fail one input and let the batch go on. */
export type InputErrorCode =
  | "MISSING"
  | "UNREADABLE"
  | "UNSUPPORTED_TYPE"
  | "EMPTY"
  | "BAD_ENCODING"
  | "NO_TEXT"
  | "ENCRYPTED"
  | "CORRUPT"
  | "TOO_LARGE"
  | "FETCH"
  | "TIMEOUT"
  | "REMOTE"
  | "NOT_READY"
  | "LLM"
  | "LLM_TRUNCATED"
  | "WORKER"
  | "PUBLISH"
  | "NO_SPACE";

/** Options shared by Quire's error constructors. */
export interface QuireErrorOptions extends ErrorOptions {
  /** What the user can do about it, printed after the message. */
  hint?: string;
}

/** An expected error that stops a command; `main.ts` maps `code` to an exit code. */
export class QuireError extends Error {
  /** Machine-readable kind of the failure. */
  readonly code: ErrorCode;
  /** What the user can do about it. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options?: QuireErrorOptions) {
    super(message, options);
    this.name = "QuireError";
    this.code = code;
    this.hint = options?.hint;
  }
}

/** Another process holds the knowledge base's exclusive lock. */
export class IngestLockedError extends QuireError {
  /** The holder's pid, when the lock file names one. */
  readonly pid: number | undefined;

  constructor(message: string, pid: number | undefined, options?: QuireErrorOptions) {
    super("LOCKED", message, options);
    this.name = "IngestLockedError";
    this.pid = pid;
  }
}

/** A rollback did not complete; its journal is kept for the next recovery. */
export class RollbackFailedError extends QuireError {
  constructor(message: string, options?: QuireErrorOptions) {
    super("ROLLBACK_FAILED", message, options);
    this.name = "RollbackFailedError";
  }
}

/**
 * The coordinator hit a failure whose outcome on disk is unknown. Every later
 * call throws this; only a new process (whose lock runs recovery) clears it.
 */
export class CoordinatorPoisonedError extends QuireError {
  constructor(message: string, options?: QuireErrorOptions) {
    super("POISONED", message, options);
    this.name = "CoordinatorPoisonedError";
  }
}

/** The plain-data form of an input error, safe to `postMessage`. */
export interface ErrorPayload {
  code: InputErrorCode;
  message: string;
  path: string;
}

/** One input cannot be added; the rest of the batch goes on. */
export class InputError extends Error {
  /** Machine-readable kind of the failure. */
  readonly code: InputErrorCode;
  /** The input it concerns (file path, URL or remote id). */
  readonly path: string;

  constructor(code: InputErrorCode, message: string, path: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InputError";
    this.code = code;
    this.path = path;
  }

  /** Returns the structured-clone-safe form of this error. */
  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, path: this.path };
  }
}

/** The message of anything thrown: an `Error`'s message, else its text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const DISK_FULL = /no space left on device|os error 28|disk is full|SQLITE_FULL|quota exceeded/i;

/** True when an error says the disk (or the registry's database) is full. */
export function isDiskFull(error: unknown): boolean {
  return DISK_FULL.test(errorMessage(error));
}

/**
 * Describes a failure of input `path` at step `verb` ("prepare", "add"…):
 * input errors keep their code and message; a full disk is `NO_SPACE` with
 * what to do; anything else is `fallback`.
 */
export function failurePayload(
  error: unknown,
  path: string,
  options: { verb: string; fallback: InputErrorCode },
): ErrorPayload {
  if (error instanceof InputError) return error.toPayload();
  const message = errorMessage(error);
  if (isDiskFull(error)) {
    return {
      code: "NO_SPACE",
      message:
        `Cannot ${options.verb} '${path}': the disk is full (${message}); free some space and run the command again`,
      path,
    };
  }
  return { code: options.fallback, message: `Cannot ${options.verb} '${path}': ${message}`, path };
}

/**
 * Converts anything thrown while preparing `path` into a payload. Input errors
 * keep their code; a full disk is `NO_SPACE`; anything else is `WORKER`.
 */
export function toErrorPayload(error: unknown, path: string): ErrorPayload {
  return failurePayload(error, path, { verb: "prepare", fallback: "WORKER" });
}
