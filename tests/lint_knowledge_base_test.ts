import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { kbLayout } from "../core/layout.ts";
import { LINT_KINDS, lintKnowledgeBase, type LintReport } from "../core/lint_knowledge_base.ts";
import { openRegistry } from "../core/registry.ts";
import { tempDir, writeFiles } from "./_helpers.ts";
import { buildSampleKb, copyKb } from "./_sample_kb.ts";

async function lint(kb: string, writerActive = false): Promise<LintReport> {
  const layout = kbLayout(kb);
  const db = openRegistry(layout.registry, { readOnly: true });
  try {
    return await lintKnowledgeBase(layout, db, { writerActive });
  } finally {
    db.close();
  }
}

function kinds(report: LintReport): string[] {
  return [...new Set(report.problems.map((p) => p.kind))];
}

Deno.test("lintKnowledgeBase() on knowledge bases built by the CLI", async (t) => {
  await using dir = await tempDir();
  const kb = await buildSampleKb(dir.path);
  let copies = 0;
  const copy = () => copyKb(kb, join(dir.path, `copy-${++copies}`));

  await t.step("lintKnowledgeBase() finds nothing on a fresh knowledge base", async () => {
    assert.deepEqual((await lint(kb)).problems, []);
  });

  await t.step("lintKnowledgeBase() reports a deleted summary and the links to it", async () => {
    const broken = await copy();
    await Deno.remove(join(broken, "wiki/summaries/heliostat.md"));
    const report = await lint(broken);
    assert.deepEqual(report.problems.filter((p) => p.kind === "missing-file"), [{
      kind: "missing-file",
      path: "wiki/summaries/heliostat.md",
      detail: "the summary page of document 'heliostat' is not on disk",
    }]);
    const links = report.problems.filter((p) => p.kind === "broken-link");
    assert.ok(links.some((p) => p.path === "wiki/index.md"));
    assert.ok(links.some((p) => p.path === "wiki/log.md"));
    assert.ok(
      links.every((p) => p.detail.includes("no page 'summaries/heliostat'")),
      JSON.stringify(links),
    );
    assert.deepEqual(kinds(report), ["broken-link", "missing-file"]);
  });

  await t.step("lintKnowledgeBase() reports stray files in raw/ and the wiki", async () => {
    const broken = await copy();
    await writeFiles(broken, {
      "raw/stray.pdf": "%PDF",
      "raw/solar.txt": "same name, other extension",
      "wiki/summaries/ghost.md": "# Ghost\n",
      "wiki/sources/ghost.md": "# Ghost\n",
      "wiki/notes/mine.md": "# My notes, not tracked by Quire\n\nSee [[index]].\n",
      "wiki/.obsidian/app.json": "{}",
    });
    const report = await lint(broken);
    assert.deepEqual(
      report.problems.filter((p) => p.kind === "untracked-file").map((p) => p.path),
      ["raw/solar.txt", "raw/stray.pdf", "wiki/sources/ghost.md", "wiki/summaries/ghost.md"],
    );
    assert.deepEqual(
      report.problems.filter((p) => p.kind === "orphan-page").map((p) => p.path),
      ["wiki/summaries/ghost.md"],
    );
    assert.deepEqual(kinds(report), ["orphan-page", "untracked-file"]);
  });

  await t.step(
    "lintKnowledgeBase() reports broken links a person wrote on a concept page",
    async () => {
      const broken = await copy();
      const page = join(broken, "wiki/concepts/heliostat.md");
      const text = await Deno.readTextFile(page);
      await Deno.writeTextFile(
        page,
        text +
          [
            "",
            "My notes: [[summaries/nowhere|a missing page]], [[sources/solar#No Such Heading]],",
            "[[sources/solar#installation roofs costs]], [[index]], [[AGENTS]], [[solar]], [[wind]],",
            "[[../outside]], [[#Documents]], [[#Missing Here]], ![[img.png]].",
            "",
            "```",
            "[[in-code]]",
            "```",
            "And `[[inline-code]]`.",
            "",
          ].join("\n"),
      );
      const report = await lint(broken);
      assert.deepEqual(
        report.problems.map((p) => [p.kind, p.path, p.detail.replace(/ on line \d+/, "")]),
        [
          [
            "broken-link",
            "wiki/concepts/heliostat.md",
            "[[summaries/nowhere|a missing page]]: no page 'summaries/nowhere' in the wiki",
          ],
          [
            "broken-link",
            "wiki/concepts/heliostat.md",
            "[[sources/solar#No Such Heading]]: no heading 'No Such Heading' in 'wiki/sources/solar.md'",
          ],
          [
            "broken-link",
            "wiki/concepts/heliostat.md",
            "[[solar]]: 'solar' is ambiguous: 2 pages have that name (sources/solar.md, summaries/solar.md)",
          ],
          [
            "broken-link",
            "wiki/concepts/heliostat.md",
            "[[wind]]: 'wind' is ambiguous: 2 pages have that name (sources/wind.md, summaries/wind.md)",
          ],
          [
            "broken-link",
            "wiki/concepts/heliostat.md",
            "[[../outside]]: no page '../outside' in the wiki",
          ],
          [
            "broken-link",
            "wiki/concepts/heliostat.md",
            "[[#Missing Here]]: no heading 'Missing Here' in 'wiki/concepts/heliostat.md'",
          ],
          [
            "broken-link",
            "wiki/concepts/heliostat.md",
            "![[img.png]]: no page 'img.png' in the wiki",
          ],
        ],
      );
      assert.match(report.problems[0].detail, / on line \d+:/);
    },
  );

  await t.step("lintKnowledgeBase() reports an orphaned concept page", async () => {
    const broken = await copy();
    await writeFiles(broken, {
      "wiki/concepts/lonely.md": "# Lonely\n\nLinks only to itself: [[concepts/lonely]].\n",
    });
    const report = await lint(broken);
    assert.deepEqual(report.problems, [{
      kind: "orphan-page",
      path: "wiki/concepts/lonely.md",
      detail: "no other page links to it",
    }]);
  });

  await t.step(
    "lintKnowledgeBase() reports leftovers of an interrupted change unless one runs",
    async () => {
      const broken = await copy();
      await writeFiles(broken, {
        ".quire/staging/prepare/0-solar-x/source.md": "# half done\n",
        ".quire/staging/stray.tmp": "x",
      });
      await Deno.mkdir(join(broken, ".quire/staging/rollback/empty"), { recursive: true });
      const db = new DatabaseSync(join(broken, ".quire/registry.db"));
      try {
        db.prepare(
          `INSERT INTO mutations (kind, status, target, staging, rollback, touched, created_at)
         VALUES ('add', 'active', 'solar', NULL, '.quire/staging/rollback/x', '[]', 'now')`,
        ).run();
        db.prepare("INSERT INTO pending_pages (path) VALUES ('wiki/index.md')").run();
      } finally {
        db.close();
      }
      const report = await lint(broken);
      assert.deepEqual(report.problems.map((p) => [p.kind, p.path]), [
        ["leftover-staging", ".quire/staging/prepare/0-solar-x"],
        ["leftover-staging", ".quire/staging/stray.tmp"],
        ["pending-journal", ".quire/registry.db"],
        ["pending-pages", "wiki/index.md"],
      ]);
      assert.match(report.problems[2].detail, /active add of 'solar'.*rolls it back/);
      // While a change is in progress, these are its normal state.
      assert.deepEqual((await lint(broken, true)).problems, []);
    },
  );

  await t.step("lintKnowledgeBase() sorts problems by kind, then path", async () => {
    const broken = await copy();
    await Deno.remove(join(broken, "raw/wind.md"));
    await writeFiles(broken, {
      "raw/zzz.bin": "x",
      "raw/aaa.bin": "x",
      "wiki/concepts/b-orphan.md": "[[nowhere]]\n",
      "wiki/concepts/a-orphan.md": "[[nowhere]]\n",
      ".quire/staging/left.tmp": "x",
    });
    const report = await lint(broken);
    const order = report.problems.map((p) => [LINT_KINDS.indexOf(p.kind), p.path] as const);
    const sorted = [...order].sort((a, b) =>
      a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)
    );
    assert.deepEqual(order, sorted);
    assert.deepEqual(kinds(report), [
      "broken-link",
      "orphan-page",
      "untracked-file",
      "missing-file",
      "leftover-staging",
    ]);
  });
});
