/**
 * Startup stays light: what `main.ts` and a prepare worker evaluate before
 * their first line runs. The heavy libraries (document readers, the offline
 * compiler's word list, yaml, the MCP SDK) must be reached only through
 * literal dynamic `import()`, by the command or the format that needs them,
 * and `main.ts` loads a command's module only when that command runs (see
 * `cli/program.ts`). Startup time itself is measured by `deno task bench --
 * startup`.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type LibraryImport, libraryName, staticClosure } from "./_static_imports.ts";
import { ROOT, tempDir } from "./_helpers.ts";

/** Readers of formats other than markdown and text. */
const READER_LIBRARIES = [
  "unpdf",
  "mammoth",
  "linkedom",
  "turndown",
  "@joplin/turndown-plugin-gfm",
  "@mozilla/readability",
  "papaparse",
];

/** Libraries that no command needs before it knows what it will do. */
const NOT_AT_STARTUP = [
  ...READER_LIBRARIES,
  "popular-english-words",
  "pluralize",
  "yaml",
  "@modelcontextprotocol/sdk",
];

function described(found: LibraryImport[], forbidden: string[]): string[] {
  return found.filter((f) => forbidden.includes(f.library))
    .map((f) => `${f.library}, imported by ${f.chain.join(" → ")}`);
}

Deno.test("staticClosure() of main.ts reaches no reader, word list, yaml or MCP SDK", async () => {
  const { libraries } = await staticClosure(ROOT, "main.ts");
  // Not vacuous: commander is imported statically by main.ts itself.
  assert.ok(libraries.some((f) => f.library === "commander"), "commander not found");
  assert.deepEqual(described(libraries, NOT_AT_STARTUP), []);
});

Deno.test("staticClosure() of main.ts holds no file of commit/ or prepare/ (commands load on use)", async () => {
  const { files } = await staticClosure(ROOT, "main.ts");
  assert.ok(files.includes("cli/program.ts"), "cli/program.ts not found");
  const eager = files.filter((f) => f.startsWith("commit/") || f.startsWith("prepare/"));
  assert.deepEqual(eager, []);
});

Deno.test("staticClosure() of prepare_worker.ts reaches no reader of PDF, docx, HTML or CSV", async () => {
  const { libraries } = await staticClosure(ROOT, "prepare/prepare_worker.ts");
  // Not vacuous: markdown, the common case, is read without a dynamic import.
  assert.ok(libraries.some((f) => f.library === "markdown-it"), "markdown-it not found");
  assert.deepEqual(described(libraries, READER_LIBRARIES), []);
});

Deno.test("staticClosure() follows static imports and re-exports, not type-only or dynamic ones", async () => {
  await using dir = await tempDir();
  const files: Record<string, string> = {
    "entry.ts": [
      '// import "node:dns";',
      'import { a } from "./a.ts";',
      'import type { T } from "./typed.ts";',
      'export * from "./reexported.ts";',
      'const lazy = await import("./lazy.ts");',
      "export const all: T = a + lazy.b;",
    ].join("\n"),
    "a.ts": 'import { gzipSync } from "node:zlib";\nexport const a = gzipSync.length;\n',
    "typed.ts": 'import "node:http";\nexport type T = number;\n',
    "reexported.ts": 'export { EventEmitter } from "node:events";\n',
    "lazy.ts": 'import "node:net";\nexport const b = 1;\n',
  };
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(join(dir.path, name), text);
  }
  const { files: closure, libraries } = await staticClosure(dir.path, "entry.ts");
  assert.deepEqual(closure.sort(), ["a.ts", "entry.ts", "reexported.ts"]);
  assert.deepEqual(libraries.map((f) => [f.library, f.chain.join(" → ")]).sort(), [
    ["node:events", "entry.ts → reexported.ts"],
    ["node:zlib", "entry.ts → a.ts"],
  ]);
});

Deno.test("libraryName() names an npm package without version or subpath", () => {
  assert.equal(libraryName("npm:yaml@2.9.1"), "yaml");
  assert.equal(
    libraryName("npm:/@modelcontextprotocol/sdk@1.32.2/server/mcp.js"),
    "@modelcontextprotocol/sdk",
  );
  assert.equal(libraryName("npm:@mozilla/readability@0.6.0"), "@mozilla/readability");
  assert.equal(libraryName("node:sqlite"), "node:sqlite");
  assert.equal(libraryName("https://example.com/x.ts"), null);
});
