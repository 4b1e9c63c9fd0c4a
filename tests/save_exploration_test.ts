import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { openChangeSession } from "../commit/change_session.ts";
import { saveExploration } from "../commit/save_exploration.ts";
import { QuireError } from "../core/errors.ts";
import { kbLayout } from "../core/layout.ts";
import { lintKnowledgeBase } from "../core/lint_knowledge_base.ts";
import { openRegistry } from "../core/registry.ts";
import {
  journalRows,
  read,
  ROOT,
  runQuire,
  stagingLeft,
  tempDir,
  treeState,
  writeFiles,
} from "./_helpers.ts";
import { buildSampleKb, copyKb } from "./_sample_kb.ts";

const QUESTION = "What do photovoltaic cells do?";
const ANSWER = "They turn sunlight into electricity; see [[summaries/solar]].";

function explorationRows(kb: string): { name: string; question: string }[] {
  const db = new DatabaseSync(join(kb, ".quire", "registry.db"), { readOnly: true });
  try {
    const rows = db.prepare("SELECT name, question FROM explorations ORDER BY name")
      .all() as unknown as { name: string; question: string }[];
    return rows.map((row) => ({ name: row.name, question: row.question }));
  } finally {
    db.close();
  }
}

async function lintProblems(kb: string) {
  const layout = kbLayout(kb);
  const db = openRegistry(layout.registry, { readOnly: true });
  try {
    return (await lintKnowledgeBase(layout, db, { writerActive: false })).problems;
  } finally {
    db.close();
  }
}

/** Saves one exploration in a separate process (so a crash point can kill it). */
async function saveInSubprocess(kb: string, env: Record<string, string>) {
  const script = join(kb, "..", "save_one.ts");
  const url = (path: string) => pathToFileURL(join(ROOT, path)).href;
  await Deno.writeTextFile(
    script,
    [
      `import { kbLayout } from "${url("core/layout.ts")}";`,
      `import { openChangeSession } from "${url("commit/change_session.ts")}";`,
      `import { saveExploration } from "${url("commit/save_exploration.ts")}";`,
      "await using session = await openChangeSession(kbLayout(Deno.args[0]));",
      "const input = { question: Deno.args[1], answer: Deno.args[2], citations: ['summaries/solar'] };",
      "console.log(JSON.stringify(await saveExploration(session, input)));",
    ].join("\n"),
  );
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      "--config",
      join(ROOT, "deno.json"),
      script,
      kb,
      QUESTION,
      ANSWER,
    ],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: output.code,
    signal: output.signal,
    stderr: new TextDecoder().decode(output.stderr),
  };
}

Deno.test("saveExploration() through the coordinator", async (t) => {
  await using dir = await tempDir();
  const sample = await buildSampleKb(dir.path);

  await t.step(
    "saveExploration() writes the page, its row, a log entry and the index",
    async () => {
      const kb = await copyKb(sample, join(dir.path, "saved"));
      const layout = kbLayout(kb);
      let first, second;
      {
        await using session = await openChangeSession(layout);
        first = await saveExploration(session, {
          question: QUESTION,
          answer: ANSWER,
          citations: ["summaries/solar", "summaries/solar"],
        });
        second = await saveExploration(session, {
          question: QUESTION,
          answer: "Again.",
          citations: [],
        });
      }
      assert.deepEqual(first, {
        name: "what-do-photovoltaic-cells-do",
        page: "wiki/explorations/what-do-photovoltaic-cells-do.md",
      });
      assert.equal(second.name, "what-do-photovoltaic-cells-do-2");

      const page = await read(join(kb, first.page));
      assert.match(
        page,
        /^---\nquestion: "What do photovoltaic cells do\?"\ncreated: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\ncites:\n {2}- "summaries\/solar"\n---\n/,
      );
      assert.ok(page.endsWith(`# What do photovoltaic cells do?\n\n${ANSWER}\n`));
      assert.match(await read(join(kb, second.page)), /cites: \[\]\n/);

      assert.deepEqual(explorationRows(kb), [
        { name: first.name, question: QUESTION },
        { name: second.name, question: QUESTION },
      ]);
      const index = await read(join(kb, "wiki/index.md"));
      assert.ok(
        index.endsWith(
          [
            "## Explorations",
            "",
            `- [[explorations/${first.name}|${QUESTION}]]`,
            `- [[explorations/${second.name}|${QUESTION}]]`,
            "",
          ].join("\n"),
        ),
        index,
      );
      const log = await read(join(kb, "wiki/log.md"));
      assert.match(
        log,
        new RegExp(
          `\\*\\*save\\*\\* \\[\\[explorations/${second.name}\\|${second.name}\\]\\] — What do photovoltaic cells do\\?`,
        ),
      );
      assert.equal(journalRows(kb), 0);
      assert.deepEqual(await stagingLeft(kb), []);
      assert.deepEqual(await lintProblems(kb), []);
    },
  );

  await t.step("saveExploration() does not reuse the name of a file already on disk", async () => {
    const kb = await copyKb(sample, join(dir.path, "taken"));
    await writeFiles(kb, { "wiki/explorations/taken.md": "# mine\n" });
    await using session = await openChangeSession(kbLayout(kb));
    const saved = await saveExploration(session, {
      question: "Taken?",
      answer: "Yes.",
      citations: [],
    });
    assert.equal(saved.name, "taken-2");
    assert.equal(await read(join(kb, "wiki/explorations/taken.md")), "# mine\n");
  });

  await t.step("saveExploration() refuses an empty question or answer", async () => {
    const kb = await copyKb(sample, join(dir.path, "empty"));
    const before = await treeState(kb);
    await using session = await openChangeSession(kbLayout(kb));
    for (const input of [{ question: "  ", answer: "x" }, { question: "Why?", answer: "\n" }]) {
      await assert.rejects(
        saveExploration(session, { ...input, citations: [] }),
        (error) => error instanceof QuireError && error.code === "USAGE",
      );
    }
    assert.deepEqual(await treeState(kb), before);
  });

  await t.step(
    "saveExploration() leaves nothing after a crash before the commit marker",
    async () => {
      const kb = await copyKb(sample, join(dir.path, "crash-published"));
      const before = await treeState(kb);
      const crashed = await saveInSubprocess(kb, { QUIRE_CRASH_AT: "published:1" });
      assert.equal(crashed.signal, "SIGKILL", crashed.stderr);
      // The page was published but not committed.
      const published = join(kb, "wiki/explorations/what-do-photovoltaic-cells-do.md");
      assert.equal((await Deno.stat(published)).isFile, true);
      assert.deepEqual(explorationRows(kb), []);

      const recovered = await runQuire(["--kb", kb, "recover"]);
      assert.equal(recovered.code, 0, recovered.stderr);
      assert.match(recovered.stderr, /rolled back what-do-photovoltaic-cells-do/);
      assert.deepEqual(explorationRows(kb), []);
      assert.deepEqual(await treeState(kb), before);
      assert.equal(journalRows(kb), 0);
      assert.deepEqual(await stagingLeft(kb), []);
    },
  );

  await t.step(
    "saveExploration() keeps the whole change after a crash after the marker",
    async () => {
      const kb = await copyKb(sample, join(dir.path, "crash-committed"));
      const crashed = await saveInSubprocess(kb, { QUIRE_CRASH_AT: "committed:1" });
      assert.equal(crashed.signal, "SIGKILL", crashed.stderr);
      assert.equal(journalRows(kb), 1);

      const recovered = await runQuire(["--kb", kb, "recover"]);
      assert.equal(recovered.code, 0, recovered.stderr);
      assert.deepEqual(explorationRows(kb), [{
        name: "what-do-photovoltaic-cells-do",
        question: QUESTION,
      }]);
      assert.match(
        await read(join(kb, "wiki/index.md")),
        /- \[\[explorations\/what-do-photovoltaic-cells-do\|What do photovoltaic cells do\?\]\]\n$/,
      );
      assert.deepEqual(await stagingLeft(kb), []);
      assert.deepEqual(await lintProblems(kb), []);
    },
  );
});
