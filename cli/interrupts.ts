/**
 * Ctrl-C (and SIGTERM) during a command that changes the knowledge base: the
 * first signal aborts (the batch stops after the document in the
 * coordinator's hands), the second exits at once and leaves the rest to the
 * next run's recovery.
 *
 * @module
 */

import { EXIT } from "./exit_code.ts";
import { say } from "./output.ts";

/** Runs `body` with Ctrl-C (and SIGTERM) turned into an abort of its signal. */
export async function withInterrupts<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let count = 0;
  const onSignal = () => {
    if (++count === 1) {
      say("Interrupted: finishing the current document, then stopping (Ctrl-C again to quit now)");
      controller.abort();
    } else {
      Deno.exit(EXIT.interrupted);
    }
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, onSignal);
  try {
    return await body(controller.signal);
  } finally {
    for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
  }
}
