/**
 * Power cuts: like `crash_test.ts`, but after the kill every write that was
 * not made durable is lost (`_power_cut.ts` works out which from the file
 * operations Quire traced). Recovery must still bring the knowledge base to
 * S_k, the first k inputs committed, with whole groups: a group whose
 * commit marker is durable keeps every file it published, because each was
 * fsynced, and its directories too, before the marker.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  journalRows,
  registryDocuments,
  runQuire,
  stagingLeft,
  tempDir,
  treeState,
  writeFiles,
} from "./_helpers.ts";
import { filesUnder, simulatePowerCut } from "./_power_cut.ts";

const TEXTS = [
  "Harbour cranes lift containers from cargo vessels at the quay.",
  "Pilot boats guide cargo vessels through the harbour channel.",
  "Tide tables tell pilots when the harbour channel is deep enough.",
  "Anchors and buoys mark the berths of cargo vessels in the harbour.",
  "Quay cranes and pilot boats work around the tide tables.",
];

async function makeInputs(dir: string): Promise<string> {
  const files: Record<string, string> = {};
  TEXTS.forEach((text, i) => (files[`in/p${i + 1}.md`] = `# Note ${i + 1}\n\n${text}\n`));
  await writeFiles(dir, files);
  return join(dir, "in");
}

async function stateOf(kb: string) {
  return { tree: await treeState(kb), documents: registryDocuments(kb) };
}

Deno.test("simulatePowerCut() truncates data never fsynced and undoes renames whose folder was not fsynced", async () => {
  await using dir = await tempDir();
  const d = dir.path;
  await Deno.mkdir(join(d, "a"));
  await Deno.mkdir(join(d, "b"));
  await Deno.writeTextFile(join(d, "a", "kept"), "kept");
  await Deno.writeTextFile(join(d, "a", "torn"), "torn");
  await Deno.writeTextFile(join(d, "a", "moved"), "moved");
  const trace = [
    ["write", join(d, "a", "kept")],
    ["fsync", join(d, "a", "kept")],
    ["write", join(d, "a", "torn")],
    ["fsync", join(d, "a", "moved")],
    ["syncdir", join(d, "a")],
    ["rename", join(d, "a", "moved"), join(d, "b", "moved")],
  ];
  await Deno.rename(join(d, "a", "moved"), join(d, "b", "moved"));
  await Deno.writeTextFile(join(d, "trace"), trace.map((e) => JSON.stringify(e)).join("\n"));
  const existing = new Set(["kept", "torn", "moved"].map((f) => join(d, "a", f)));
  const report = simulatePowerCut(join(d, "trace"), { existing });
  assert.equal(await Deno.readTextFile(join(d, "a", "kept")), "kept");
  assert.equal(await Deno.readTextFile(join(d, "a", "torn")), "");
  assert.deepEqual(report.truncated, [join(d, "a", "torn")]);
  // The rename into b/ was never made durable: the file is back in a/, whole.
  assert.equal(await Deno.readTextFile(join(d, "a", "moved")), "moved");
  await assert.rejects(() => Deno.stat(join(d, "b", "moved")), Deno.errors.NotFound);
});

Deno.test("add cut off by a power failure at every crash point keeps or drops whole groups", async (t) => {
  await using dir = await tempDir();
  const folder = await makeInputs(dir.path);
  const inputs = [...Deno.readDirSync(folder)].map((e) => join(folder, e.name)).sort();
  const states: Awaited<ReturnType<typeof stateOf>>[] = [];
  for (let k = 0; k <= inputs.length; k++) {
    const kb = join(dir.path, `ref-${k}`);
    assert.equal((await runQuire(["init", kb])).code, 0);
    if (k > 0) assert.equal((await runQuire(["--kb", kb, "add", ...inputs.slice(0, k)])).code, 0);
    states.push(await stateOf(kb));
  }
  // Groups of two: {p1, p2}, {p3, p4}, {p5}; k is what recovery must reach.
  const cases: [string, number][] = [
    ["journal-written:2", 2],
    ["snapshot-taken:2", 2],
    ["publish-partial:3", 2],
    ["publish-partial:4", 2],
    ["published:2", 2],
    ["document-recorded:4", 2],
    ["committed:2", 4],
    ["cleaned:2", 4],
    ["rebuild-partial:1", 5],
  ];
  for (const [point, k] of cases) {
    await t.step(point, async () => {
      const kb = join(dir.path, `kb-${point.replace(":", "-")}`);
      const trace = join(dir.path, `trace-${point.replace(":", "-")}`);
      assert.equal((await runQuire(["init", kb])).code, 0);
      const existing = filesUnder(kb);
      const crashed = await runQuire(["--kb", kb, "add", folder], {
        env: { QUIRE_GROUP: "2", QUIRE_CRASH_AT: point, QUIRE_FS_TRACE: trace },
      });
      assert.equal(crashed.signal, "SIGKILL", crashed.stderr);
      const cut = simulatePowerCut(trace, { existing });
      if (point.startsWith("publish-partial")) {
        // The renames of the group in flight were not durable yet.
        assert.ok(cut.undone.some((p) => p.includes("/raw/")), JSON.stringify(cut));
      }
      const recovered = await runQuire(["--kb", kb, "recover"]);
      assert.equal(recovered.code, 0, recovered.stderr);
      assert.deepEqual(await stateOf(kb), states[k]);
      assert.deepEqual(await stagingLeft(kb), []);
      assert.equal(journalRows(kb), 0);
      assert.equal((await runQuire(["--kb", kb, "add", folder])).code, 0);
      assert.deepEqual(await stateOf(kb), states[5]);
    });
  }
});
