/**
 * Turning the command line's inputs into an ordered list of things to add.
 *
 * - `http://` and `https://` arguments are URLs; any other scheme (`file:`,
 *   `ftp:`…) is refused for that input.
 * - A file is one input. A folder is walked recursively in a stable order:
 *   entries sorted by name (by UTF-16 code unit, so the order does not depend
 *   on the locale), depth first. Hidden entries (starting with `.`), names
 *   matching the config's `ignore` patterns, and the `raw/` and `wiki/`
 *   folders of any knowledge base met on the way (Quire's own output) are
 *   skipped.
 * - A file found by the walk is marked `walked`: if it turns out to be of a
 *   type Quire does not read, the batch skips it (reason `unsupported`)
 *   instead of failing it. A file named on the command line is not marked.
 * - Symlinks are followed; a symlink loop is reported as an error for that
 *   entry, and the walk goes on.
 * - Problems (missing path, unreadable folder, loop) become per-input errors
 *   in the same list, at the position where they were met.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { errorMessage, type ErrorPayload, InputError } from "../core/errors.ts";
import type { PrepareInput } from "../core/types.ts";

/**
 * One discovered input, or the error met where it would be. `walked` marks a
 * file found by walking a folder (rather than named on the command line): one
 * of a type Quire does not read is skipped, not failed.
 */
export type DiscoveredInput =
  | { kind: "input"; input: PrepareInput; source: string; walked?: boolean }
  | { kind: "error"; error: ErrorPayload; source: string; walked?: boolean };

/** Options of {@linkcode discoverInputs}. */
export interface DiscoverOptions {
  /** Name patterns to skip (`*` and `?` wildcards, matched against the entry name). @default [] */
  ignore?: string[];
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(
    /\?/g,
    ".",
  );
  return new RegExp(`^${escaped}$`);
}

function errorEntry(error: InputError): DiscoveredInput {
  return { kind: "error", error: error.toPayload(), source: error.path };
}

function statError(path: string, error: unknown): InputError {
  if (error instanceof Deno.errors.NotFound) {
    return new InputError("MISSING", `Cannot add '${path}': no such file or directory`, path);
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return new InputError("UNREADABLE", `Cannot add '${path}': permission denied`, path);
  }
  if (error instanceof Deno.errors.FilesystemLoop || /loop/i.test(String(error))) {
    return new InputError("UNREADABLE", `Cannot add '${path}': symlink loop`, path);
  }
  return new InputError("UNREADABLE", `Cannot add '${path}': ${errorMessage(error)}`, path);
}

function urlInput(arg: string): DiscoveredInput | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(arg)?.[1]?.toLowerCase();
  if (scheme === undefined || /^[a-z]$/i.test(scheme)) return undefined; // "C:\…" is a path.
  if (scheme !== "http" && scheme !== "https") {
    return errorEntry(
      new InputError(
        "FETCH",
        `Cannot add '${arg}': only http and https URLs are supported (not '${scheme}:')`,
        arg,
      ),
    );
  }
  let url: URL;
  try {
    url = new URL(arg);
  } catch {
    return errorEntry(new InputError("FETCH", `Cannot add '${arg}': not a valid URL`, arg));
  }
  return { kind: "input", input: { kind: "url", url: url.href }, source: url.href };
}

/** Discovers the inputs named on the command line, in order. */
export async function discoverInputs(
  args: string[],
  options: DiscoverOptions = {},
): Promise<DiscoveredInput[]> {
  const ignore = (options.ignore ?? []).map(globToRegExp);
  const out: DiscoveredInput[] = [];
  for (const arg of args) {
    const url = urlInput(arg);
    if (url !== undefined) {
      out.push(url);
      continue;
    }
    const path = resolve(arg);
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch (error) {
      out.push(errorEntry(statError(path, error)));
      continue;
    }
    if (info.isDirectory) await walk(path, new Set(), ignore, out);
    else out.push({ kind: "input", input: { kind: "file", path }, source: path });
  }
  return out;
}

async function isKbRoot(dir: string): Promise<boolean> {
  try {
    return (await Deno.stat(join(dir, ".quire"))).isDirectory;
  } catch {
    return false;
  }
}

async function walk(
  dir: string,
  ancestors: Set<string>,
  ignore: RegExp[],
  out: DiscoveredInput[],
): Promise<void> {
  let real: string;
  let entries: Deno.DirEntry[];
  try {
    real = await Deno.realPath(dir);
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    out.push(errorEntry(statError(dir, error)));
    return;
  }
  if (ancestors.has(real)) {
    out.push(errorEntry(new InputError("UNREADABLE", `Cannot add '${dir}': symlink loop`, dir)));
    return;
  }
  const inside = new Set(ancestors).add(real);
  const kbRoot = await isKbRoot(dir);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    if (ignore.some((pattern) => pattern.test(entry.name))) continue;
    if (kbRoot && (entry.name === "raw" || entry.name === "wiki")) continue;
    const path = join(dir, entry.name);
    let isDirectory = entry.isDirectory;
    if (entry.isSymlink) {
      try {
        isDirectory = (await Deno.stat(path)).isDirectory;
      } catch (error) {
        out.push(errorEntry(statError(path, error)));
        continue;
      }
    }
    if (isDirectory) await walk(path, inside, ignore, out);
    else out.push({ kind: "input", input: { kind: "file", path }, source: path, walked: true });
  }
}
