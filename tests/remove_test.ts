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

const DOCS = {
  "in/alpha.md":
    "# Alpha\n\nAlpha explains vector databases and vector databases again in detail.\n",
  "in/beta.md": "# Beta\n\nBeta compares vector databases with search engines.\n",
  "in/gamma.txt": "Gamma is a short note about gardening.\n",
};

async function setup(dir: string): Promise<{ kb: string; inputs: string[] }> {
  await writeFiles(dir, DOCS);
  const kb = join(dir, "kb");
  const inputs = Object.keys(DOCS).map((f) => join(dir, f));
  assert.equal((await runQuire(["init", kb])).code, 0);
  assert.equal((await runQuire(["--kb", kb, "add", ...inputs])).code, 0);
  return { kb, inputs };
}

Deno.test("remove deletes a document's files and rows and rebuilds the pages it touched", async () => {
  await using dir = await tempDir();
  const { kb, inputs } = await setup(dir.path);
  const hash = registryDocuments(kb).find((d) => d.name === "gamma")!.hash;
  const { code, json } = await runQuireJson<{ removed: { name: string }[] }>(
    ["--kb", kb, "remove", "ALPHA", hash.slice(0, 8)],
  );
  assert.equal(code, 0);
  assert.deepEqual(json.removed.map((r) => r.name), ["alpha", "gamma"]);
  assert.deepEqual(registryDocuments(kb).map((d) => d.name), ["beta"]);
  const tree = Object.keys(await treeState(kb));
  assert.ok(!tree.some((p) => p.includes("alpha") || p.includes("gamma")), tree.join("\n"));
  const index = await Deno.readTextFile(join(kb, "wiki", "index.md"));
  assert.doesNotMatch(index, /summaries\/alpha/);
  assert.match(index, /^1 document,/m);
  const log = await Deno.readTextFile(join(kb, "wiki", "log.md"));
  assert.match(log, /\*\*remove\*\* `gamma` — .*gamma\.txt/);

  // The same state as a knowledge base that only ever had beta.
  const reference = join(dir.path, "ref");
  await runQuire(["init", reference]);
  await runQuire(["--kb", reference, "add", inputs[1]]);
  const withoutLog = (state: Record<string, string>) => {
    const { ["wiki/log.md"]: _, ...rest } = state;
    return rest;
  };
  assert.deepEqual(withoutLog(await treeState(kb)), withoutLog(await treeState(reference)));
});

Deno.test("remove of an unknown name or an ambiguous prefix is a clear error, exit 1", async () => {
  await using dir = await tempDir();
  const { kb } = await setup(dir.path);
  const result = await runQuire(["--kb", kb, "remove", "nothing-here", "beta"]);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /Cannot remove 'nothing-here': no document has this name or hash prefix/,
  );
  assert.deepEqual(registryDocuments(kb).map((d) => d.name), ["alpha", "gamma"]);
});

Deno.test("remove killed mid-delete recovers to the document fully there or fully gone", async () => {
  await using dir = await tempDir();
  const { kb } = await setup(dir.path);
  const before = await treeState(kb);
  for (const point of ["journal-written", "snapshot-taken", "publish-partial", "published"]) {
    const crashed = await runQuire(["--kb", kb, "remove", "beta"], {
      env: { QUIRE_CRASH_AT: `${point}:1` },
    });
    assert.equal(crashed.signal, "SIGKILL");
    assert.equal((await runQuire(["--kb", kb, "recover"])).code, 0);
    assert.deepEqual(await treeState(kb), before, `after a crash at ${point}`);
    assert.equal(registryDocuments(kb).length, 3);
  }
  const crashed = await runQuire(["--kb", kb, "remove", "beta"], {
    env: { QUIRE_CRASH_AT: "committed:1" },
  });
  assert.equal(crashed.signal, "SIGKILL");
  assert.equal((await runQuire(["--kb", kb, "recover"])).code, 0);
  assert.deepEqual(registryDocuments(kb).map((d) => d.name), ["alpha", "gamma"]);
  assert.ok(!Object.keys(await treeState(kb)).some((p) => p.includes("beta")));
  assert.deepEqual(await stagingLeft(kb), []);
});
