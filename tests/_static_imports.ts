/**
 * A module's static import closure: our files and the libraries a process
 * evaluates before its first line runs. Read from `deno info
 * --json`, the module graph Deno itself builds, so comments, type-only
 * imports (`import type`, `export type`) and dynamic `import()` are told
 * apart by Deno's parser, not by a pattern. Only our own files are
 * followed; a library's own imports are not (what it pulls in is its
 * business, whether we load it at all is ours).
 *
 * A library is named by its package (`npm:/@a/b@1.2.3/x.js` → `@a/b`, so
 * import-map aliases and subpaths count as the package) or by its `node:`
 * specifier.
 *
 * @module
 */

import { relative } from "node:path";
import { fileURLToPath } from "node:url";

/** What {@linkcode staticClosure} found. */
export interface StaticClosure {
  /** Our files on the closure, relative to the root, the entry first. */
  files: string[];
  /** The libraries they import, in the order first found. */
  libraries: LibraryImport[];
}

/** One library on the closure, with who imports it and how it is reached. */
export interface LibraryImport {
  /** The package (`yaml`, `@mozilla/readability`) or `node:` module. */
  library: string;
  /** The first importing file found, relative to the root. */
  importer: string;
  /** How that file is reached from the entry: entry first, importer last. */
  chain: string[];
}

interface GraphDependency {
  specifier: string;
  code?: { specifier?: string; error?: string };
  isDynamic?: boolean;
}

interface GraphModule {
  specifier: string;
  dependencies?: GraphDependency[];
}

/** The package name of a resolved `npm:` specifier, or the `node:` specifier as is. */
export function libraryName(resolved: string): string | null {
  if (resolved.startsWith("node:")) return resolved;
  if (!resolved.startsWith("npm:")) return null;
  const path = resolved.slice("npm:".length).replace(/^\//, "");
  const parts = path.split("/");
  const name = parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  const at = name.indexOf("@", 1);
  return at === -1 ? name : name.slice(0, at);
}

async function moduleGraph(root: string, entry: string): Promise<GraphModule[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(`deno info ${entry} failed: ${new TextDecoder().decode(output.stderr)}`);
  }
  return JSON.parse(new TextDecoder().decode(output.stdout)).modules;
}

/**
 * The files on `entry`'s static closure and every library they import
 * statically (type-only and dynamic imports excluded).
 */
export async function staticClosure(root: string, entry: string): Promise<StaticClosure> {
  const modules = new Map((await moduleGraph(root, entry)).map((m) => [m.specifier, m]));
  const ours = (specifier: string) =>
    specifier.startsWith("file:") ? relative(root, fileURLToPath(specifier)) : null;
  const start = [...modules.keys()].find((s) => ours(s) === entry);
  if (start === undefined) throw new Error(`deno info did not list ${entry}`);
  const parent = new Map<string, string | null>([[start, null]]);
  const chainTo = (specifier: string) => {
    const chain: string[] = [];
    for (let at: string | null = specifier; at !== null; at = parent.get(at)!) {
      chain.unshift(ours(at)!);
    }
    return chain;
  };
  const found = new Map<string, LibraryImport>();
  const queue = [start];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const dependency of modules.get(current)?.dependencies ?? []) {
      const target = dependency.code?.specifier;
      if (dependency.isDynamic || target === undefined) continue;
      if (ours(target) !== null) {
        if (!parent.has(target)) {
          parent.set(target, current);
          queue.push(target);
        }
        continue;
      }
      const library = libraryName(target);
      if (library !== null && !found.has(library)) {
        found.set(library, { library, importer: ours(current)!, chain: chainTo(current) });
      }
    }
  }
  return { files: [...parent.keys()].map((s) => ours(s)!), libraries: [...found.values()] };
}
