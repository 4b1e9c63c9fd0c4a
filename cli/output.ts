/**
 * Where a command's text goes: human text to stderr, results to stdout (so
 * `--json` output can be piped), and how sizes are shown to people.
 *
 * A stream whose reader has gone (`quire list | head -1`: the pipe is
 * closed) is written no more: the command goes on quietly and exits with its
 * usual code, as `cat` or `ls` would (less noisily than a SIGPIPE).
 *
 * @module
 */

const encoder = new TextEncoder();
const closed = new Set<unknown>();

/**
 * Writes all of `text` to `stream` (stdout or stderr), unless its reader
 * has gone: then nothing, now and later.
 */
export function writeText(stream: typeof Deno.stdout | typeof Deno.stderr, text: string): void {
  if (closed.has(stream)) return;
  const bytes = encoder.encode(text);
  try {
    for (let at = 0; at < bytes.length;) at += stream.writeSync(bytes.subarray(at));
  } catch (error) {
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
    closed.add(stream);
  }
}

/** The global options every command takes. */
export interface GlobalOptions {
  kb?: string;
  json?: boolean;
  quiet?: boolean;
  wait?: number;
}

/** Human text: stderr (stdout is kept for results). */
export function say(text: string): void {
  writeText(Deno.stderr, text + "\n");
}

/** A command's result on stdout. */
export function print(text: string): void {
  writeText(Deno.stdout, text + "\n");
}

/** A command's result on stdout, as indented JSON. */
export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

/** A byte count for people: `512 B`, `1.5 MB` (powers of 1000). */
export function humanBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
