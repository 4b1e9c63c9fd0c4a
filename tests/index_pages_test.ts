/**
 * The split index: `index.md` (counts, recent documents, top concepts, links
 * to the rest), volumes of 1,000 documents (`index/documents-<n>.md`) and
 * alphabetical concept lists of at most 400 (`index/concepts-<n>.md`). Every document
 * is at most two links from `index.md`, lint stays clean, and a batch queues
 * only the parts it touched.
 */

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { openRegistry } from "../core/registry.ts";
import { ConceptLookup } from "../commit/pages/concept_pages.ts";
import { conceptListOf, conceptLists, cutConceptList } from "../commit/pages/concept_lists.ts";
import { renderConceptListPage } from "../commit/pages/render_concept_list_page.ts";
import { renderIndexPage } from "../commit/pages/render_index_page.ts";
import { renderVolumePage } from "../commit/pages/render_volume_page.ts";
import { HARBOUR_WORDS, runQuire, runQuireJson, tempDir, writeFiles } from "./_helpers.ts";

const RULE = { minDocuments: 2, prominentMakesPage: true };

function links(page: string): string[] {
  return [...page.matchAll(/\[\[([^\]|#]+)/g)].map((m) => m[1]);
}

async function notes(dir: string, count: number, prefix: string): Promise<string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const a = HARBOUR_WORDS[i % 10];
    const b = HARBOUR_WORDS[(i * 3 + 1) % 10];
    files[`${prefix}/${prefix}-${i}.md`] = `# The ${a} and the ${b}\n\nA note on the ${a} ${b} ` +
      `schedule, number ${i}. The ${a} ${b} schedule changes often.\n`;
  }
  await writeFiles(dir, files);
  return join(dir, prefix);
}

Deno.test("index.md reaches every document in at most two links, and lint stays clean", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["--kb", kb, "add", await notes(dir.path, 30, "n")])).code, 0);
  const index = await Deno.readTextFile(join(kb, "wiki", "index.md"));
  assert.match(index, /^30 documents, /m);
  const reached = new Set(links(index));
  for (const target of links(index).filter((t) => t.startsWith("index/"))) {
    for (const link of links(await Deno.readTextFile(join(kb, "wiki", `${target}.md`)))) {
      reached.add(link);
    }
  }
  const list = await runQuireJson<{ name: string }[]>(["--kb", kb, "list"]);
  assert.equal(list.json.length, 30);
  for (const { name } of list.json) assert.ok(reached.has(`summaries/${name}`), name);
  for (const entry of Deno.readDirSync(join(kb, "wiki", "concepts"))) {
    const page = `concepts/${entry.name.replace(/\.md$/, "")}`;
    assert.ok(reached.has(page), `${page} is not reached from the index`);
  }
  const lint = await runQuireJson<{ problems: unknown[] }>(["--kb", kb, "lint"]);
  assert.deepEqual(lint.json.problems, []);
});

Deno.test("renderIndexPage() links one volume per 1,000 ids, and renderVolumePage() lists only its ids", async () => {
  await using dir = await tempDir();
  const db = openRegistry(join(dir.path, "registry.db"), { create: true });
  try {
    const insert = db.prepare(
      `INSERT INTO documents (id, name, type, origin, ext, source, hash, bytes, title, description,
         compiler, sections, added_at, updated_at)
       VALUES (?, ?, 'text', 'file', 'txt', ?, ?, 1, ?, '', 'offline', '[]', ?, ?)`,
    );
    const rows: [number, string, string][] = [
      [5, "early", "2026-01-01T00:00:00Z"],
      [999, "late-first", "2026-01-03T00:00:00Z"],
      [2500, "third", "2026-02-01T00:00:00Z"],
    ];
    for (const [id, name, at] of rows) insert.run(id, name, `/in/${name}`, name, name, at, at);
    const index = renderIndexPage(new ConceptLookup(db, RULE));
    assert.match(index, /^3 documents, 0 concepts\./m);
    assert.match(index, /\[\[index\/documents-001\|Volume 1\]\]: added 2026-01-01 to 2026-01-03/);
    assert.doesNotMatch(index, /documents-002/); // no document has an id in 1001–2000
    assert.match(index, /\[\[index\/documents-003\|Volume 3\]\]: added 2026-02-01\n/);
    assert.deepEqual(
      links(renderVolumePage(db, 1)!),
      ["index", "summaries/early", "summaries/late-first"],
    );
    assert.deepEqual(links(renderVolumePage(db, 3)!), ["index", "summaries/third"]);
    assert.equal(renderVolumePage(db, 2), null);
  } finally {
    db.close();
  }
});

Deno.test("a concept list grown past 400 entries is cut into lists of 200, all linked from the index", async () => {
  await using dir = await tempDir();
  const db = openRegistry(join(dir.path, "registry.db"), { create: true });
  try {
    const insert = db.prepare("INSERT INTO concepts (slug, documents, prominent) VALUES (?, 2, 0)");
    for (let i = 0; i < 450; i++) insert.run(`c${String(i).padStart(3, "0")}`);
    db.prepare("INSERT INTO concepts (slug, documents, prominent) VALUES ('c100x', 1, 0)").run();
    assert.deepEqual(cutConceptList(db, 1, RULE), [2, 3]);
    assert.deepEqual(cutConceptList(db, 1, RULE), []);
    const lists = conceptLists(db);
    assert.deepEqual(lists.map((l) => [l.id, l.first]), [[1, ""], [2, "c200"], [3, "c400"]]);
    const page = (id: number) => links(renderConceptListPage(db, id, RULE)!).slice(1);
    assert.equal(page(1).length, 200);
    assert.equal(page(1)[0], "concepts/c000");
    assert.ok(!page(1).includes("concepts/c100x")); // one document: no page, not listed
    assert.deepEqual([page(2).length, page(3).length], [200, 50]);
    assert.equal(conceptListOf(db, "c399"), 2);
    const index = renderIndexPage(new ConceptLookup(db, RULE));
    for (const id of [1, 2, 3]) assert.match(index, new RegExp(`\\[\\[index/concepts-00${id}\\|`));
  } finally {
    db.close();
  }
});

Deno.test("a batch queues only the index volume of its documents and the concept lists that change", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["--kb", kb, "add", await notes(dir.path, 12, "a")])).code, 0);
  // Stop the next add at its first rebuilt page: the queue is still full.
  await writeFiles(dir.path, { "b/zebra.md": "# Quokka zebra\n\nThe quokka zebra walks.\n" });
  const crashed = await runQuire(["--kb", kb, "add", join(dir.path, "b", "zebra.md")], {
    env: { QUIRE_CRASH_AT: "rebuild-partial:1" },
  });
  assert.equal(crashed.signal, "SIGKILL");
  const db = new DatabaseSync(join(kb, ".quire", "registry.db"), { readOnly: true });
  let queued: string[];
  try {
    queued = db.prepare("SELECT path FROM pending_pages ORDER BY path").all()
      .map((row) => (row as { path: string }).path);
  } finally {
    db.close();
  }
  const index = queued.filter((p) => p.startsWith("wiki/index"));
  // Its volume, and the lists of the letters of its new concept pages; no other.
  assert.ok(index.includes("wiki/index.md"), queued.join(", "));
  assert.ok(index.includes("wiki/index/documents-001.md"), queued.join(", "));
  assert.ok(index.includes("wiki/index/concepts-001.md"), queued.join(", "));
  assert.deepEqual(index, [
    "wiki/index.md",
    "wiki/index/concepts-001.md",
    "wiki/index/documents-001.md",
  ]);
  assert.equal((await runQuire(["--kb", kb, "recover"])).code, 0);
  const lint = await runQuireJson<{ problems: unknown[] }>(["--kb", kb, "lint"]);
  assert.deepEqual(lint.json.problems, []);
});
