/**
 * `--jobs N`: the same inputs give the same knowledge base whatever the
 * number of workers, commits follow input order whatever order workers
 * finish in, and prepared results stay within the bound.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  HARBOUR_WORDS,
  registryDocuments,
  runQuire,
  runQuireJson,
  tempDir,
  treeState,
  writeFiles,
} from "./_helpers.ts";
import type { AddResult } from "../commit/mod.ts";
import { GROUP_DOCUMENTS } from "../commit/batch_result.ts";

function doc(i: number, sentences: number): string {
  const lines = [`# Note ${i}: ${HARBOUR_WORDS[i % 10]} ${HARBOUR_WORDS[(i * 3) % 10]}`, ""];
  for (let s = 0; s < sentences; s++) {
    lines.push(
      `The ${HARBOUR_WORDS[(i + s) % 10]} ${
        HARBOUR_WORDS[(i * s + 1) % 10]
      } report number ${s} mentions the ${HARBOUR_WORDS[s % 10]} schedule.`,
    );
  }
  return lines.join("\n") + "\n";
}

Deno.test("add --jobs 1 and --jobs 4 give byte-identical trees, registries and --json order", async () => {
  await using dir = await tempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) {
    files[`in/${String(i).padStart(2, "0")}-note.${i % 3 === 0 ? "txt" : "md"}`] = doc(
      i,
      3 + (i % 7) * 20,
    );
  }
  files["in/zz-copy.md"] = files["in/01-note.md"]; // a duplicate within the batch
  await writeFiles(dir.path, files);
  const one = await runQuireJson<AddResult>([
    "--kb",
    join(dir.path, "kb1"),
    "add",
    "--jobs",
    "1",
    join(dir.path, "in"),
  ]);
  const four = await runQuireJson<AddResult>([
    "--kb",
    join(dir.path, "kb4"),
    "add",
    "--jobs",
    "4",
    join(dir.path, "in"),
  ]);
  assert.equal(one.code, 0);
  assert.equal(four.code, 0);
  assert.deepEqual(four.json.added, one.json.added);
  assert.deepEqual(four.json.skipped, one.json.skipped);
  assert.deepEqual(one.json.skipped.map((s) => [s.reason, s.existing]), [["duplicate", "01-note"]]);
  assert.deepEqual(await treeState(join(dir.path, "kb4")), await treeState(join(dir.path, "kb1")));
  assert.deepEqual(
    registryDocuments(join(dir.path, "kb4")),
    registryDocuments(join(dir.path, "kb1")),
  );
});

Deno.test("add --jobs 3 commits in input order when the first input is the slowest", async () => {
  await using dir = await tempDir();
  const files: Record<string, string> = { "in/a-big.md": doc(0, 60_000) };
  for (let i = 1; i <= 8; i++) files[`in/b-${i}.md`] = doc(i, 2);
  await writeFiles(dir.path, files);
  const kb = join(dir.path, "kb");
  const { json, stderr } = await runQuireJson<AddResult>([
    "--kb",
    kb,
    "add",
    "--jobs",
    "3",
    join(dir.path, "in"),
  ]);
  assert.deepEqual(json.added.map((d) => d.name), [
    "a-big",
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `b-${i}`),
  ]);
  // The small ones finished first and waited for the big one.
  assert.ok(json.stats.maxWaiting >= 2, JSON.stringify(json.stats));
  const order = [...stderr.matchAll(/^added (\S+)/gm)].map((m) => m[1]);
  assert.deepEqual(order, json.added.map((d) => d.name));
  const log = await Deno.readTextFile(join(kb, "wiki", "log.md"));
  const logged = [...log.matchAll(/\*\*add\*\* \[\[summaries\/([^|]+)\|/g)].map((m) => m[1])
    .reverse();
  assert.deepEqual(logged, json.added.map((d) => d.name));
});

Deno.test("add --jobs 2 of 5,000 files keeps prepared results within the bound", async () => {
  await using dir = await tempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < 5000; i++) {
    files[`in/${String(i).padStart(4, "0")}.txt`] = `Note ${i} about ${HARBOUR_WORDS[i % 10]}.\n`;
  }
  await writeFiles(dir.path, files);
  const kb = join(dir.path, "kb");
  const { code, json } = await runQuireJson<AddResult>([
    "--kb",
    kb,
    "--quiet",
    "add",
    "--jobs",
    "2",
    join(dir.path, "in"),
  ]);
  assert.equal(code, 0);
  assert.equal(json.added.length, 5000);
  // Two per worker, plus one full commit group (GROUP_DOCUMENTS).
  assert.equal(json.stats.bound, 2 * 2 + GROUP_DOCUMENTS);
  assert.ok(
    json.stats.maxAhead <= json.stats.bound && json.stats.maxAhead >= 2,
    JSON.stringify(json.stats),
  );
  assert.ok(json.stats.maxWaiting <= json.stats.bound, JSON.stringify(json.stats));
  assert.equal((await runQuire(["--kb", kb, "status"])).code, 0);
});
