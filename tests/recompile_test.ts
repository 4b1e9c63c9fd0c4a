import assert from "node:assert/strict";
import { join } from "node:path";
import {
  registryDocuments,
  runQuire,
  runQuireJson,
  stagingLeft,
  tempDir,
  treeState,
  writeFiles,
} from "./_helpers.ts";

async function setup(dir: string): Promise<string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 5; i++) {
    files[`in/r${i}.md`] =
      `# Report ${i}\n\nReport ${i} covers renewable energy storage and grid batteries. ` +
      `Lithium cells, pumped hydro and flywheels smooth the output of solar farms.\n`;
  }
  await writeFiles(dir, files);
  const kb = join(dir, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  assert.equal((await runQuire(["--kb", kb, "add", join(dir, "in")])).code, 0);
  return kb;
}

Deno.test("recompile rebuilds pages from the stored originals after a config change", async () => {
  await using dir = await tempDir();
  const kb = join(await setup(dir.path));
  // The sources are gone: recompile works from raw/ alone.
  await Deno.remove(join(dir.path, "in"), { recursive: true });
  const configPath = join(kb, ".quire", "config.json");
  const config = JSON.parse(await Deno.readTextFile(configPath));
  config.concepts.perDocument = 1;
  await Deno.writeTextFile(configPath, JSON.stringify(config));
  const before = await Deno.readTextFile(join(kb, "wiki", "summaries", "r0.md"));

  const { code, json } = await runQuireJson<{ updated: { name: string }[] }>(
    ["--kb", kb, "recompile", "--jobs", "2"],
    { env: { SOURCE_DATE_EPOCH: "1767409445" } },
  );
  assert.equal(code, 0);
  assert.deepEqual(json.updated.map((d) => d.name), ["r0", "r1", "r2", "r3", "r4"]);
  const after = await Deno.readTextFile(join(kb, "wiki", "summaries", "r0.md"));
  assert.notEqual(after, before);
  assert.equal((after.match(/^ {2}- "/gm) ?? []).length, 1, "one concept per document now");
  assert.match(after, /added: "2026-01-02T03:04:05Z"\nupdated: "2026-01-03T03:04:05Z"/);
  const log = await Deno.readTextFile(join(kb, "wiki", "log.md"));
  assert.match(log, /\*\*recompile\*\* \[\[summaries\/r4\|r4\]\]/);

  const one = await runQuireJson<{ updated: { name: string }[]; failed: { error: string }[] }>(
    ["--kb", kb, "recompile", "r2", "missing"],
  );
  assert.equal(one.code, 1);
  assert.deepEqual(one.json.updated.map((d) => d.name), ["r2"]);
  assert.match(one.json.failed[0].error, /Cannot recompile 'missing'/);
});

Deno.test("recompile killed mid-batch recovers with every document whole", async () => {
  await using dir = await tempDir();
  const kb = await setup(dir.path);
  const configPath = join(kb, ".quire", "config.json");
  const config = JSON.parse(await Deno.readTextFile(configPath));
  config.concepts.perDocument = 2;
  await Deno.writeTextFile(configPath, JSON.stringify(config));
  // Groups of one document, so that `published:3` is the third one.
  const crashed = await runQuire(["--kb", kb, "recompile"], {
    env: { QUIRE_GROUP: "1", QUIRE_CRASH_AT: "published:3" },
  });
  assert.equal(crashed.signal, "SIGKILL");
  assert.equal((await runQuire(["--kb", kb, "recover"])).code, 0);
  assert.equal(registryDocuments(kb).length, 5);
  assert.deepEqual(await stagingLeft(kb), []);
  for (let i = 0; i < 5; i++) {
    const summary = await Deno.readTextFile(join(kb, "wiki", "summaries", `r${i}.md`));
    const concepts = (summary.match(/^ {2}- "/gm) ?? []).length;
    // r0 and r1 were recompiled (2 concepts); r2 was rolled back; the rest untouched.
    assert.equal(concepts <= 2, i < 2, `r${i} has ${concepts} concepts`);
  }
  assert.equal((await runQuire(["--kb", kb, "recompile"])).code, 0);
  const state = await treeState(kb);
  assert.equal(Object.keys(state).filter((p) => p.startsWith("wiki/summaries/")).length, 5);
});
