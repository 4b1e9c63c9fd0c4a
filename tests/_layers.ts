/**
 * The layer rules of ARCHITECTURE.md, checked on source text:
 *
 * - `core/` imports nothing of ours outside `core/`;
 * - `prepare/` imports only `core/` (and itself);
 * - `commit/` imports only `core/`, `prepare/mod.ts` (and itself);
 * - `cli/` imports `core/`, `prepare/` and `commit/` only through their
 *   `mod.ts`, never a private file of another folder;
 * - `main.ts` may import anything.
 *
 * Only relative specifiers are ours; `npm:`, `node:` and import-map names
 * are libraries. Static imports, re-exports, literal dynamic imports and
 * worker URLs (`new URL("./x.ts", import.meta.url)`) all count.
 */

import { dirname, join, relative, resolve } from "node:path";

/** One import that breaks a rule. */
export interface LayerViolation {
  /** The importing file, relative to the checked root. */
  file: string;
  /** The specifier as written. */
  specifier: string;
  /** The imported file, relative to the checked root. */
  target: string;
  /** The rule it breaks, in words. */
  rule: string;
}

const FOLDERS = ["core", "prepare", "commit", "cli"] as const;
type Folder = (typeof FOLDERS)[number];

const SPECIFIERS = [
  /\b(?:import|export)\b[^'"`;]*?\bfrom\s*["']([^"']+)["']/g,
  /\bimport\s*["']([^"']+)["']/g,
  /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  /\bnew URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url\s*\)/g,
];

/** Returns the relative specifiers a source text imports. */
export function importsOf(text: string): string[] {
  const found = new Set<string>();
  for (const pattern of SPECIFIERS) {
    for (const match of text.matchAll(pattern)) {
      if (match[1].startsWith("./") || match[1].startsWith("../")) found.add(match[1]);
    }
  }
  return [...found];
}

function folderOf(path: string): Folder | "main" | null {
  if (path === "main.ts") return "main";
  const first = path.split("/")[0];
  return (FOLDERS as readonly string[]).includes(first) ? first as Folder : null;
}

/** The rule a file in `from` breaks by importing `target`, or null when allowed. */
function brokenRule(from: Folder, target: string): string | null {
  const to = folderOf(target);
  if (to === null || to === from) return null;
  switch (from) {
    case "core":
      return "core/ imports nothing of ours outside core/";
    case "prepare":
      return to === "core" ? null : "prepare/ imports only core/";
    case "commit":
      return to === "core" || target === "prepare/mod.ts"
        ? null
        : "commit/ imports only core/ and prepare/mod.ts";
    case "cli":
      return to !== "main" && target === `${to}/mod.ts`
        ? null
        : `cli/ imports other folders only through their mod.ts (use ${to}/mod.ts)`;
  }
}

async function sourceFiles(root: string, dir: string, out: string[]): Promise<void> {
  for await (const entry of Deno.readDir(join(root, dir))) {
    const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory) await sourceFiles(root, path, out);
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
}

/** Checks every `.ts` file of the layered folders under `root`. */
export async function layerViolations(root: string): Promise<LayerViolation[]> {
  const files: string[] = [];
  for (const folder of FOLDERS) await sourceFiles(root, folder, files);
  const violations: LayerViolation[] = [];
  for (const file of files.sort()) {
    const from = folderOf(file) as Folder;
    for (const specifier of importsOf(await Deno.readTextFile(join(root, file)))) {
      const target = relative(root, resolve(root, dirname(file), specifier)).split("\\").join("/");
      const rule = brokenRule(from, target);
      if (rule !== null) violations.push({ file, specifier, target, rule });
    }
  }
  return violations;
}

/** One line per violation: the file, the import and the rule. */
export function describeViolation(v: LayerViolation): string {
  return `${v.file}: imports '${v.specifier}' (${v.target}), but ${v.rule}`;
}
