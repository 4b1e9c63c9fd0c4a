/**
 * Where a command's text goes: human text to stderr, results to stdout (so
 * `--json` output can be piped), and how sizes are shown to people.
 *
 * @module
 */

const encoder = new TextEncoder();

/** The global options every command takes. */
export interface GlobalOptions {
  kb?: string;
  json?: boolean;
  quiet?: boolean;
  wait?: number;
}

/** Human text: stderr (stdout is kept for results). */
export function say(text: string): void {
  Deno.stderr.writeSync(encoder.encode(text + "\n"));
}

/** A command's result on stdout. */
export function print(text: string): void {
  Deno.stdout.writeSync(encoder.encode(text + "\n"));
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
