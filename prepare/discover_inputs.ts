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
 * - Entries are told apart by their own type (`lstat`), never by opening
 *   them: a FIFO, socket or device file is refused as "not a regular file"
 *   (opening a FIFO would block the walk for ever).
 * - A symlink inside a walked folder is followed only when its target (its
 *   real path) stays inside the folder named on the command line (its real
 *   path too); any other symlink is skipped with reason `outside-folder`,
 *   naming its target, so a link to `/etc` never walks `/etc`.
 *   `followSymlinks` (`--follow-symlinks`) follows every link. A path named
 *   on the command line is always followed: the user chose it. A symlink
 *   loop is an error for that entry, and the walk goes on.
 * - Problems (missing path, unreadable folder, loop, special file) become
 *   per-input errors in the same list, at the position where they were met.
 *
 * @module
 */

import { basename, dirname, join, resolve, sep } from "node:path";
import { errorMessage, type ErrorPayload, InputError } from "../core/errors.ts";
import type { PrepareInput } from "../core/types.ts";

/** Why a discovered entry was skipped without being read. */
export type SkipReason = "outside-folder";

/**
 * One discovered input, the error met where it would be, or an entry skipped
 * on purpose. `walked` marks a file found by walking a folder (rather than
 * named on the command line): one of a type Quire does not read is skipped,
 * not failed.
 */
export type DiscoveredInput =
  | { kind: "input"; input: PrepareInput; source: string; walked?: boolean }
  | { kind: "error"; error: ErrorPayload; source: string; walked?: boolean }
  | { kind: "skipped"; reason: SkipReason; source: string; target: string };

/** Options of {@linkcode discoverInputs}. */
export interface DiscoverOptions {
  /** Name patterns to skip (`*` and `?` wildcards, matched against the entry name). @default [] */
  ignore?: string[];
  /** Follow symlinks whose target is outside the walked folder too. @default false */
  followSymlinks?: boolean;
}

/** What one walk needs to know besides the folder at hand. */
interface Walk {
  ignore: RegExp[];
  followSymlinks: boolean;
  /** Real path of the folder named on the command line. */
  root: string;
  out: DiscoveredInput[];
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

/** Names the kind of a file that is neither a regular file nor a folder. */
function specialKind(info: Deno.FileInfo): string {
  if (info.isFifo) return "a FIFO";
  if (info.isSocket) return "a socket";
  if (info.isCharDevice || info.isBlockDevice) return "a device";
  return "a special file";
}

function notRegular(path: string, info: Deno.FileInfo): DiscoveredInput {
  return errorEntry(
    new InputError(
      "UNREADABLE",
      `Cannot add '${path}': not a regular file (${specialKind(info)})`,
      path,
    ),
  );
}

/** The error entry of a walked entry that is neither a file nor a folder (`stat` never opens it). */
async function specialEntry(path: string): Promise<DiscoveredInput> {
  try {
    return notRegular(path, await Deno.stat(path));
  } catch (error) {
    return errorEntry(statError(path, error));
  }
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
    if (info.isDirectory) {
      const root = await Deno.realPath(path).catch(() => path);
      const followSymlinks = options.followSymlinks ?? false;
      await walk(path, new Set(), { ignore, followSymlinks, root, out });
    } else if (info.isFile) {
      out.push({ kind: "input", input: { kind: "file", path }, source: path });
    } else out.push(notRegular(path, info));
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

function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/** True for the `raw/` and `wiki/` folders of a knowledge base (reached through a link). */
async function isKbOutput(real: string): Promise<boolean> {
  return (basename(real) === "raw" || basename(real) === "wiki") && await isKbRoot(dirname(real));
}

async function walk(dir: string, ancestors: Set<string>, state: Walk): Promise<void> {
  const { out } = state;
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
    if (state.ignore.some((pattern) => pattern.test(entry.name))) continue;
    if (kbRoot && (entry.name === "raw" || entry.name === "wiki")) continue;
    const path = join(dir, entry.name);
    let info: { isFile: boolean; isDirectory: boolean } = entry;
    if (entry.isSymlink) {
      let target: string;
      try {
        target = await Deno.realPath(path);
        info = await Deno.stat(target);
      } catch (error) {
        out.push(errorEntry(statError(path, error)));
        continue;
      }
      if (!state.followSymlinks && !isInside(target, state.root)) {
        out.push({ kind: "skipped", reason: "outside-folder", source: path, target });
        continue;
      }
      if (info.isDirectory && await isKbOutput(target)) continue;
    }
    if (info.isDirectory) await walk(path, inside, state);
    else if (info.isFile) {
      out.push({ kind: "input", input: { kind: "file", path }, source: path, walked: true });
    } else out.push(await specialEntry(path));
  }
}
