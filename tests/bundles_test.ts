/**
 * Preparing in shards and committing once (issue 16): `quire prepare
 * --shard I/N --out DIR` in separate processes, then `quire add
 * --from-bundle`, must give exactly the knowledge base of one `quire add` of
 * the same inputs; bad bundles change nothing; crashes recover to a prefix
 * of the global input order.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { bundleChecksum, type BundleManifest } from "../prepare/prepared_bundle.ts";
import {
  registryDocuments,
  runQuire,
  runQuireJson,
  stagingLeft,
  tempDir,
  treeState,
  writeFiles,
} from "./_helpers.ts";

const TOPICS = [
  "harbour cranes and container logistics",
  "tidal energy and harbour walls",
  "lighthouse keepers and coastal navigation",
  "container logistics with rail links",
  "coastal navigation by radio beacons",
  "tidal energy turbines in narrow straits",
];

/**
 * Writes `count` documents (and one file Quire does not read) under
 * `dir/in`; each links to the next one when `linked`.
 */
async function makeInputs(dir: string, count: number, linked = true): Promise<string> {
  const files: Record<string, string> = { "in/photo.png": "\x89PNG\r\n\x1a\nnot really" };
  for (let i = 0; i < count; i++) {
    const topic = TOPICS[i % TOPICS.length];
    const body = `# Note ${i + 1}: ${topic}\n\nThis note is about ${topic}. ` +
      `It says why ${topic} matter, with the number ${i * 31}.\n\n` +
      (linked
        ? `## More\n\nSee also [the next note](d${String(i + 2).padStart(2, "0")}.md).\n`
        : "");
    files[`in/d${String(i + 1).padStart(2, "0")}.md`] = body;
  }
  await writeFiles(dir, files);
  return join(dir, "in");
}

type State = { tree: Record<string, string>; documents: ReturnType<typeof registryDocuments> };

async function stateOf(kb: string): Promise<State> {
  return { tree: await treeState(kb), documents: registryDocuments(kb) };
}

/** Prepares every shard of `inputs` at once, each in its own process and folder. */
async function prepareShards(dir: string, inputs: string[], total: number): Promise<string[]> {
  const outs = Array.from({ length: total }, (_, i) => join(dir, `bundle-${i + 1}`));
  const runs = await Promise.all(
    outs.map((out, i) =>
      runQuire(["prepare", ...inputs, "--shard", `${i + 1}/${total}`, "--out", out])
    ),
  );
  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  return outs;
}

Deno.test("add --from-bundle of 3 shards prepared in 3 processes equals one add of the same inputs, in any bundle order", async () => {
  await using dir = await tempDir();
  const folder = await makeInputs(dir.path, 12);
  const missing = join(dir.path, "missing.md");
  const inputs = [folder, missing];

  const reference = join(dir.path, "reference");
  const added = await runQuireJson<{ added: unknown[]; failed: unknown[]; skipped: unknown[] }>([
    "--kb",
    reference,
    "add",
    ...inputs,
  ]);
  assert.equal(added.code, 1, added.stderr);
  assert.deepEqual([added.json.added.length, added.json.failed.length], [12, 1]);
  const expected = await stateOf(reference);
  const expectedList = (await runQuireJson(["--kb", reference, "list"])).json;

  const bundles = await prepareShards(dir.path, inputs, 3);
  for (const order of [[0, 1, 2], [2, 0, 1]]) {
    const kb = join(dir.path, `kb-${order.join("")}`);
    const result = await runQuireJson<
      { added: unknown[]; failed: { source: string }[]; skipped: { reason: string }[] }
    >(["--kb", kb, "add", "--from-bundle", ...order.map((i) => bundles[i])]);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.json.added.length, 12);
    assert.deepEqual(result.json.failed.map((f) => f.source), [missing]);
    assert.deepEqual(result.json.skipped.map((s) => s.reason), ["unsupported"]);
    assert.deepEqual(await stateOf(kb), expected, `bundles in order ${order}`);
    assert.deepEqual((await runQuireJson(["--kb", kb, "list"])).json, expectedList);
    assert.deepEqual(await stagingLeft(kb), []);
  }

  // The same bundles again: every document is a duplicate, nothing changes.
  const kb = join(dir.path, "kb-012");
  const again = await runQuireJson<{ added: unknown[]; skipped: { reason: string }[] }>([
    "--kb",
    kb,
    "add",
    "--from-bundle",
    ...bundles,
  ]);
  assert.equal(again.json.added.length, 0);
  assert.equal(again.json.skipped.filter((s) => s.reason === "duplicate").length, 12);
  assert.deepEqual(await stateOf(kb), expected);
});

/** Rewrites a bundle's manifest through `change`, with a checksum that matches again. */
async function rewriteManifest(bundle: string, change: (m: BundleManifest) => void) {
  const path = join(bundle, "bundle.json");
  const manifest = JSON.parse(await Deno.readTextFile(path)) as BundleManifest;
  change(manifest);
  manifest.checksum = bundleChecksum(manifest);
  await Deno.writeTextFile(path, JSON.stringify(manifest));
}

Deno.test("add --from-bundle refuses a damaged, foreign or duplicated bundle and changes nothing", async (t) => {
  await using dir = await tempDir();
  const folder = await makeInputs(dir.path, 6);
  const [first, second] = await prepareShards(dir.path, [folder], 2);
  const kb = join(dir.path, "kb");
  const lone = join(dir.path, "lone.md");
  await Deno.writeTextFile(lone, "# Lone\n\nA note already in the knowledge base.\n");
  assert.equal((await runQuire(["--kb", kb, "add", lone])).code, 0);
  const before = await stateOf(kb);

  const refused = async (bundles: string[], message: RegExp, flags: string[] = []) => {
    const result = await runQuire(["--kb", kb, "add", ...flags, "--from-bundle", ...bundles]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, message);
    assert.match(result.stderr, /hint: /);
    assert.deepEqual(await stateOf(kb), before);
  };
  const copyOf = async (bundle: string, name: string) => {
    const copy = join(dir.path, name);
    await new Deno.Command("cp", { args: ["-r", bundle, copy] }).output();
    return copy;
  };
  const firstEntry = async (bundle: string) => {
    const manifest = JSON.parse(await Deno.readTextFile(join(bundle, "bundle.json")));
    return join(
      bundle,
      manifest.entries.find((e: { status: string }) => e.status === "prepared").entry,
    );
  };

  await t.step("a missing file", async () => {
    const bad = await copyOf(first, "missing-file");
    const entry = await firstEntry(bad);
    const page = [...Deno.readDirSync(entry)].find((e) => e.name.endsWith(".source.md"))!.name;
    await Deno.remove(join(entry, page));
    await refused(
      [bad, second],
      /Cannot use bundle '.*missing-file': the entry of .*'[^']+\.source\.md' is missing/,
    );
  });
  await t.step("a flipped byte in an original", async () => {
    const bad = await copyOf(first, "flipped");
    const entry = await firstEntry(bad);
    const raw = [...Deno.readDirSync(entry)].find((e) => e.name.endsWith(".raw"))!.name;
    const bytes = await Deno.readFile(join(entry, raw));
    bytes[5] ^= 0x20;
    await Deno.writeFile(join(entry, raw), bytes);
    await refused([bad], /'[^']+\.raw' does not match its checksum/);
  });
  await t.step("a truncated or missing bundle.json", async () => {
    const bad = await copyOf(first, "truncated");
    const text = await Deno.readTextFile(join(bad, "bundle.json"));
    await Deno.writeTextFile(join(bad, "bundle.json"), text.slice(0, text.length / 2));
    await refused([bad], /bundle\.json is not valid JSON/);
    await refused([folder], /it has no bundle\.json/);
  });
  await t.step("a changed manifest", async () => {
    const bad = await copyOf(first, "changed");
    const path = join(bad, "bundle.json");
    await Deno.writeTextFile(
      path,
      (await Deno.readTextFile(path)).replace(/"inputCount": \d+/, '"inputCount": 99'),
    );
    await refused([bad], /bundle\.json does not match its checksum/);
  });
  await t.step("another Quire version", async () => {
    const bad = await copyOf(first, "old-quire");
    await rewriteManifest(bad, (m) => (m.quireVersion = "0.0.1"));
    await refused([bad], /it was prepared by Quire 0\.0\.1, and this is Quire /);
  });
  await t.step("another compiler configuration, unless accepted", async () => {
    const other = join(dir.path, "other-kb");
    assert.equal((await runQuire(["init", other])).code, 0);
    const configPath = join(other, ".quire", "config.json");
    const config = JSON.parse(await Deno.readTextFile(configPath));
    config.concepts.perDocument = 3;
    await Deno.writeTextFile(configPath, JSON.stringify(config));
    const out = join(dir.path, "other-config");
    const prepared = await runQuire(["--kb", other, "prepare", folder, "--out", out]);
    assert.equal(prepared.code, 0, prepared.stderr);
    await refused([out], /it was prepared by another compiler .*"conceptsPerDocument":3/);
    const accepted = await runQuireJson<{ added: unknown[] }>([
      "--kb",
      kb,
      "add",
      "--accept-compiler",
      "--from-bundle",
      out,
    ]);
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.equal(accepted.json.added.length, 6);
    assert.equal(
      (await runQuire([
        "--kb",
        kb,
        "remove",
        ...registryDocuments(kb).map((d) => d.name).filter((n) => n !== "lone"),
      ])).code,
      0,
    );
    before.tree = await treeState(kb);
  });
  await t.step("two bundles claiming the same shard, or shards of different batches", async () => {
    await refused([first, await copyOf(first, "twin")], /both claim shard 1\/2/);
    const elsewhere = join(dir.path, "elsewhere");
    const prepared = await runQuire(["prepare", lone, "--shard", "2/2", "--out", elsewhere]);
    assert.equal(prepared.code, 0, prepared.stderr);
    await refused([first, elsewhere], /they were prepared from different inputs/);
  });
  await t.step("an empty shard is a bundle with nothing in it", async () => {
    const empty = join(dir.path, "empty");
    const prepared = await runQuireJson<{ shardInputs: number; bundle: string }>([
      "prepare",
      lone,
      "--shard",
      "2/2",
      "--out",
      empty,
    ]);
    assert.equal(prepared.code, 0, prepared.stderr);
    assert.equal(prepared.json.shardInputs, 0);
    const result = await runQuireJson<{ added: unknown[] }>([
      "--kb",
      kb,
      "add",
      "--from-bundle",
      empty,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.json.added, []);
    assert.deepEqual((await stateOf(kb)).tree, before.tree);
  });
  await t.step("prepare never writes over an existing folder or bundle", async () => {
    const result = await runQuire(["prepare", folder, "--out", first]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Cannot prepare into '.*bundle-1': the folder is not empty/);
  });
});

Deno.test("prepare killed while writing leaves no bundle that verifies", async () => {
  await using dir = await tempDir();
  const folder = await makeInputs(dir.path, 4);
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  for (const point of ["bundle-entry-written:2", "bundle-manifest-written:1"]) {
    const out = join(dir.path, `out-${point.replace(":", "-")}`);
    const crashed = await runQuire(["prepare", folder, "--out", out], {
      env: { QUIRE_CRASH_AT: point },
    });
    assert.equal(crashed.signal, "SIGKILL", crashed.stderr);
    const result = await runQuire(["--kb", kb, "add", "--from-bundle", out]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /it has no bundle\.json/);
    assert.deepEqual(registryDocuments(kb), []);
    // Preparing again into the same folder works.
    assert.equal((await runQuire(["prepare", folder, "--out", out])).code, 0);
  }
});

Deno.test("add --from-bundle killed at each crash point recovers to a prefix of the global input order", async () => {
  await using dir = await tempDir();
  const folder = await makeInputs(dir.path, 6, false);
  const bundles = await prepareShards(dir.path, [folder], 2);
  // S_k: the knowledge base after committing the first k inputs (in order).
  const files = [...Deno.readDirSync(folder)].map((e) => e.name).filter((n) => n.endsWith(".md"))
    .sort().map((n) => join(folder, n));
  const states: State[] = [];
  for (let k = 0; k <= files.length; k++) {
    const kb = join(dir.path, `ref-${k}`);
    assert.equal((await runQuire(["init", kb])).code, 0);
    if (k > 0) assert.equal((await runQuire(["--kb", kb, "add", ...files.slice(0, k)])).code, 0);
    states.push(await stateOf(kb));
  }
  // Groups of two (QUIRE_GROUP): three groups, each kept or dropped whole.
  const points = [
    "journal-written:2",
    "published:2",
    "publish-partial:4",
    "document-recorded:5",
    "committed:2",
    "rebuild-partial:1",
  ];
  for (const point of points) {
    const kb = join(dir.path, `kb-${point.replace(":", "-")}`);
    assert.equal((await runQuire(["init", kb])).code, 0);
    const crashed = await runQuire(["--kb", kb, "add", "--from-bundle", ...bundles], {
      env: { QUIRE_CRASH_AT: point, QUIRE_GROUP: "2" },
    });
    assert.equal(crashed.signal, "SIGKILL", `${point}: ${crashed.stderr}`);
    assert.equal((await runQuire(["--kb", kb, "recover"])).code, 0);
    const state = await stateOf(kb);
    const k = state.documents.length;
    assert.deepEqual(state, states[k], `${point}: not the state after the first ${k} inputs`);
    assert.deepEqual(await stagingLeft(kb), []);
    const again = await runQuire(["--kb", kb, "add", "--from-bundle", ...bundles]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await stateOf(kb), states[files.length], point);
  }
});
