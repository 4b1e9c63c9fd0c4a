/**
 * Shared test helpers: temporary folders, running the CLI as a real
 * subprocess, and reading a knowledge base's state for comparisons.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { sha256Bytes } from "../core/hash.ts";

/** The repository root. */
export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
/** `main.ts`, for running the CLI. */
export const MAIN = join(ROOT, "main.ts");
/** A fixed `SOURCE_DATE_EPOCH` (2026-01-02T03:04:05Z) for byte-identical trees. */
export const EPOCH = "1767323045";

/** Ten words for generated test documents. */
export const HARBOUR_WORDS = [
  "harbour",
  "tide",
  "vessel",
  "berth",
  "cargo",
  "crane",
  "pilot",
  "anchor",
  "buoy",
  "quay",
];

/** A temporary folder removed on dispose. */
export interface TempDir extends AsyncDisposable {
  path: string;
}

/** Creates a temporary folder that `await using` removes. */
export async function tempDir(prefix = "quire-test-"): Promise<TempDir> {
  const path = await Deno.makeTempDir({ prefix });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }).catch(() => {}),
  };
}

/** Writes files under `dir` from a map of relative path → content. */
export async function writeFiles(
  dir: string,
  files: Record<string, string | Uint8Array>,
): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    await Deno.mkdir(dirname(full), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(full, content);
    else await Deno.writeFile(full, content);
  }
}

/** The outcome of one CLI run. */
export interface RunResult {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

/** Options of {@linkcode runQuire} and {@linkcode spawnQuire}. */
export interface RunOptions {
  /** Working directory. @default ROOT */
  cwd?: string;
  /** Extra environment variables (SOURCE_DATE_EPOCH is set to {@linkcode EPOCH} unless given). */
  env?: Record<string, string>;
  /** A command to run Deno under, e.g. `["setpriv", "--bounding-set=-dac_override"]`. */
  wrapper?: string[];
}

function command(args: string[], options: RunOptions): Deno.Command {
  const deno = [Deno.execPath(), "run", "-A", "--quiet", MAIN, ...args];
  const [program, ...rest] = [...(options.wrapper ?? []), ...deno];
  return new Deno.Command(program, {
    args: rest,
    cwd: options.cwd ?? ROOT,
    env: { SOURCE_DATE_EPOCH: EPOCH, NO_COLOR: "1", QUIRE_KB: "", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** Runs `quire <args>` (as `deno run -A main.ts`) and collects its output. */
export function runQuire(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return collect(spawnQuire(args, options));
}

/** Starts `quire <args>` without waiting, for tests that signal or kill it. */
export function spawnQuire(args: string[], options: RunOptions = {}): Deno.ChildProcess {
  return command(args, options).spawn();
}

/** Collects a spawned process's output. */
export async function collect(child: Deno.ChildProcess): Promise<RunResult> {
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    signal: output.signal,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Runs `quire <args> --json` and parses stdout (throws with stderr when it is not JSON). */
export async function runQuireJson<T = unknown>(
  args: string[],
  options: RunOptions = {},
): Promise<{ code: number; json: T; stderr: string }> {
  const result = await runQuire([...args, "--json"], options);
  try {
    return { code: result.code, json: JSON.parse(result.stdout) as T, stderr: result.stderr };
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

async function walkFiles(root: string, dir: string, out: Record<string, string>) {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) await walkFiles(root, path, out);
    else out[relative(root, path).split("\\").join("/")] = sha256Bytes(await Deno.readFile(path));
  }
}

/** Returns `relative path → sha256` for every file under the kb's `raw/` and `wiki/`. */
export async function treeState(kb: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await walkFiles(kb, join(kb, "raw"), out);
  await walkFiles(kb, join(kb, "wiki"), out);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Lists files (kb-relative) left under `.quire/staging/`. */
export async function stagingLeft(kb: string): Promise<string[]> {
  const out: Record<string, string> = {};
  await walkFiles(kb, join(kb, ".quire", "staging"), out);
  return Object.keys(out);
}

/** Returns the registry's documents as `{name, hash, source}`, by name. */
export function registryDocuments(kb: string): { name: string; hash: string; source: string }[] {
  const db = new DatabaseSync(join(kb, ".quire", "registry.db"), { readOnly: true });
  try {
    return db.prepare("SELECT name, hash, source FROM documents ORDER BY name")
      .all() as unknown as {
        name: string;
        hash: string;
        source: string;
      }[];
  } finally {
    db.close();
  }
}

/** Returns the number of journal rows (mutations in flight) in the registry. */
export function journalRows(kb: string): number {
  const db = new DatabaseSync(join(kb, ".quire", "registry.db"), { readOnly: true });
  try {
    return Number((db.prepare("SELECT count(*) AS n FROM mutations").get() as { n: number }).n);
  } finally {
    db.close();
  }
}

/** Reads a file as text. */
export function read(path: string): Promise<string> {
  return Deno.readTextFile(path);
}
