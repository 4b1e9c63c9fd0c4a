/**
 * Symbolic links in Quire's own tree never lead it outside the knowledge
 * base: a linked `raw/`, `wiki/`, `wiki/<folder>/`, `.quire/` or
 * `.quire/staging` is refused by every command (exit 2) before anything
 * changes, `lint` reports it (exit 1), the files the link points to are left
 * exactly as they were, and a linked original is not read by `recompile`.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { findOwnSymlinks } from "../core/own_tree.ts";
import { kbLayout } from "../core/layout.ts";
import type { LintReport } from "../core/lint_knowledge_base.ts";
import type { RecompileResult } from "../commit/mod.ts";
import {
  registryDocuments,
  runQuire,
  runQuireJson,
  tempDir,
  treeState,
  writeFiles,
} from "./_helpers.ts";

const DOCS = {
  "in/tides.md": "# Tides\n\nThe harbour pilot waits for the high tide at the quay.\n",
  "in/cranes.md": "# Cranes\n\nThe cargo crane lifts containers onto the vessel at the berth.\n",
};

/** A knowledge base with two documents, and a folder outside it. */
async function setUp(dir: string): Promise<{ kb: string; outside: string }> {
  await writeFiles(dir, DOCS);
  const kb = join(dir, "kb");
  const added = await runQuire(["--kb", kb, "add", join(dir, "in")]);
  assert.equal(added.code, 0, added.stderr);
  const outside = join(dir, "outside");
  await Deno.mkdir(outside);
  return { kb, outside };
}

/** Every file under `dir` with its content, to prove nothing outside changed. */
async function contents(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (at: string, prefix: string) => {
    for await (const entry of Deno.readDir(at)) {
      const path = join(at, entry.name);
      if (entry.isDirectory) await walk(path, `${prefix}${entry.name}/`);
      else out[prefix + entry.name] = await Deno.readTextFile(path);
    }
  };
  await walk(dir, "");
  return out;
}

/** Moves `kb/<path>` to `outside/<name>` and leaves a link to it in its place. */
async function linkOut(kb: string, path: string, outside: string, name: string): Promise<string> {
  const target = join(outside, name);
  await Deno.rename(join(kb, path), target);
  await Deno.symlink(target, join(kb, path));
  return target;
}

/** Commands to try on a knowledge base, each with its arguments (`few`: one of each kind). */
function commands(dir: string, few: boolean): string[][] {
  if (few) return [["add", join(dir, "in")], ["remove", "tides"], ["recover"], ["list"]];
  return [
    ["add", join(dir, "in")],
    ["remove", "tides"],
    ["recover"],
    ["recompile"],
    ["sync", join(dir, "in")],
    ["repair"],
    ["init"],
    ["list"],
    ["status"],
    ["search", "tide"],
    ["query", "where is the pilot"],
  ];
}

async function assertRefusedEverywhere(
  dir: string,
  kb: string,
  link: string,
  few = false,
): Promise<void> {
  for (const args of commands(dir, few)) {
    const result = args[0] === "init"
      ? await runQuire(["init", kb])
      : await runQuire(["--kb", kb, ...args]);
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(
      result.stderr,
      new RegExp(`Cannot use knowledge base '.*': '${link}' is a symbolic link to '`),
      args.join(" "),
    );
    assert.match(result.stderr, /hint: Quire never follows links in its own tree/);
    assert.doesNotMatch(result.stderr, /bug in Quire/);
  }
  const lint = await runQuireJson<LintReport>(["--kb", kb, "lint"]);
  assert.equal(lint.code, 1);
  assert.deepEqual(lint.json.problems.map((p) => [p.kind, p.path]), [["symlink", link]]);
}

Deno.test("recover refuses a linked .quire/staging and leaves the folder it points to alone", async () => {
  await using dir = await tempDir();
  const { kb, outside } = await setUp(dir.path);
  await writeFiles(outside, { "precious/a.txt": "keep me", "b.txt": "and me" });
  await Deno.remove(join(kb, ".quire", "staging"), { recursive: true });
  await Deno.symlink(outside, join(kb, ".quire", "staging"));
  const before = await contents(outside);
  const tree = await treeState(kb);

  await assertRefusedEverywhere(dir.path, kb, ".quire/staging");
  assert.deepEqual(await contents(outside), before);
  assert.deepEqual(await treeState(kb), tree);
  assert.deepEqual(registryDocuments(kb).map((d) => d.name), ["cranes", "tides"]);
});

Deno.test("remove refuses a linked raw/ or wiki/summaries/ and deletes nothing outside", async () => {
  for (const path of ["raw", "wiki/summaries"]) {
    await using dir = await tempDir();
    const { kb, outside } = await setUp(dir.path);
    const target = await linkOut(kb, path, outside, "moved");
    const before = await contents(target);
    assert.equal(Object.keys(before).length, 2);

    const removed = await runQuire(["--kb", kb, "remove", "tides"]);
    assert.equal(removed.code, 2, removed.stderr);
    assert.match(removed.stderr, new RegExp(`'${path}' is a symbolic link to '${target}'`));
    await assertRefusedEverywhere(dir.path, kb, path, true);
    assert.deepEqual(await contents(target), before, path);
    assert.deepEqual(registryDocuments(kb).map((d) => d.name), ["cranes", "tides"]);

    // Put the folder back: everything works again and nothing was lost.
    await Deno.remove(join(kb, path));
    await Deno.rename(target, join(kb, path));
    assert.equal((await runQuire(["--kb", kb, "lint"])).code, 0);
    assert.equal((await runQuire(["--kb", kb, "remove", "tides"])).code, 0);
  }
});

Deno.test("a linked wiki/, .quire/, wiki/concepts/ or other wiki folder is refused by every command", async () => {
  for (const path of ["wiki", ".quire", "wiki/concepts"]) {
    await using dir = await tempDir();
    const { kb, outside } = await setUp(dir.path);
    const target = await linkOut(kb, path, outside, "moved");
    const before = await contents(target);
    await assertRefusedEverywhere(dir.path, kb, path, path !== ".quire");
    assert.deepEqual(await contents(target), before, path);
  }
  await using dir = await tempDir();
  const { kb, outside } = await setUp(dir.path);
  await writeFiles(outside, { "notes/mine.md": "# Mine\n" });
  await Deno.symlink(join(outside, "notes"), join(kb, "wiki", "notes"));
  await assertRefusedEverywhere(dir.path, kb, "wiki/notes", true);
  assert.deepEqual(await contents(outside), { "notes/mine.md": "# Mine\n" });
});

Deno.test("recompile does not read a linked original and lint reports the link", async () => {
  await using dir = await tempDir();
  const { kb, outside } = await setUp(dir.path);
  await writeFiles(outside, { "secret.md": "# Secret\n\nThe launch code is swordfish.\n" });
  const raw = join(kb, "raw", "tides.md");
  await Deno.remove(raw);
  await Deno.symlink(join(outside, "secret.md"), raw);

  const result = await runQuireJson<RecompileResult>(["--kb", kb, "recompile"]);
  assert.equal(result.code, 1, result.stderr);
  assert.deepEqual(result.json.updated.map((d) => d.name), ["cranes"]);
  assert.equal(result.json.failed.length, 1);
  assert.equal(result.json.failed[0].code, "UNREADABLE");
  assert.match(
    result.json.failed[0].error,
    /Cannot recompile 'tides': its original 'raw\/tides\.md' is a symbolic link to '.*secret\.md'/,
  );
  for (const [path, text] of Object.entries(await contents(join(kb, "wiki")))) {
    assert.doesNotMatch(text, /swordfish/, path);
  }
  const lint = await runQuireJson<LintReport>(["--kb", kb, "lint"]);
  assert.equal(lint.code, 1);
  assert.deepEqual(lint.json.problems.map((p) => [p.kind, p.path]), [["symlink", "raw/tides.md"]]);
  assert.match(lint.json.problems[0].detail, /does not read a document's original through a link/);
});

Deno.test("findOwnSymlinks() lists links by lstat alone, not what lies beneath them", async () => {
  await using dir = await tempDir();
  const { kb, outside } = await setUp(dir.path);
  const layout = kbLayout(kb);
  assert.deepEqual(findOwnSymlinks(layout), []);
  await linkOut(kb, "wiki", outside, "wiki");
  await Deno.symlink(outside, join(kb, ".quire", "watch.lock"));
  assert.deepEqual(findOwnSymlinks(layout).map((l) => l.path), [".quire/watch.lock", "wiki"]);
  // A file linked in a user's own wiki folder is no business of Quire's.
  await Deno.remove(join(kb, "wiki"));
  await Deno.rename(join(outside, "wiki"), join(kb, "wiki"));
  await Deno.remove(join(kb, ".quire", "watch.lock"));
  await writeFiles(kb, { "wiki/notes/own.md": "# Own\n" });
  await Deno.symlink(join(kb, "wiki", "notes", "own.md"), join(kb, "wiki", "notes", "link.md"));
  assert.deepEqual(findOwnSymlinks(layout), []);
});
