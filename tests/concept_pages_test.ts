import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { read, runQuire, tempDir, writeFiles } from "./_helpers.ts";

function conceptCounts(kb: string): Map<string, number> {
  const db = new DatabaseSync(join(kb, ".quire", "registry.db"), { readOnly: true });
  try {
    const rows = db.prepare("SELECT slug, count(*) AS n FROM document_concepts GROUP BY slug")
      .all() as unknown as {
        slug: string;
        n: number;
      }[];
    return new Map(rows.map((r) => [r.slug, r.n]));
  } finally {
    db.close();
  }
}

Deno.test("a concept page lists at most 100 documents and counts the rest", async () => {
  await using dir = await tempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < 105; i++) {
    files[`in/n${String(i).padStart(3, "0")}.md`] =
      `# Harbour log ${i}\n\nThe harbour master wrote entry ${i}. Every harbour master keeps a log.\n`;
  }
  await writeFiles(dir.path, files);
  const kb = join(dir.path, "kb");
  assert.equal(
    (await runQuire(["--kb", kb, "--quiet", "add", "--jobs", "2", join(dir.path, "in")])).code,
    0,
  );
  const [slug, count] = [...conceptCounts(kb)].sort((a, b) => b[1] - a[1])[0];
  assert.equal(count, 105, `the most shared concept is '${slug}'`);
  const page = await read(join(kb, "wiki", "concepts", `${slug}.md`));
  assert.match(page, /^documents: 105$/m);
  assert.equal((page.match(/^- \[\[summaries\//gm) ?? []).length, 100);
  assert.match(page, /_…and 5 more documents; `quire search ".+"` finds them\._/);
  const lint = await runQuire(["--kb", kb, "lint"]);
  assert.equal(lint.code, 0, lint.stdout);
});

Deno.test("with prominentMakesPage off, only concepts shared by minDocuments documents get pages", async () => {
  await using dir = await tempDir();
  await writeFiles(dir.path, {
    "a.md": "# Harbour cranes\n\nHarbour cranes lift containers. Gantry rails guide the cranes.\n",
    "b.md": "# Shipping\n\nShips carry containers between ports. Gantry rails are long.\n",
    "c.md": "# Ports\n\nPorts have cranes, containers and gantry rails.\n",
  });
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  const configPath = join(kb, ".quire", "config.json");
  const config = JSON.parse(await read(configPath));
  config.concepts.prominentMakesPage = false;
  await Deno.writeTextFile(configPath, JSON.stringify(config));
  assert.equal((await runQuire(["--kb", kb, "add", dir.path])).code, 0);
  const pages = new Set(
    [...Deno.readDirSync(join(kb, "wiki", "concepts"))].map((e) => e.name.replace(/\.md$/, "")),
  );
  const counts = conceptCounts(kb);
  const shared = [...counts].filter(([, n]) => n >= 2).map(([slug]) => slug).sort();
  assert.ok(shared.length > 0, JSON.stringify([...counts]));
  assert.deepEqual([...pages].sort(), shared);
  for (const name of ["a", "b", "c"]) {
    // Prominence guarantees no page now, so summaries link no concept.
    assert.doesNotMatch(await read(join(kb, "wiki", "summaries", `${name}.md`)), /\[\[concepts\//);
  }
  assert.equal((await runQuire(["--kb", kb, "lint"])).code, 0);
});
