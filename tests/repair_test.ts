/**
 * Losing or damaging the registry loses nothing. A registry that is
 * missing, empty, truncated, overwritten, damaged in the middle or another
 * program's database is refused by every command (exit 5, naming the file
 * and `quire repair`), with the files on disk untouched; `quire repair`
 * rebuilds it from those files (the damaged file kept aside, byte for byte),
 * after which `list` shows every document as before, the wiki is as before
 * (but for the log), search works and `lint` is clean. The repair is killed
 * at each of its steps and still ends there.
 */

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { openChangeSession } from "../commit/change_session.ts";
import type { RepairResult } from "../commit/mod.ts";
import { saveExploration } from "../commit/save_exploration.ts";
import { sha256Bytes } from "../core/hash.ts";
import { kbLayout } from "../core/layout.ts";
import { runQuire, runQuireJson, stagingLeft, tempDir, treeState } from "./_helpers.ts";
import { buildSampleKb, copyKb } from "./_sample_kb.ts";

type Listed = { name: string; source: string; hash: string; addedAt: string; title: string }[];

/** The sample knowledge base plus one saved exploration; returns its path. */
async function sampleWithExploration(root: string): Promise<string> {
  const kb = await buildSampleKb(root);
  await using session = await openChangeSession(kbLayout(kb));
  await saveExploration(session, {
    question: "What do photovoltaic cells do?",
    answer: "They turn sunlight into electricity; see [[summaries/solar]].",
    citations: ["summaries/solar"],
  });
  return kb;
}

/** What must survive a repair: the listing, explorations, and the wiki but its log. */
async function stateOf(kb: string) {
  const list = await runQuireJson<Listed>(["--kb", kb, "list"]);
  assert.equal(list.code, 0, list.stderr);
  const { ["wiki/log.md"]: _log, ...tree } = await treeState(kb);
  const db = new DatabaseSync(join(kb, ".quire", "registry.db"), { readOnly: true });
  try {
    const explorations = db.prepare("SELECT name, question, created_at FROM explorations").all();
    const concepts = db.prepare(
      "SELECT d.name, c.slug, c.label, c.note, c.score, c.prominent FROM document_concepts c JOIN documents d ON d.id = c.document_id ORDER BY d.name, c.slug",
    ).all();
    return { list: list.json, tree, explorations, concepts };
  } finally {
    db.close();
  }
}

function integrityCheck(kb: string): string {
  const db = new DatabaseSync(join(kb, ".quire", "registry.db"), { readOnly: true });
  try {
    return (db.prepare("PRAGMA integrity_check").get() as { integrity_check: string })
      .integrity_check;
  } finally {
    db.close();
  }
}

/** Ways to lose or damage a registry; each returns the reason the commands should give. */
const DAMAGE: Record<string, (registry: string) => Promise<RegExp>> = {
  "missing": async (registry) => {
    await Deno.remove(registry);
    return /it is missing, but the knowledge base holds documents \(raw\/ holds 5 files and wiki\/summaries\/ 5 pages\)/;
  },
  "zero bytes": async (registry) => {
    await Deno.writeFile(registry, new Uint8Array());
    return /it is empty, but the knowledge base holds documents/;
  },
  "truncated mid-page": async (registry) => {
    const bytes = await Deno.readFile(registry);
    await Deno.writeFile(registry, bytes.subarray(0, Math.floor(bytes.length / 2) + 100));
    return /it is truncated \(\d+ bytes is not a whole number of 4096-byte pages\)/;
  },
  "truncated at a page": async (registry) => {
    const bytes = await Deno.readFile(registry);
    await Deno.writeFile(registry, bytes.subarray(0, 4096 * 4));
    return /it is truncated \(it holds 4 of its \d+ pages\)/;
  },
  "overwritten with garbage": async (registry) => {
    const size = (await Deno.stat(registry)).size;
    const garbage = new Uint8Array(size);
    for (let i = 0; i < size; i++) garbage[i] = (i * 7919 + 13) % 251;
    await Deno.writeFile(registry, garbage);
    return /it is not an SQLite database \(its header is wrong\)/;
  },
  "garbage in the middle": async (registry) => {
    const bytes = await Deno.readFile(registry);
    for (let i = 4096 * 2; i < bytes.length - 4096; i++) bytes[i] = (i * 31) % 256;
    await Deno.writeFile(registry, bytes);
    return /it is damaged \(/;
  },
  "another program's database": async (registry) => {
    await Deno.remove(registry);
    const db = new DatabaseSync(registry);
    db.exec(
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 'x')",
    );
    db.close();
    return /it is not a Quire registry \(it holds the tables notes and no Quire schema\)/;
  },
};

Deno.test("every command refuses a lost or damaged registry, and repair restores everything", async (t) => {
  await using dir = await tempDir();
  const base = await sampleWithExploration(join(dir.path, "base"));
  const before = await stateOf(base);
  assert.equal(before.list.length, 5);
  const docs = join(dir.path, "base", "docs");

  for (const [kind, damage] of Object.entries(DAMAGE)) {
    await t.step(kind, async () => {
      const kb = await copyKb(base, join(dir.path, kind.replaceAll(" ", "-")));
      const registry = join(kb, ".quire", "registry.db");
      await Deno.remove(`${registry}-wal`).catch(() => {});
      await Deno.remove(`${registry}-shm`).catch(() => {});
      const reason = await damage(registry);
      const damaged = await Deno.readFile(registry).catch(() => null);
      const tree = await treeState(kb);

      // The first case tries every command; the others one of each kind.
      const commands = kind === "missing"
        ? [
          ["add", docs],
          ["remove", "solar"],
          ["recover"],
          ["recompile"],
          ["sync", docs],
          ["init"],
          ["list"],
          ["status"],
          ["lint"],
          ["search", "solar"],
          ["query", "solar panels"],
        ]
        : [["add", docs], ["recover"], ["list"], ["lint"]];
      for (const args of commands) {
        const result = args[0] === "init"
          ? await runQuire(["init", kb])
          : await runQuire(["--kb", kb, ...args]);
        const label = `${kind}: ${args[0]}`;
        assert.equal(result.code, 5, `${label}: ${result.stderr}`);
        assert.match(
          result.stderr,
          /error: Cannot (open|read) registry '.*\.quire\/registry\.db': /,
        );
        assert.match(result.stderr, reason, label);
        assert.match(result.stderr, /hint: Run `quire repair`/, label);
        assert.doesNotMatch(result.stderr, /bug in Quire|Nothing to recover/, label);
      }
      assert.deepEqual(await treeState(kb), tree, "nothing on disk changed");

      const repaired = await runQuireJson<RepairResult>(["--kb", kb, "repair"]);
      assert.equal(repaired.code, 0, repaired.stderr);
      assert.equal(repaired.json.repaired, true);
      assert.equal(repaired.json.documents, 5);
      assert.equal(repaired.json.explorations, 1);
      assert.deepEqual(repaired.json.skipped, []);
      assert.match(repaired.stderr, /Repaired the registry '.*registry\.db' \(/);
      if (damaged !== null) {
        // The file itself, and the '-wal'/'-shm' files SQLite may have left next to it.
        const [main, ...others] = repaired.json.keptAs;
        assert.match(main, /^\.quire\/registry\.db\.damaged-\d{8}T\d{6}Z$/);
        assert.ok(
          others.every((path) => /^-(wal|shm)$/.test(path.slice(main.length))),
          `${others}`,
        );
        const kept = await Deno.readFile(join(kb, main));
        assert.equal(sha256Bytes(kept), sha256Bytes(damaged), "the damaged file is kept as it was");
      }
      assert.deepEqual(await stateOf(kb), before);
      assert.equal(integrityCheck(kb), "ok");
      assert.deepEqual(await stagingLeft(kb), []);
      const lint = await runQuire(["--kb", kb, "lint"]);
      assert.equal(lint.code, 0, lint.stdout + lint.stderr);
      const search = await runQuireJson<{ name: string }[]>(["--kb", kb, "search", "photovoltaic"]);
      assert.equal(search.json[0]?.name, "solar");
      const log = await Deno.readTextFile(join(kb, "wiki", "log.md"));
      assert.match(log, /\*\*repair\*\* — registry rebuilt from the files on disk/);
      // And the knowledge base takes changes again.
      assert.equal((await runQuire(["--kb", kb, "remove", "solar"])).code, 0);
    });
  }
});

Deno.test("repair leaves a whole registry alone unless --force, and reports what it cannot restore", async () => {
  await using dir = await tempDir();
  const kb = await sampleWithExploration(join(dir.path, "base"));
  const before = await stateOf(kb);
  const whole = await runQuireJson<RepairResult>(["--kb", kb, "repair"]);
  assert.equal(whole.code, 0);
  assert.equal(whole.json.repaired, false);
  assert.match(whole.stderr, /Nothing to repair: the registry '.*' is whole \(5 documents\)/);
  assert.deepEqual(await stateOf(kb), before);

  // An older summary page without the fields added for repair still restores,
  // and a raw file without a summary page is reported and left alone.
  const summary = join(kb, "wiki", "summaries", "wind.md");
  const page = await Deno.readTextFile(summary);
  await Deno.writeTextFile(
    summary,
    page.replace(/^(origin|original|description): .*\n/gm, "").replace(
      /^concept_notes:\n( {2}- .*\n)*/m,
      "",
    ),
  );
  await Deno.writeTextFile(join(kb, "raw", "stray.txt"), "Who knows where this came from.\n");
  const forced = await runQuireJson<RepairResult>(["--kb", kb, "repair", "--force"]);
  assert.equal(forced.code, 1, forced.stderr);
  assert.equal(forced.json.repaired, true);
  assert.equal(forced.json.problem, "it is whole");
  assert.deepEqual(forced.json.skipped.map((s) => s.path), ["raw/stray.txt"]);
  assert.match(
    forced.stderr,
    /not restored raw\/stray\.txt: no summary page says where it came from/,
  );
  const after = await stateOf(kb);
  assert.deepEqual(after.list, before.list);
  assert.deepEqual(after.explorations, before.explorations);
  assert.deepEqual(
    after.concepts.filter((c) => c.name !== "wind"),
    before.concepts.filter((c) => c.name !== "wind"),
  );
  assert.deepEqual(
    after.concepts.filter((c) => c.name === "wind").map((c) => c.slug),
    before.concepts.filter((c) => c.name === "wind").map((c) => c.slug),
  );
  const lint = await runQuireJson<{ problems: { kind: string; path: string }[] }>([
    "--kb",
    kb,
    "lint",
  ]);
  assert.deepEqual(lint.json.problems.map((p) => [p.kind, p.path]), [
    ["untracked-file", "raw/stray.txt"],
  ]);
});

Deno.test("repair killed at each of its steps ends, run again, in the repaired knowledge base", async (t) => {
  await using dir = await tempDir();
  const base = await sampleWithExploration(join(dir.path, "base"));
  const before = await stateOf(base);
  await Deno.writeFile(join(base, ".quire", "registry.db"), new TextEncoder().encode("garbage"));
  for (const point of ["repair-built", "repair-aside", "repair-replaced", "rebuild-partial"]) {
    await t.step(point, async () => {
      const kb = await copyKb(base, join(dir.path, point));
      const crashed = await runQuire(["--kb", kb, "repair"], { env: { QUIRE_CRASH_AT: point } });
      assert.equal(crashed.signal, "SIGKILL", crashed.stderr);
      const list = await runQuire(["--kb", kb, "list"]);
      if (point === "repair-built" || point === "repair-aside") {
        // Not committed: the registry is still damaged, or missing.
        assert.equal(list.code, 5, list.stderr);
        assert.match(list.stderr, /quire repair/);
        const again = await runQuire(["--kb", kb, "repair"]);
        assert.equal(again.code, 0, again.stderr);
      } else {
        // Committed: the registry is whole; the next recovery rebuilds the pages.
        assert.equal(list.code, 0, list.stderr);
        const recover = await runQuire(["--kb", kb, "recover"]);
        assert.equal(recover.code, 0, recover.stderr);
      }
      assert.deepEqual(await stateOf(kb), before);
      assert.equal(integrityCheck(kb), "ok");
      assert.deepEqual(await stagingLeft(kb), []);
      assert.equal((await runQuire(["--kb", kb, "lint"])).code, 0);
      const kept = [...Deno.readDirSync(join(kb, ".quire"))].map((e) => e.name)
        .filter((name) => name.startsWith("registry.db.damaged-"));
      assert.ok(kept.length >= 1, `the damaged registry is kept: ${kept}`);
      const garbage = kept.map((name) => Deno.readTextFileSync(join(kb, ".quire", name)));
      assert.ok(garbage.includes("garbage"));
    });
  }
});
