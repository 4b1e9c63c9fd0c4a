import assert from "node:assert/strict";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { ROOT, runQuire, runQuireJson, tempDir } from "./_helpers.ts";
import { assertCleanPages, assertHealthyThroughChanges } from "./_wiki_health.ts";
import type { AddResult } from "../commit/mod.ts";

/** The development corpus beside the repository (absent in a clean clone). */
const CORPUS = join(ROOT, "..", "shared", "corpus");
const HAS_CORPUS = (() => {
  try {
    return Deno.statSync(join(CORPUS, "README.md")).isFile;
  } catch {
    return false;
  }
})();
const HAS_PDFTOTEXT = (() => {
  try {
    return new Deno.Command("pdftotext", { args: ["-v"], stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
})();

/** The corpus README's title table: file (relative to the corpus) → title. */
function expectedTitles(readme: string): Map<string, string> {
  const titles = new Map<string, string>();
  for (const [, file, title] of readme.matchAll(/^\| ([\w./-]+\.\w+|[\w/-]+) \| ([^|]+) \|$/gm)) {
    if (file.includes("/")) titles.set(file, title.trim());
  }
  return titles;
}

/**
 * Word agreement of two texts: the F1 of their lowercase word counts, a
 * word being a run of two or more letters (numbers and single letters, such
 * as math variables, where pdftotext itself garbles symbols, are not words).
 */
export function wordF1(text: string, reference: string): number {
  const count = (t: string) => {
    const counts = new Map<string, number>();
    for (const word of t.normalize("NFKC").toLowerCase().match(/\p{L}{2,}/gu) ?? []) {
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    return counts;
  };
  const a = count(text);
  const b = count(reference);
  let common = 0;
  let total = 0;
  for (const [word, n] of a) {
    common += Math.min(n, b.get(word) ?? 0);
    total += n;
  }
  let referenceTotal = 0;
  for (const n of b.values()) referenceTotal += n;
  if (common === 0) return 0;
  const precision = common / total;
  const recall = common / referenceTotal;
  return (2 * precision * recall) / (precision + recall);
}

/** A sources page as plain words: no page markers, no markdown escapes. */
function pageText(markdown: string): string {
  return markdown.replace(/<!-- page \d+ -->/g, "").replace(/\\(.)/g, "$1");
}

Deno.test({
  name: "add builds a faithful, lint-clean knowledge base from the development corpus",
  ignore: !HAS_CORPUS,
  async fn() {
    await using dir = await tempDir();
    const corpus = join(dir.path, "corpus");
    await cp(CORPUS, corpus, { recursive: true });
    const kb = join(dir.path, "kb");
    const add = await runQuireJson<AddResult>(["--kb", kb, "add", "--jobs", "2", corpus]);
    assert.equal(add.code, 0, add.stderr);
    assert.deepEqual(add.json.failed, []);
    const list = await runQuireJson<{ name: string; source: string; title: string }[]>([
      "--kb",
      kb,
      "list",
    ]);
    const bySource = new Map(list.json.map((d) => [d.source.slice(corpus.length + 1), d]));

    const readme = await Deno.readTextFile(join(CORPUS, "README.md"));
    const titles = expectedTitles(readme);
    assert.ok(titles.size >= 12, `the README's title table has ${titles.size} rows`);
    for (const [file, title] of titles) {
      assert.equal(bySource.get(file)?.title, title, `the title of ${file}`);
    }
    for (const [file, document] of bySource) {
      if (!/^(pdf-man|docx)\/man-/.test(file) || file === "docx/man-ssh.docx") continue;
      assert.match(document.title, /^[\w., -]+ - \S/, `the NAME line of ${file}`);
    }
    assert.equal(
      bySource.get("pdf-man/man-grep.pdf")?.title,
      "grep, egrep, fgrep, rgrep - print lines that match patterns",
    );
    assert.equal(bySource.get("docx/man-tar.docx")?.title, "tar - an archiving utility");

    if (HAS_PDFTOTEXT) {
      for (const [file, document] of bySource) {
        if (!file.startsWith("papers/")) continue;
        const reference = new TextDecoder().decode(
          new Deno.Command("pdftotext", {
            args: ["-enc", "UTF-8", join(corpus, file), "-"],
            stdout: "piped",
          }).outputSync().stdout,
        );
        const source = await Deno.readTextFile(join(kb, "wiki", "sources", `${document.name}.md`));
        const f1 = wordF1(pageText(source), reference);
        assert.ok(f1 >= 0.97, `word agreement with pdftotext of ${file}: ${f1.toFixed(4)}`);
      }
    }
    await assertCleanPages(kb);
    await assertHealthyThroughChanges(kb);
  },
});

Deno.test("a knowledge base of the test fixtures and examples lints clean through changes", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  const add = await runQuire([
    "--kb",
    kb,
    "add",
    "--jobs",
    "2",
    join(ROOT, "tests", "fixtures", "formats"),
    join(ROOT, "examples"),
  ]);
  // Some fixtures are bad on purpose (encrypted, truncated, scanned): those fail.
  assert.ok(add.code === 0 || add.code === 1, add.stderr);
  await assertCleanPages(kb);
  await assertHealthyThroughChanges(kb);
});

Deno.test("wordF1() is 1 for the same words and counts split or glued words against", () => {
  assert.equal(wordF1("The cat sat", "the  CAT sat"), 1);
  assert.ok(wordF1("Rob ertson wrote", "Robertson wrote") < 0.5);
  assert.equal(wordF1("", "words"), 0);
});
