/**
 * Ctrl-C (SIGINT) and SIGTERM during a command that changes the knowledge
 * base, handled alike:
 *
 * - The first signal aborts the command's signal: no new input is
 *   dispatched, prepare workers are terminated, the document in the
 *   coordinator's hands finishes or rolls back (a commit is synchronous, so
 *   nothing can cut it in half), staging is removed, and the command exits
 *   with 130 (SIGINT) or 143 (SIGTERM), the shell's 128 + signal number.
 * - If the command has not ended {@linkcode INTERRUPT_GRACE_MS} after that
 *   (a reader stuck on a file that never answers, a slow network share), it
 *   exits anyway with the same code: every commit already ended one way or
 *   the other, and the next command's recovery cleans up the rest (staging,
 *   shared pages still queued).
 * - A second signal exits at once, with the same code; the next run
 *   recovers.
 *
 * @module
 */

import { EXIT, type ExitCode } from "./exit_code.ts";
import { say } from "./output.ts";

/** How long an interrupted command may take to stop before it is ended. */
export const INTERRUPT_GRACE_MS = 10_000;

let received: Deno.Signal | undefined;

/** The exit code of an interrupt: 143 after SIGTERM, else 130. */
export function interruptExitCode(): ExitCode {
  return received === "SIGTERM" ? EXIT.terminated : EXIT.interrupted;
}

/** Options of {@linkcode withInterrupts}. */
export interface InterruptOptions {
  /** Milliseconds from the first signal to a forced exit. @default INTERRUPT_GRACE_MS */
  graceMs?: number;
}

/** Runs `body` with Ctrl-C and SIGTERM turned into an abort of its signal; see the module notes. */
export async function withInterrupts<T>(
  body: (signal: AbortSignal) => Promise<T>,
  options: InterruptOptions = {},
): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const listeners = new Map<Deno.Signal, () => void>();
  const onSignal = (name: Deno.Signal) => {
    if (received !== undefined) Deno.exit(interruptExitCode());
    received = name;
    const again = name === "SIGINT" ? "Ctrl-C" : name;
    say(`Interrupted: finishing the current document, then stopping (${again} again to quit now)`);
    controller.abort(name);
    const graceMs = options.graceMs ?? INTERRUPT_GRACE_MS;
    const forced = setTimeout(() => {
      say(
        `Stopped: the command did not end within ${graceMs / 1000} s of the interrupt; ` +
          "what was committed stays committed, and the next command recovers the rest",
      );
      Deno.exit(interruptExitCode());
    }, graceMs);
    Deno.unrefTimer(forced);
    timer = forced;
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) {
    const listener = () => onSignal(signal);
    listeners.set(signal, listener);
    Deno.addSignalListener(signal, listener);
  }
  try {
    return await body(controller.signal);
  } finally {
    clearTimeout(timer);
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
  }
}
