import assert from "node:assert/strict";
import { join } from "node:path";
import {
  read,
  registryDocuments,
  runQuire,
  runQuireJson,
  stagingLeft,
  tempDir,
  treeState,
  writeFiles,
} from "./_helpers.ts";
import type { AddResult } from "../commit/mod.ts";

const ARTICLE = `# Vector databases

Vector databases store embeddings and answer nearest neighbour queries.
A vector database trades exactness for speed with approximate indexes.

## Index structures

HNSW builds a layered graph over the vectors. IVF partitions vectors into clusters.
`;

Deno.test("add writes raw, source and summary pages and derived index and log", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  await writeFiles(dir.path, {
    "in/vector.md": ARTICLE,
    "in/notes.txt": "Meeting notes.\nWe talked about *vector* search and #tags.\n",
  });
  const { code, json, stderr } = await runQuireJson<AddResult>([
    "--kb",
    kb,
    "add",
    join(dir.path, "in"),
  ]);
  assert.equal(code, 0, stderr);
  assert.match(stderr, /Initialized a new knowledge base/);
  assert.deepEqual(json.added.map((d) => d.name), ["notes", "vector"]);
  assert.deepEqual(json.failed, []);
  assert.equal(json.added[1].source, join(dir.path, "in", "vector.md"));

  assert.equal(await read(join(kb, "raw", "vector.md")), ARTICLE);
  assert.equal(await read(join(kb, "wiki", "sources", "vector.md")), ARTICLE);
  // Plain text is escaped so that it reads as the same text in markdown.
  const notes = await read(join(kb, "wiki", "sources", "notes.md"));
  assert.equal(notes, "Meeting notes.  \nWe talked about \\*vector\\* search and #tags.\n");

  const summary = await read(join(kb, "wiki", "summaries", "vector.md"));
  assert.match(summary, /^---\ntitle: "Vector databases"\nname: "vector"\ntype: "markdown"\n/);
  assert.match(summary, new RegExp(`source: "${join(dir.path, "in", "vector.md")}"`));
  assert.match(summary, /hash: "[0-9a-f]{64}"/);
  assert.match(summary, /added: "2026-01-02T03:04:05Z"/);
  assert.match(summary, /^# Vector databases$/m);
  assert.match(
    summary,
    /- \[\[sources\/vector#Vector databases\|Vector databases\]\]\n {2}- \[\[sources\/vector#Index structures\|Index structures\]\]/,
  );
  assert.match(summary, /## Summary\n\n.*(vector|Vector)/);

  const index = await read(join(kb, "wiki", "index.md"));
  assert.match(index, /- \[\[summaries\/vector\|Vector databases\]\] — /);
  assert.match(index, /- \[\[summaries\/notes\|Meeting notes\.\]\]/);
  const log = await read(join(kb, "wiki", "log.md"));
  const lines = log.split("\n").filter((l) => l.startsWith("- "));
  assert.match(lines[0], /\*\*add\*\* \[\[summaries\/vector\|vector\]\]/);
  assert.match(lines[1], /\*\*add\*\* \[\[summaries\/notes\|notes\]\]/);
  assert.match(lines[2], /\*\*init\*\*/);
  assert.match(await read(join(kb, "wiki", "AGENTS.md")), /How this wiki is organised/);
  assert.deepEqual(await stagingLeft(kb), []);
});

Deno.test("add skips unsupported files of a walked folder but fails one named explicitly", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  await writeFiles(dir.path, {
    "in/a.md": "# A\n\nFirst document.\n",
    "in/b.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    "in/c.md": "# C\n\nThird document.\n",
    "in/NEWS": "Noteworthy changes\n\n* Fixed the parser.\n",
    "pic.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  });
  const walked = await runQuireJson<AddResult>(["--kb", kb, "add", join(dir.path, "in")]);
  assert.equal(walked.code, 0, walked.stderr);
  assert.deepEqual(walked.json.added.map((d) => d.name), ["news", "a", "c"]);
  assert.deepEqual(walked.json.skipped, [
    { source: join(dir.path, "in", "b.png"), reason: "unsupported" },
  ]);
  assert.deepEqual(walked.json.failed, []);

  const named = await runQuireJson<AddResult>(["--kb", kb, "add", join(dir.path, "pic.png")]);
  assert.equal(named.code, 1);
  assert.equal(named.json.failed[0].code, "UNSUPPORTED_TYPE");
  assert.match(named.json.failed[0].error, /unsupported type PNG image named \.png/);
  assert.deepEqual(registryDocuments(kb).map((d) => d.name).sort(), ["a", "c", "news"]);
});

Deno.test("add skips identical content as a duplicate and updates a changed source", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  const file = join(dir.path, "doc.md");
  await writeFiles(dir.path, {
    "doc.md": "# Doc\n\nVersion one.\n",
    "copy/doc.md": "# Doc\n\nVersion one.\n",
  });
  assert.equal((await runQuire(["--kb", kb, "add", file])).code, 0);
  const firstSummary = await read(join(kb, "wiki", "summaries", "doc.md"));

  const again = await runQuireJson<AddResult>(["--kb", kb, "add", file, join(dir.path, "copy")]);
  assert.equal(again.code, 0);
  assert.deepEqual(again.json.added, []);
  assert.deepEqual(again.json.skipped.map((s) => [s.reason, s.existing]), [
    ["duplicate", "doc"],
    ["duplicate", "doc"],
  ]);

  await Deno.writeTextFile(file, "# Doc\n\nVersion two, longer.\n");
  const updated = await runQuireJson<AddResult>(["--kb", kb, "add", file], {
    env: { SOURCE_DATE_EPOCH: "1767409445" },
  });
  assert.equal(updated.code, 0);
  assert.deepEqual(updated.json.updated.map((d) => d.name), ["doc"]);
  assert.equal(await read(join(kb, "raw", "doc.md")), "# Doc\n\nVersion two, longer.\n");
  const summary = await read(join(kb, "wiki", "summaries", "doc.md"));
  assert.notEqual(summary, firstSummary);
  assert.match(summary, /added: "2026-01-02T03:04:05Z"\nupdated: "2026-01-03T03:04:05Z"/);
  assert.equal(registryDocuments(kb).length, 1);
  const log = await read(join(kb, "wiki", "log.md"));
  assert.match(
    log.split("\n").find((l) => l.startsWith("- "))!,
    /\*\*update\*\* \[\[summaries\/doc\|doc\]\]/,
  );
});

Deno.test("add with SOURCE_DATE_EPOCH gives byte-identical raw and wiki trees", async () => {
  await using dir = await tempDir();
  await writeFiles(dir.path, {
    "in/one.md": ARTICLE,
    "in/two.txt": "Second document about vector search engines.\n",
  });
  for (const kb of ["kb1", "kb2"]) {
    assert.equal(
      (await runQuire(["--kb", join(dir.path, kb), "add", join(dir.path, "in")])).code,
      0,
    );
  }
  const first = await treeState(join(dir.path, "kb1"));
  assert.ok(Object.keys(first).includes("wiki/summaries/one.md"));
  assert.deepEqual(await treeState(join(dir.path, "kb2")), first);
});

Deno.test("names are safe slugs, unique, with a numeric suffix on collision", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  await writeFiles(dir.path, {
    "in/a/Report.md": "# One\n\nFirst report.\n",
    "in/b/report.md": "# Two\n\nSecond report.\n",
    "in/c/REPORT.txt": "Third report.\n",
    "in/my notes ü.md": "# Spaces\n\nUnicode name.\n",
    "in/..weird...name...md": "# Dots\n\nDots everywhere.\n",
    "in/line\nbreak.md": "# Newline\n\nA newline in the name.\n",
    [`in/${"long".repeat(40)}.md`]: "# Long\n\nA very long name.\n",
    "in/con.md": "# Reserved\n\nA reserved Windows name.\n",
  });
  const { code, json, stderr } = await runQuireJson<AddResult>([
    "--kb",
    kb,
    "add",
    join(dir.path, "in"),
  ]);
  assert.equal(code, 0, stderr);
  const names = json.added.map((d) => d.name);
  assert.deepEqual(names.slice(0, 3), ["report", "report-2", "report-3"]);
  assert.ok(names.includes("my-notes-ü"));
  assert.ok(names.includes("line-break"));
  assert.ok(names.includes("con-doc"));
  assert.ok(names.includes("long".repeat(16)));
  for (const name of names) {
    assert.match(name, /^[\p{Ll}\p{Lo}\p{N}]+(-[\p{Ll}\p{Lo}\p{N}]+)*$/u, name);
    assert.ok(name.length <= 64);
    assert.equal(
      await Deno.stat(join(kb, "wiki", "summaries", `${name}.md`)).then(() => true),
      true,
    );
  }
  // Hidden files ("..weird...name...md" starts with a dot) are skipped by the walk.
  assert.equal(json.added.length, 7);
});

Deno.test("a missing knowledge base is a usage error that suggests init", async () => {
  await using dir = await tempDir();
  const result = await runQuire(["list"], { cwd: dir.path });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /Cannot find a knowledge base/);
  assert.match(result.stderr, /quire init/);
  const notEmpty = join(dir.path, "stuff");
  await writeFiles(notEmpty, { "x.txt": "x" });
  const add = await runQuire(["--kb", notEmpty, "add", join(notEmpty, "x.txt")]);
  assert.equal(add.code, 2);
  assert.match(add.stderr, /has no '\.quire' folder/);
});

Deno.test("the knowledge base is found from QUIRE_KB and from an ancestor folder", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  await writeFiles(dir.path, { "doc.md": "# Doc\n\nHello.\n" });
  const viaEnv = await runQuire(["add", join(dir.path, "doc.md")], { env: { QUIRE_KB: kb } });
  assert.equal(viaEnv.code, 0, viaEnv.stderr);
  await Deno.mkdir(join(kb, "notes", "deep"), { recursive: true });
  const viaAncestor = await runQuireJson<{ name: string }[]>(["list"], {
    cwd: join(kb, "notes", "deep"),
  });
  assert.deepEqual(viaAncestor.json.map((d) => d.name), ["doc"]);
});

Deno.test("list, status and recover report the knowledge base", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  await writeFiles(dir.path, { "doc.md": "# Doc\n\nHello there.\n" });
  await runQuire(["--kb", kb, "add", join(dir.path, "doc.md")]);

  const list = await runQuireJson<Record<string, unknown>[]>(["--kb", kb, "list"]);
  assert.equal(list.json.length, 1);
  const doc = list.json[0];
  assert.deepEqual(
    [doc.name, doc.type, doc.bytes, doc.source, doc.addedAt],
    ["doc", "markdown", 20, join(dir.path, "doc.md"), "2026-01-02T03:04:05Z"],
  );
  assert.match(String(doc.hash), /^[0-9a-f]{64}$/);
  assert.equal(doc.compiler, "offline");
  const human = await runQuire(["--kb", kb, "list"]);
  assert.match(
    human.stdout,
    /^NAME\s+TYPE\s+SIZE\s+COMPILER\s+ADDED\ndoc\s+markdown\s+20 B\s+offline\s+2026-01-02T03:04:05Z\n$/,
  );

  const status = await runQuireJson<Record<string, unknown>>(["--kb", kb, "status"]);
  assert.equal(status.json.documents, 1);
  assert.equal(status.json.pendingJournals, 0);
  assert.equal(status.json.recoveryPending, false);
  assert.ok(Number(status.json.diskBytes) > 20);
  const statusText = await runQuire(["--kb", kb, "status"]);
  assert.match(statusText.stdout, /Documents: 1 \(20 B of originals\)/);
  assert.match(statusText.stdout, /Last operation: 2026-01-02T03:04:05Z add doc/);

  const recover = await runQuire(["--kb", kb, "recover"]);
  assert.equal(recover.code, 0);
  assert.match(recover.stderr, /Nothing to recover/);
});

Deno.test("list --limit and --offset return one page of the documents by name", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  const files: Record<string, string> = {};
  for (const name of ["e", "b", "d", "a", "c"]) {
    files[`in/${name}.md`] = `# ${name}\n\nText ${name}.\n`;
  }
  await writeFiles(dir.path, files);
  assert.equal((await runQuire(["--kb", kb, "add", join(dir.path, "in")])).code, 0);
  const page = async (...args: string[]) =>
    (await runQuireJson<{ name: string }[]>(["--kb", kb, "list", ...args])).json.map((d) => d.name);
  assert.deepEqual(await page(), ["a", "b", "c", "d", "e"]);
  assert.deepEqual(await page("--limit", "2"), ["a", "b"]);
  assert.deepEqual(await page("--limit", "2", "--offset", "2"), ["c", "d"]);
  assert.deepEqual(await page("--offset", "4"), ["e"]);
  assert.deepEqual(await page("--offset", "9"), []);
  assert.equal((await runQuire(["--kb", kb, "list", "--limit", "x"])).code, 2);
});

Deno.test("usage errors exit 2", async () => {
  for (
    const args of [["add", "--jobs", "0", "x"], ["add", "--jobs", "nope", "x"], ["frobnicate"], [
      "add",
    ]]
  ) {
    const result = await runQuire(args);
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
  }
});

Deno.test("a file Quire does not know about is never overwritten: the new document takes another name", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  await writeFiles(kb, { "wiki/summaries/notes.md": "My own page.\n" });
  await writeFiles(dir.path, { "notes.md": "# Notes\n\nSome notes.\n" });
  const { json } = await runQuireJson<AddResult>(["--kb", kb, "add", join(dir.path, "notes.md")]);
  assert.deepEqual(json.added.map((d) => d.name), ["notes-2"]);
  assert.equal(await read(join(kb, "wiki", "summaries", "notes.md")), "My own page.\n");
});

Deno.test("an invalid SOURCE_DATE_EPOCH is a usage error naming the value", async () => {
  await using dir = await tempDir();
  const result = await runQuire(["init", join(dir.path, "kb")], {
    env: { SOURCE_DATE_EPOCH: "yesterday" },
  });
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /Cannot use SOURCE_DATE_EPOCH 'yesterday': not a whole number of seconds/,
  );
});
