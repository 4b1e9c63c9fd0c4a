import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { openChangeSession } from "../commit/change_session.ts";
import { saveExploration } from "../commit/save_exploration.ts";
import { kbLayout } from "../core/layout.ts";
import { linkKey, recordedLinks } from "../core/wiki_links.ts";
import type { PageLinks } from "../core/page_links.ts";
import { read, runQuire, runQuireJson, tempDir, treeState, writeFiles } from "./_helpers.ts";

/** Documents that link to each other by every form a wikilink can take. */
export const LINKED_DOCS: Record<string, string> = {
  "alpha.md": "# Alpha\n\nAlpha links to [[beta]] and to [[summaries/gamma|Gamma's page]].\n",
  "beta.md": "# Beta\n\nBeta is about ships; see [[../summaries/alpha]] and [[beta]] itself.\n",
  "gamma.md": "# Gamma\n\nGamma cites [[sources/beta#Beta]] and `[[alpha]]` in code.\n",
};

function linkRows(kb: string): string[] {
  const db = new DatabaseSync(join(kb, ".quire", "registry.db"), { readOnly: true });
  try {
    return (db.prepare("SELECT page, target FROM wiki_links ORDER BY page, target").all() as {
      page: string;
      target: string;
    }[]).map((r) => `${r.page} -> ${r.target}`);
  } finally {
    db.close();
  }
}

function block(...lines: string[]): string {
  return [
    "",
    "<!-- quire:begin backlinks -->",
    "## Linked from",
    "",
    ...lines,
    "<!-- quire:end -->",
    "",
  ].join("\n");
}

Deno.test("linkKey() folds a target into the key it is stored under", () => {
  assert.equal(linkKey("summaries/a", "Beta"), "beta");
  assert.equal(linkKey("summaries/a", "sources/Beta.md"), "summaries/beta");
  assert.equal(linkKey("summaries/a", "../concepts/x"), "concepts/x");
  assert.equal(linkKey("summaries/a", "./b"), "summaries/b");
  assert.equal(linkKey("summaries/a", "/summaries/b"), "summaries/b");
  assert.equal(linkKey("summaries/a", "../../etc/passwd"), null);
  assert.equal(linkKey("summaries/a", "sources/a"), null);
  assert.equal(linkKey("summaries/a", "a"), null);
  assert.equal(linkKey("summaries/a", "  "), null);
});

Deno.test("recordedLinks() skips the generated block, code and duplicates", () => {
  const page = "See [[b]], [[b|again]] and `[[c]]`.\n" + block("- [[summaries/z|Z]]");
  assert.deepEqual(recordedLinks("summaries/a", [page, "[[concepts/k]] [[d#H]]"]), [
    "b",
    "concepts/k",
    "d",
  ]);
});

Deno.test("summary pages list the pages that link to them, kept in step with every change", async (t) => {
  await using dir = await tempDir();
  const input = join(dir.path, "in");
  await writeFiles(input, LINKED_DOCS);
  const kb = join(dir.path, "kb");
  const summary = (name: string) => read(join(kb, "wiki", "summaries", `${name}.md`));

  await t.step("add records the links and renders each block", async () => {
    assert.equal((await runQuire(["--kb", kb, "add", input])).code, 0);
    assert.deepEqual(linkRows(kb), [
      "summaries/alpha -> beta",
      "summaries/alpha -> concepts/alpha",
      "summaries/alpha -> summaries/gamma",
      "summaries/beta -> concepts/beta",
      "summaries/beta -> summaries/alpha",
      "summaries/gamma -> concepts/gamma",
      "summaries/gamma -> summaries/beta",
    ]);
    // alpha was committed first: its block came from the rebuild after beta linked to it.
    assert.ok((await summary("alpha")).endsWith(block("- [[summaries/beta|Beta]]")));
    assert.ok(
      (await summary("beta")).endsWith(
        block("- [[summaries/alpha|Alpha]]", "- [[summaries/gamma|Gamma]]"),
      ),
    );
    assert.ok((await summary("gamma")).endsWith(block("- [[summaries/alpha|Alpha]]")));
    const lint = await runQuire(["--kb", kb, "lint"]);
    assert.equal(lint.code, 0, lint.stdout);
  });

  await t.step(
    "the same documents added one by one in another order give the same tree",
    async () => {
      const other = join(dir.path, "kb-reversed");
      for (const file of ["gamma.md", "beta.md", "alpha.md"]) {
        assert.equal((await runQuire(["--kb", other, "add", join(input, file)])).code, 0);
      }
      // The log and the index's "recent documents" follow the order of additions.
      const strip = (tree: Record<string, string>) =>
        Object.fromEntries(
          Object.entries(tree).filter(([path]) =>
            path !== "wiki/log.md" && path !== "wiki/index.md"
          ),
        );
      assert.deepEqual(strip(await treeState(other)), strip(await treeState(kb)));
    },
  );

  await t.step(
    "an update that drops a link removes the backlink; a new title relabels it",
    async () => {
      await Deno.writeTextFile(join(input, "beta.md"), "# Beta Ships\n\nNo links any more.\n");
      assert.equal((await runQuire(["--kb", kb, "add", input])).code, 0);
      assert.ok(!(await summary("alpha")).includes("quire:begin backlinks"));
      assert.ok((await summary("gamma")).endsWith(block("- [[summaries/alpha|Alpha]]")));
      assert.ok(
        (await summary("beta")).endsWith(
          block("- [[summaries/alpha|Alpha]]", "- [[summaries/gamma|Gamma]]"),
        ),
      );
      await Deno.writeTextFile(join(input, "alpha.md"), "# Alpha Two\n\n[[beta]] [[gamma]]\n");
      assert.equal((await runQuire(["--kb", kb, "add", input])).code, 0);
      assert.match(await summary("gamma"), /- \[\[summaries\/alpha\|Alpha Two\]\]\n/);
    },
  );

  await t.step("remove drops the removed document from the blocks it was in", async () => {
    assert.equal((await runQuire(["--kb", kb, "remove", "alpha"])).code, 0);
    assert.ok(!(await summary("gamma")).includes("quire:begin backlinks"));
    assert.ok((await summary("beta")).endsWith(block("- [[summaries/gamma|Gamma]]")));
    assert.ok(!linkRows(kb).some((row) => row.startsWith("summaries/alpha ")));
  });

  await t.step("a saved exploration is listed on the pages it cites", async () => {
    {
      await using session = await openChangeSession(kbLayout(kb));
      await saveExploration(session, {
        question: "Which ships?",
        answer: "See [[summaries/beta]].",
        citations: ["summaries/beta"],
      });
    }
    assert.ok(
      (await summary("beta")).endsWith(
        block("- [[explorations/which-ships|Which ships?]]", "- [[summaries/gamma|Gamma]]"),
      ),
    );
  });

  await t.step(
    "`quire links` prints both ways, and fails on unknown or outside pages",
    async () => {
      const links = await runQuireJson<PageLinks>(["--kb", kb, "links", "beta"]);
      assert.equal(links.code, 0);
      assert.equal(links.json.page, "wiki/summaries/beta.md");
      assert.deepEqual(links.json.backlinks.map((b) => b.page), [
        "wiki/explorations/which-ships.md",
        "wiki/summaries/gamma.md",
      ]);
      assert.equal(links.json.backlinksTotal, 2);
      assert.ok(links.json.outgoing.some((l) => l.page === "wiki/sources/beta.md"));
      const source = await runQuireJson<PageLinks>(["--kb", kb, "links", "sources/gamma.md"]);
      assert.deepEqual(source.json.outgoing, [
        { target: "sources/beta", anchor: "Beta", page: "wiki/sources/beta.md" },
      ]);
      assert.equal((await runQuire(["--kb", kb, "links", "nothing-here"])).code, 1);
      const outside = await runQuire(["--kb", kb, "links", "../.quire/config.json"]);
      assert.equal(outside.code, 2);
      assert.match(outside.stderr, /outside the knowledge base's wiki/);
    },
  );
});

Deno.test("a summary's block lists 50 pages and counts the rest", async () => {
  await using dir = await tempDir();
  const files: Record<string, string> = { "hub.md": "# Hub\n\nThe hub.\n" };
  for (let i = 0; i < 53; i++) {
    files[`spoke-${String(i).padStart(2, "0")}.md`] = `# Spoke ${i}\n\nSee [[hub]].\n`;
  }
  await writeFiles(join(dir.path, "in"), files);
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["--kb", kb, "add", join(dir.path, "in")])).code, 0);
  const hub = await read(join(kb, "wiki", "summaries", "hub.md"));
  assert.equal(hub.match(/^- \[\[summaries\/spoke-/gm)?.length, 50);
  assert.ok(hub.includes("- [[summaries/spoke-49|Spoke 49]]\n\n_…and 3 more pages;"));
  const links = await runQuireJson<PageLinks>(["--kb", kb, "links", "hub", "--limit", "5"]);
  assert.equal(links.json.backlinks.length, 5);
  assert.equal(links.json.backlinksTotal, 53);
});
