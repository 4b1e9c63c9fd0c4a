/**
 * Progress of a batch, on stderr.
 *
 * - On a terminal: one live line (done/total, last document, rate, ETA),
 *   redrawn in place and trimmed to the terminal's width. Errors are printed
 *   on their own lines above it, so they are never garbled.
 * - Otherwise (CI logs, pipes): one plain line per finished input (`added
 *   name (source) 12 ms`, `skipped …`, `failed … : reason`).
 * - `quiet`: only failures and warnings.
 *
 * A document compiled offline because the model failed gets a warning line
 * (`warning: name compiled offline: cause`) wherever a failure would show.
 *
 * The final summary is printed by the caller.
 *
 * @module
 */

import type { BatchEvent } from "../commit/mod.ts";
import { writeText } from "./output.ts";

/** Options of {@linkcode ProgressReporter}. */
export interface ProgressReporterOptions {
  /** Redraw one live line instead of printing a line per input. @default stderr is a terminal */
  live?: boolean;
  /** Print only failures. @default false */
  quiet?: boolean;
  /** Where text goes. @default stderr */
  write?: (text: string) => void;
  /** Terminal width for the live line. @default Deno.consoleSize().columns or 80 */
  columns?: number;
}

function writeStderr(text: string): void {
  writeText(Deno.stderr, text);
}

function columnsOfTerminal(): number {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return 80;
  }
}

/** Renders add/sync events as progress text. */
export class ProgressReporter {
  #live: boolean;
  #quiet: boolean;
  #write: (text: string) => void;
  #columns: number;
  #started = performance.now();
  #lineShown = false;

  constructor(options: ProgressReporterOptions = {}) {
    this.#live = options.live ?? Deno.stderr.isTerminal();
    this.#quiet = options.quiet ?? false;
    this.#write = options.write ?? writeStderr;
    this.#columns = options.columns ?? (this.#live ? columnsOfTerminal() : 80);
  }

  /** Reports one finished input. */
  onEvent(event: BatchEvent): void {
    const line = describe(event);
    // A link left out is shown like a failure (even on a live line), but not when quiet.
    const note = event.kind === "skipped" && event.reason === "outside-folder" && !this.#quiet;
    if (event.kind === "failed" || note) {
      this.#clear();
      this.#write(line + "\n");
    } else if (!this.#quiet && !this.#live) {
      this.#write(line + "\n");
    }
    const warning = warningOf(event);
    if (warning !== null) {
      this.#clear();
      this.#write(warning + "\n");
    }
    if (this.#live && !this.#quiet) this.#draw(event);
  }

  /** Removes the live line (call before printing the summary). */
  finish(): void {
    this.#clear();
  }

  #draw(event: BatchEvent): void {
    const seconds = (performance.now() - this.#started) / 1000;
    const rate = seconds > 0 ? event.done / seconds : 0;
    const eta = rate > 0 ? Math.round((event.total - event.done) / rate) : 0;
    const current = event.kind === "failed" || event.kind === "skipped" ? event.source : event.name;
    const text = `[${event.done}/${event.total}] ${current} · ${
      rate.toFixed(1)
    } docs/s · ETA ${eta} s`;
    const width = Math.max(10, this.#columns - 1);
    this.#write(`\r\x1b[2K${text.length > width ? text.slice(0, width - 1) + "…" : text}`);
    this.#lineShown = true;
  }

  #clear(): void {
    if (!this.#lineShown) return;
    this.#write("\r\x1b[2K");
    this.#lineShown = false;
  }
}

/** The warning line of an event, or null: a document compiled offline because the model failed. */
export function warningOf(event: BatchEvent): string | null {
  if ((event.kind !== "added" && event.kind !== "updated") || !event.fallback) return null;
  return `warning: ${event.name} compiled offline: ${event.fallback.cause}`;
}

/** Describes one event as a plain line. */
export function describe(event: BatchEvent): string {
  switch (event.kind) {
    case "added":
    case "updated":
      return `${event.kind} ${event.name} (${event.source}) ${event.ms} ms`;
    case "removed":
      return `removed ${event.name} (${event.source})`;
    case "skipped":
      if (event.reason === "outside-folder") {
        return `skipped ${event.source}: links to '${event.target}', outside the folder ` +
          `(--follow-symlinks follows it)`;
      }
      return event.reason === "duplicate"
        ? `skipped ${event.source}: duplicate of ${event.existing}`
        : `skipped ${event.source}: ${event.detail}`;
    case "failed":
      return `failed ${event.source}: ${event.error}`;
  }
}
