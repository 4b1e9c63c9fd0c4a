/**
 * Issue 12 on real documents: a copy of `../shared/corpus/` (papers, npm
 * documentation, man pages, Debian and GNU text files) is added offline
 * with `--jobs 2`, then
 *
 * - precision: at most 5% of the concept pages may have a junk label, as
 *   `labelFlaw()` counts it (a generic single word by the general-English
 *   frequency list, a date, a version, or an artifact: boilerplate or a word
 *   broken by hyphenation; see `_concept_quality.ts`);
 * - recall: at least 80% of the concepts that the corpus README expects for
 *   its papers are among those papers' concepts (the document's concept
 *   list, in any reasonable surface form: `matchesExpected()`), and at least
 *   half of each paper's.
 *
 * Skipped when `../shared/corpus/` does not exist (a clean clone in CI).
 *
 * @module
 */

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { defaultConfig } from "../core/config.ts";
import { labelFlaw, matchesExpected } from "./_concept_quality.ts";
import { ROOT, runQuire, tempDir } from "./_helpers.ts";

const CORPUS = join(ROOT, "..", "shared", "corpus");
const present = (() => {
  try {
    return Deno.statSync(CORPUS).isDirectory;
  } catch {
    return false;
  }
})();

/** The corpus README's expected concepts, by paper file name prefix. */
const EXPECTED: Record<string, string[]> = {
  "a-mathematical-theory-of-communication": [
    "entropy",
    "channel capacity",
    "noisy channel",
    "redundancy",
    "information source",
  ],
  "a-note-on-distributed-computing": [
    "partial failure",
    "latency",
    "distributed objects",
    "concurrency",
  ],
  "brewers-conjecture": [
    "consistency",
    "availability",
    "partition tolerance",
    "asynchronous network",
  ],
  "consistent-hashing-and-random-trees": [
    "consistent hashing",
    "hot spots",
    "random trees",
    "caching",
  ],
  "okapi-at-trec3": ["BM25", "query expansion", "relevance feedback", "term weighting"],
  "simple-testing-can-prevent-most-critical-failures": [
    "error handling",
    "catastrophic failures",
    "Aspirator",
  ],
  "spanner": ["TrueTime", "Paxos", "external consistency", "schema changes"],
  "tao": ["social graph", "associations", "caching", "MySQL"],
  "tidy_data": ["tidy data", "variables", "observations", "melting"],
  "why-functional-programming-matters": [
    "higher-order functions",
    "lazy evaluation",
    "modularity",
  ],
  "zab": ["ZooKeeper", "atomic broadcast", "primary-backup", "epochs"],
};

const MAX_FLAWED_SHARE = 0.05;
const MIN_RECALL = 0.8;
const MIN_PAPER_RECALL = 0.5;

Deno.test({
  name: "offline concepts on the real corpus: at most 5% junk pages, 80% of expected concepts",
  ignore: !present,
  async fn() {
    await using dir = await tempDir("quire-corpus-");
    const copy = join(dir.path, "corpus");
    const copied = await new Deno.Command("cp", { args: ["-r", CORPUS, copy] }).output();
    assert.ok(copied.success, "cannot copy the corpus");
    await Deno.remove(join(copy, "README.md"));
    const kb = join(dir.path, "kb");
    const added = await runQuire(["--kb", kb, "add", copy, "--jobs", "2", "--quiet"]);
    assert.ok(added.code === 0 || added.code === 1, added.stderr);

    const db = new DatabaseSync(join(kb, ".quire", "registry.db"), { readOnly: true });
    try {
      // The concept pages: concepts named by minDocuments documents, or prominently by one.
      const rule = defaultConfig().concepts;
      const pages = db.prepare(
        `SELECT c.slug AS slug, (SELECT label FROM concept_labels l WHERE l.slug = c.slug
           ORDER BY l.documents DESC, l.label LIMIT 1) AS label
         FROM concepts c WHERE c.documents >= ? OR (? AND c.prominent > 0)`,
      ).all(rule.minDocuments, rule.prominentMakesPage ? 1 : 0) as {
        slug: string;
        label: string;
      }[];
      const flawed = pages
        .map((page) => ({ label: page.label, flaw: labelFlaw(page.label) }))
        .filter((page) => page.flaw !== null);
      const share = flawed.length / Math.max(1, pages.length);
      assert.ok(
        share <= MAX_FLAWED_SHARE,
        `${flawed.length} of ${pages.length} concept pages are junk: ` +
          flawed.map((page) => `${page.label} (${page.flaw})`).join(", "),
      );

      const concepts = db.prepare(
        `SELECT d.source AS source, c.label AS label FROM document_concepts c
         JOIN documents d ON d.id = c.document_id`,
      ).all() as { source: string; label: string }[];
      let found = 0;
      let total = 0;
      const misses: string[] = [];
      for (const [paper, expected] of Object.entries(EXPECTED)) {
        const labels = concepts.filter((row) => row.source.includes(`/papers/${paper}`))
          .map((row) => row.label);
        assert.ok(labels.length > 0, `no concepts for ${paper}`);
        const missing = expected.filter((want) => !labels.some((l) => matchesExpected(l, want)));
        found += expected.length - missing.length;
        total += expected.length;
        if (missing.length > 0) misses.push(`${paper}: ${missing.join(", ")}`);
        assert.ok(
          (expected.length - missing.length) / expected.length >= MIN_PAPER_RECALL,
          `${paper} misses ${missing.join(", ")} among ${labels.join(", ")}`,
        );
      }
      assert.ok(
        found / total >= MIN_RECALL,
        `${found} of ${total} expected concepts found; missing: ${misses.join("; ")}`,
      );
    } finally {
      db.close();
    }
  },
});
