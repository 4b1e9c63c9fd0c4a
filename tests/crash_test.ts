/**
 * Crash safety, end to end. The coordinator commits documents in groups, and
 * the promise is: after any crash and recovery, the knowledge base equals
 * S_k, the result of committing exactly the first k inputs, for some k, with
 * nothing of a later document visible. The CLI is killed with SIGKILL
 * (through `QUIRE_CRASH_AT`):
 *
 * - at every named crash point, at the 1st, 2nd and last document of a
 *   5-document add made of groups of one (`QUIRE_GROUP=1`): S_k is exactly
 *   the state before or after that document;
 * - at every crash point of a 5-document add made of groups of two: S_k is
 *   the state before or after that whole group;
 * - at every crash point of a `--jobs 3` add of 10 documents in groups of
 *   three, and at random moments of one whose groups adapt: some S_k.
 *
 * After `recover` there is nothing left in staging, and adding the same
 * inputs again must end in the knowledge base of a run never killed.
 * `power_cut_test.ts` adds lost writes to the kills.
 */

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import {
  collect,
  journalRows,
  registryDocuments,
  runQuire,
  runQuireJson,
  spawnQuire,
  stagingLeft,
  tempDir,
  treeState,
  writeFiles,
} from "./_helpers.ts";

const TOPICS = [
  "vector databases and approximate nearest neighbour search",
  "spaced repetition and long term memory",
  "vector databases in retrieval augmented generation",
  "knowledge graphs and linked notes",
  "approximate nearest neighbour search with graph indexes",
  "note taking systems and linked notes",
  "retrieval augmented generation pipelines",
  "spaced repetition software and flash cards",
  "graph indexes for vector databases",
  "knowledge graphs for question answering",
];

function documentText(i: number): string {
  const topic = TOPICS[i % TOPICS.length];
  return `# Document ${i + 1}: ${topic}\n\nThis document discusses ${topic}. ` +
    `It explains why ${topic} matters and how ${topic} is used in practice.\n\n` +
    `## Details\n\nMore about ${topic}, with an example number ${i * 17}.\n`;
}

async function makeInputs(dir: string, count: number): Promise<string[]> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    files[`in/d${String(i + 1).padStart(2, "0")}.md`] = documentText(i);
  }
  await writeFiles(dir, files);
  return Object.keys(files).map((f) => join(dir, f));
}

type State = {
  tree: Record<string, string>;
  documents: { name: string; hash: string; source: string }[];
};

async function stateOf(kb: string): Promise<State> {
  return { tree: await treeState(kb), documents: registryDocuments(kb) };
}

/** Builds the reference states S_0..S_n: a fresh kb with the first k inputs added. */
async function referenceStates(dir: string, inputs: string[]): Promise<State[]> {
  const states: State[] = [];
  for (let k = 0; k <= inputs.length; k++) {
    const kb = join(dir, `ref-${k}`);
    assert.equal((await runQuire(["init", kb])).code, 0);
    if (k > 0) {
      const result = await runQuire(["--kb", kb, "add", ...inputs.slice(0, k)]);
      assert.equal(result.code, 0, result.stderr);
    }
    states.push(await stateOf(kb));
  }
  return states;
}

/** Checks what `list` says against the files on disk. */
async function assertListMatchesFiles(kb: string): Promise<void> {
  const list = await runQuireJson<{ name: string }[]>(["--kb", kb, "list"]);
  const names = list.json.map((d) => d.name).sort();
  const summaries = [...Deno.readDirSync(join(kb, "wiki", "summaries"))].map((e) =>
    e.name.replace(/\.md$/, "")
  ).sort();
  const sources = [...Deno.readDirSync(join(kb, "wiki", "sources"))].map((e) =>
    e.name.replace(/\.md$/, "")
  ).sort();
  const raw = [...Deno.readDirSync(join(kb, "raw"))].map((e) => e.name.replace(/\.[^.]+$/, ""))
    .sort();
  assert.deepEqual(summaries, names);
  assert.deepEqual(sources, names);
  assert.deepEqual(raw, names);
}

/** Points reached once per group, before and after the commit marker. */
const GROUP_BEFORE = ["journal-written", "snapshot-taken", "published"];
const GROUP_AFTER = ["committed", "cleaned"];
/** Points reached once per document, all before the marker. */
const PER_DOCUMENT = ["publish-partial", "document-recorded"];
const BEFORE_MARKER = [...GROUP_BEFORE, ...PER_DOCUMENT];
const AFTER_MARKER = GROUP_AFTER;

/** Kills `add folder` at `point`, recovers, checks state `expected`, then finishes the add. */
async function crashAndRecover(
  kb: string,
  options: { folder: string; point: string; env: Record<string, string>; jobs?: number },
  expected: State,
  final: State,
): Promise<void> {
  const jobs = ["--jobs", String(options.jobs ?? 1)];
  assert.equal((await runQuire(["init", kb])).code, 0);
  const crashed = await runQuire(["--kb", kb, "add", ...jobs, options.folder], {
    env: { ...options.env, QUIRE_CRASH_AT: options.point },
  });
  assert.equal(crashed.signal, "SIGKILL", `expected a kill: ${crashed.stderr}`);
  const recovered = await runQuire(["--kb", kb, "recover"]);
  assert.equal(recovered.code, 0, recovered.stderr);
  assert.deepEqual(await stateOf(kb), expected);
  assert.deepEqual(await stagingLeft(kb), []);
  assert.equal(journalRows(kb), 0);
  const again = await runQuire(["--kb", kb, "add", ...jobs, options.folder], {
    env: options.env,
  });
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(await stateOf(kb), final);
}

Deno.test("add killed at every crash point recovers to exactly before or after that document", async (t) => {
  await using dir = await tempDir();
  const inputs = await makeInputs(dir.path, 5);
  const folder = join(dir.path, "in");
  const states = await referenceStates(dir.path, inputs);

  for (const point of [...BEFORE_MARKER, ...AFTER_MARKER]) {
    for (const n of [1, 2, 5]) {
      await t.step(`${point}:${n}`, async () => {
        const kb = join(dir.path, `kb-${point}-${n}`);
        assert.equal((await runQuire(["init", kb])).code, 0);
        const crashed = await runQuire(["--kb", kb, "add", folder], {
          env: { QUIRE_GROUP: "1", QUIRE_CRASH_AT: `${point}:${n}` },
        });
        assert.equal(crashed.signal, "SIGKILL", `expected a kill: ${crashed.stderr}`);

        const recovered = await runQuire(["--kb", kb, "recover"]);
        assert.equal(recovered.code, 0, recovered.stderr);
        assert.match(recovered.stderr, /Recovered an interrupted change/);
        const expected = BEFORE_MARKER.includes(point) ? states[n - 1] : states[n];
        assert.deepEqual(await stateOf(kb), expected);
        assert.deepEqual(await stagingLeft(kb), []);
        assert.equal(journalRows(kb), 0);
        await assertListMatchesFiles(kb);

        // Recovery is idempotent.
        const twice = await runQuire(["--kb", kb, "recover"]);
        assert.match(twice.stderr, /Nothing to recover/);
        assert.deepEqual(await stateOf(kb), expected);

        const again = await runQuire(["--kb", kb, "add", folder]);
        assert.equal(again.code, 0, again.stderr);
        assert.deepEqual(await stateOf(kb), states[5]);
      });
    }
  }

  await t.step("rebuild-partial:1", async () => {
    const kb = join(dir.path, "kb-rebuild");
    assert.equal((await runQuire(["init", kb])).code, 0);
    const crashed = await runQuire(["--kb", kb, "add", folder], {
      env: { QUIRE_GROUP: "1", QUIRE_CRASH_AT: "rebuild-partial:1" },
    });
    assert.equal(crashed.signal, "SIGKILL");
    // Every document committed; only the shared pages are behind.
    assert.deepEqual(registryDocuments(kb), states[5].documents);
    const status = await runQuireJson<{ recoveryPending: boolean; pendingJournals: number }>([
      "--kb",
      kb,
      "status",
    ]);
    assert.equal(status.json.recoveryPending, true);
    assert.equal((await runQuire(["--kb", kb, "recover"])).code, 0);
    assert.deepEqual(await stateOf(kb), states[5]);
    assert.deepEqual(await stagingLeft(kb), []);
  });

  await t.step("a crash during recovery is recovered by the next recovery", async () => {
    const kb = join(dir.path, "kb-recovery-crash");
    assert.equal((await runQuire(["init", kb])).code, 0);
    await runQuire(["--kb", kb, "add", folder], {
      env: { QUIRE_GROUP: "1", QUIRE_CRASH_AT: "published:2" },
    });
    const crashedRecovery = await runQuire(["--kb", kb, "recover"], {
      env: { QUIRE_CRASH_AT: "rollback-partial:1" },
    });
    assert.equal(crashedRecovery.signal, "SIGKILL");
    assert.equal((await runQuire(["--kb", kb, "recover"])).code, 0);
    assert.deepEqual(await stateOf(kb), states[1]);
    assert.deepEqual(await stagingLeft(kb), []);
  });
});

Deno.test("documents that link to each other, killed at every crash point, recover with every 'Linked from' block right", async (t) => {
  await using dir = await tempDir();
  // Each document links to the one after it (queued for a block rebuild
  // when that one is committed first) and to the one before it.
  const files: Record<string, string> = {};
  for (let i = 1; i <= 5; i++) {
    files[`in/l${i}.md`] = `# Linked ${i}\n\nSee [[l${i + 1}]] and [[summaries/l${i - 1}]]. ` +
      documentText(i).replace(/^# .*\n/, "");
  }
  await writeFiles(dir.path, files);
  const inputs = Object.keys(files).map((f) => join(dir.path, f));
  const folder = join(dir.path, "in");
  const states = await referenceStates(dir.path, inputs);
  assert.match(
    await Deno.readTextFile(join(dir.path, "ref-5", "wiki", "summaries", "l3.md")),
    /## Linked from\n\n- \[\[summaries\/l2\|Linked 2\]\]\n- \[\[summaries\/l4\|Linked 4\]\]\n/,
  );
  const crashAt = async (point: string) => {
    const kb = join(dir.path, `kb-${point.replace(":", "-")}`);
    assert.equal((await runQuire(["init", kb])).code, 0);
    const crashed = await runQuire(["--kb", kb, "add", folder], {
      env: { QUIRE_CRASH_AT: point, QUIRE_GROUP: "1" },
    });
    assert.equal(crashed.signal, "SIGKILL", `expected a kill: ${crashed.stderr}`);
    return kb;
  };
  const recoversTo = async (kb: string, k: number) => {
    assert.equal((await runQuire(["--kb", kb, "recover"])).code, 0);
    assert.deepEqual(await stateOf(kb), states[k]);
    assert.deepEqual(await stagingLeft(kb), []);
    assert.equal((await runQuire(["--kb", kb, "add", folder])).code, 0);
    assert.deepEqual(await stateOf(kb), states[5]);
  };
  for (const point of [...BEFORE_MARKER, ...AFTER_MARKER]) {
    await t.step(`${point}:3`, async () => {
      const kb = await crashAt(`${point}:3`);
      await recoversTo(kb, BEFORE_MARKER.includes(point) ? 2 : 3);
    });
  }
  await t.step("rebuild-partial:1", async () => {
    const kb = await crashAt("rebuild-partial:1");
    const db = new DatabaseSync(join(kb, ".quire", "registry.db"), { readOnly: true });
    const pending = db.prepare("SELECT path FROM pending_pages ORDER BY path").all() as {
      path: string;
    }[];
    db.close();
    // l1 to l4 each gained a backlink after its commit: their summaries are queued.
    const paths = pending.map((p) => p.path);
    for (const i of [1, 2, 3, 4]) {
      assert.ok(paths.includes(`wiki/summaries/l${i}.md`), paths.join());
    }
    await recoversTo(kb, 5);
  });
});

Deno.test("add killed at every crash point keeps or drops whole groups", async (t) => {
  await using dir = await tempDir();
  const inputs = await makeInputs(dir.path, 5);
  const folder = join(dir.path, "in");
  const states = await referenceStates(dir.path, inputs);
  // Groups of two: {d01, d02}, {d03, d04}, {d05}. Group points at the second
  // group; per-document points at both of its documents.
  const cases: [string, number][] = [
    ...[...GROUP_BEFORE, ...GROUP_AFTER].map((point): [string, number] => [point, 2]),
    ...PER_DOCUMENT.flatMap((point): [string, number][] => [[point, 3], [point, 4]]),
  ];
  for (const [point, n] of cases) {
    await t.step(`${point}:${n}`, async () => {
      const expected = AFTER_MARKER.includes(point) ? states[4] : states[2];
      await crashAndRecover(
        join(dir.path, `kb-${point}-${n}`),
        { folder, point: `${point}:${n}`, env: { QUIRE_GROUP: "2" } },
        expected,
        states[5],
      );
    });
  }
});

Deno.test("an update killed before its commit marker is rolled back to the old version", async () => {
  await using dir = await tempDir();
  const inputs = await makeInputs(dir.path, 3);
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["--kb", kb, "add", ...inputs])).code, 0);
  const before = await stateOf(kb);
  for (const file of inputs) {
    await Deno.writeTextFile(
      file,
      (await Deno.readTextFile(file)) + "\nA new paragraph about linked notes.\n",
    );
  }

  for (const point of BEFORE_MARKER) {
    const crashed = await runQuire(["--kb", kb, "add", ...inputs], {
      env: { QUIRE_GROUP: "1", QUIRE_CRASH_AT: `${point}:1` },
    });
    assert.equal(crashed.signal, "SIGKILL");
    assert.equal((await runQuire(["--kb", kb, "recover"])).code, 0);
    assert.deepEqual(await stateOf(kb), before, `after a crash at ${point}`);
  }
  const updated = await runQuireJson<{ updated: unknown[] }>(["--kb", kb, "add", ...inputs]);
  assert.equal(updated.json.updated.length, 3);
});

Deno.test("add --jobs 3 killed at random moments recovers to a prefix of the inputs", async () => {
  await using dir = await tempDir();
  const inputs = await makeInputs(dir.path, 10);
  const folder = join(dir.path, "in");
  const states = await referenceStates(dir.path, inputs);

  const timed = join(dir.path, "timed");
  await runQuire(["init", timed]);
  const started = performance.now();
  await runQuire(["--kb", timed, "add", "--jobs", "3", folder]);
  const duration = performance.now() - started;

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const kb = join(dir.path, `kb-seed-${seed}`);
    assert.equal((await runQuire(["init", kb])).code, 0);
    // A deterministic pseudo-random moment within the run, per seed.
    const delay = ((seed * 7919) % 997) / 997 * duration;
    const child = spawnQuire(["--kb", kb, "add", "--jobs", "3", folder]);
    await new Promise((resolve) => setTimeout(resolve, delay));
    try {
      child.kill("SIGKILL");
    } catch {
      // It already finished.
    }
    await collect(child);
    assert.equal((await runQuire(["--kb", kb, "recover"])).code, 0);
    const state = await stateOf(kb);
    const k = state.documents.length;
    assert.deepEqual(state, states[k], `seed ${seed}: ${k} documents committed`);
    assert.deepEqual(await stagingLeft(kb), []);
    assert.equal((await runQuire(["--kb", kb, "add", "--jobs", "3", folder])).code, 0);
    assert.deepEqual(await stateOf(kb), states[10]);
  }
});

Deno.test("add --jobs 3 killed at every crash point recovers to the state before or after that group", async (t) => {
  await using dir = await tempDir();
  const inputs = await makeInputs(dir.path, 10);
  const folder = join(dir.path, "in");
  const states = await referenceStates(dir.path, inputs);
  // Groups of three: the second group is documents 4–6.
  for (const point of [...BEFORE_MARKER, ...AFTER_MARKER]) {
    const n = PER_DOCUMENT.includes(point) ? 6 : 2;
    await t.step(`${point}:${n}`, async () => {
      await crashAndRecover(
        join(dir.path, `kb-${point}`),
        { folder, point: `${point}:${n}`, env: { QUIRE_GROUP: "3" }, jobs: 3 },
        BEFORE_MARKER.includes(point) ? states[3] : states[6],
        states[10],
      );
    });
  }
});

Deno.test("init killed at every step leaves a knowledge base that the next init completes", async (t) => {
  await using dir = await tempDir();
  const reference = join(dir.path, "reference");
  assert.equal((await runQuire(["init", reference])).code, 0);
  const expected = await treeState(reference);
  const config = await Deno.readTextFile(join(reference, ".quire", "config.json"));

  // file-staged:1 is the config written under its temporary name, before
  // the rename; rebuild-partial:1 is the first shared page of the rebuild.
  const points = [
    "file-staged:1",
    "journal-written:1",
    "published:1",
    "committed:1",
    "rebuild-partial:1",
  ];
  for (const point of points) {
    await t.step(point, async () => {
      const kb = join(dir.path, `kb-${point.replace(":", "-")}`);
      const crashed = await runQuire(["init", kb], { env: { QUIRE_CRASH_AT: point } });
      assert.equal(crashed.signal, "SIGKILL", `expected a kill: ${crashed.stderr}`);
      // Never a truncated config: it is either absent or whole.
      const left = await Deno.readTextFile(join(kb, ".quire", "config.json")).catch(() => null);
      assert.ok(left === null || left === config, `config after a kill at ${point}: ${left}`);

      const again = await runQuire(["init", kb]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(await Deno.readTextFile(join(kb, ".quire", "config.json")), config);
      assert.deepEqual(await treeState(kb), expected);
      assert.deepEqual(await stagingLeft(kb), []);
      assert.equal(journalRows(kb), 0);
      assert.equal((await runQuire(["--kb", kb, "list"])).code, 0);
    });
  }
});
