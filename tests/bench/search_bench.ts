/**
 * Search latency on the 10,000-document knowledge base (issue 5): 16
 * queries of eight kinds, each timed two ways:
 *
 * - CLI: `quire search … --json` as a process (what a user waits for:
 *   Deno startup, opening the registry, the query, printing).
 * - In-process: the registry opened read-only once (`openRegistry`, i.e.
 *   `node:sqlite`), then `searchDocuments()` called directly: the query
 *   alone. The first call of each query is reported apart (cold statement
 *   and page cache of this connection); the median and p95 are of the warm
 *   calls after it.
 *
 * The query terms are picked from the knowledge base's own vocabulary (an
 * `fts5vocab` table): the most common content word, a word in about 10% of
 * the documents, the rarest generated word, and the made-up keywords that
 * `_bench_corpus.ts` puts in one file or in 25 files (the word `keywords`
 * that labels that line, in every file, is skipped as an artefact). Phrases are taken
 * from a document's text. So the same kinds exist in quick mode's smaller
 * knowledge base.
 *
 * Run: `deno run -A tests/bench/search_bench.ts [--quick]`
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { ftsExpression } from "../../core/fts_expression.ts";
import { openRegistry } from "../../core/registry.ts";
import { searchDocuments } from "../../core/search_documents.ts";
import { runCli } from "./_bench_cli.ts";
import { fileTags } from "./_bench_corpus.ts";
import { type BenchOptions, isQuick } from "./_bench_options.ts";
import { fixed, markdownTable, median, percentile } from "./_bench_stats.ts";
import { LargeKb, type LargeKbInfo } from "./_large_kb.ts";

/** One benchmark query. */
export interface BenchQuery {
  kind: string;
  query: string;
}

/** Stop words of the generator, and `keywords` (the label of every file's keyword line). */
const SKIP = new Set([
  "the",
  "of",
  "and",
  "a",
  "to",
  "in",
  "is",
  "for",
  "that",
  "with",
  "as",
  "on",
  "by",
  "keywords",
]);

interface VocabRow {
  term: string;
  doc: number;
}

/** Picks the queries from the knowledge base's vocabulary (see the module comment). */
export function pickQueries(registry: string, info: LargeKbInfo): BenchQuery[] {
  const db = new DatabaseSync(registry, { readOnly: true });
  try {
    db.exec("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, search_index, 'row')");
    const rows = (db.prepare("SELECT term, doc FROM temp.vocab").all() as unknown as VocabRow[])
      .filter((r) => /^[a-z]{2,}$/.test(r.term) && !SKIP.has(r.term));
    const byDoc = [...rows].sort((a, b) => b.doc - a.doc || (a.term < b.term ? -1 : 1));
    const common = byDoc[0].term;
    const tenth = info.documents / 10;
    const medium = [...rows].sort((a, b) =>
      Math.abs(a.doc - tenth) - Math.abs(b.doc - tenth) || (a.term < b.term ? -1 : 1)
    )[0].term;
    const rare = byDoc.at(-1)!.term;
    const text = (id: number) =>
      (db.prepare("SELECT body FROM search_index WHERE rowid = ?").get(id) as { body: string })
        .body.replace(/[^A-Za-z\s]/g, " ").split(/\s+/).filter((w) =>
          w.length > 1
        );
    const one = text(1);
    const two = text(2);
    const phrase2 = one.slice(Math.floor(one.length / 2), Math.floor(one.length / 2) + 2).join(" ");
    const phrase3 = two.slice(Math.floor(two.length / 3), Math.floor(two.length / 3) + 3).join(" ");
    const per = info.batches[1]?.added ?? info.batches[0].added;
    const tags = fileTags(info.batches.length > 1 ? "kb1" : "kb0", Math.floor(per / 2));
    const otherTag = fileTags("kb0", Math.floor(per / 3)).unique;
    return [
      { kind: "common word", query: common },
      { kind: "common word", query: "the" },
      { kind: "medium word (~10%)", query: medium },
      { kind: "rare word", query: rare },
      { kind: "rare word", query: tags.unique },
      { kind: "rare word", query: tags.group },
      { kind: "two words (AND)", query: `${common} ${medium}` },
      { kind: "two words (AND)", query: `${medium} ${rare}` },
      { kind: "phrase", query: `"${phrase2}"` },
      { kind: "phrase", query: `"${phrase3}"` },
      { kind: "prefix", query: `${common.slice(0, 3)}*` },
      { kind: "prefix", query: `${medium.slice(0, 5)}*` },
      { kind: "OR", query: `${tags.unique} OR ${otherTag}` },
      { kind: "OR", query: `${medium} OR ${rare}` },
      { kind: "no match", query: "zzyzxq" },
      { kind: "no match", query: `"${common} zzyzxq"` },
    ];
  } finally {
    db.close();
  }
}

interface QueryTiming {
  query: BenchQuery;
  matches: number;
  hits: number;
  cli: number[];
  firstMs: number;
  warm: number[];
}

function countMatches(db: DatabaseSync, query: string): number {
  const parsed = ftsExpression(query);
  if (parsed === null) return 0;
  return Number(
    (db.prepare("SELECT count(*) AS n FROM search_index WHERE search_index MATCH ?")
      .get(parsed.expression) as { n: number }).n,
  );
}

/** Runs the `search` case and returns the report lines. */
export async function benchSearch(options: BenchOptions = {}): Promise<string[]> {
  const quick = isQuick(options);
  const cliRuns = quick ? 2 : 7;
  const warmRuns = quick ? 5 : 30;
  const own = options.largeKb === undefined
    ? new LargeKb({ documents: quick ? 300 : 10_000 })
    : null;
  const large = options.largeKb ?? own!;
  try {
    const info = await large.build();
    const registry = join(info.path, ".quire", "registry.db");
    const queries = pickQueries(registry, info);
    const timings: QueryTiming[] = [];
    const db = openRegistry(registry, { readOnly: true });
    try {
      for (const query of queries) {
        let started = performance.now();
        const hits = searchDocuments(db, query.query).length;
        const firstMs = performance.now() - started;
        const warm: number[] = [];
        for (let i = 0; i < warmRuns; i++) {
          started = performance.now();
          searchDocuments(db, query.query);
          warm.push(performance.now() - started);
        }
        timings.push({
          query,
          matches: countMatches(db, query.query),
          hits,
          cli: [],
          firstMs,
          warm,
        });
      }
    } finally {
      db.close();
    }
    // CLI runs interleave the queries, so that no query gets a warmer machine than another.
    for (let run = 0; run < cliRuns; run++) {
      for (const timing of timings) {
        const cli = await runCli(["--kb", info.path, "search", timing.query.query, "--json"]);
        const hits = (JSON.parse(cli.stdout) as unknown[]).length;
        if (hits !== timing.hits) {
          throw new Error(`CLI and in-process hits differ for ${timing.query.query}`);
        }
        timing.cli.push(cli.ms);
      }
    }
    const detail = timings.map((t) => [
      t.query.kind,
      `\`${t.query.query}\``,
      String(t.matches),
      fixed(median(t.cli), 0),
      fixed(percentile(t.cli, 95), 0),
      fixed(t.firstMs, 2),
      fixed(median(t.warm), 2),
      fixed(percentile(t.warm, 95), 2),
    ]);
    const kinds = [...new Set(timings.map((t) => t.query.kind))];
    const summary = kinds.map((kind) => {
      const of = timings.filter((t) => t.query.kind === kind);
      const cli = of.flatMap((t) => t.cli);
      const warm = of.flatMap((t) => t.warm);
      return [
        kind,
        String(of.length),
        fixed(median(cli), 0),
        fixed(percentile(cli, 95), 0),
        fixed(median(warm), 2),
        fixed(percentile(warm, 95), 2),
      ];
    });
    return [
      `## search: latency on ${info.documents} documents (issue 5)`,
      "",
      `${queries.length} queries; CLI = \`quire search Q --json\` as a process, ${cliRuns} runs each ` +
      `(interleaved); in-process = \`searchDocuments()\` on a registry opened read-only once, ` +
      `first call apart, then ${warmRuns} warm calls. Limit 10 hits (the default); "matching" is ` +
      "the number of documents the query matches in all.",
      "",
      ...markdownTable(
        [
          "kind",
          "queries",
          "CLI median ms",
          "CLI p95 ms",
          "in-process median ms",
          "in-process p95 ms",
        ],
        summary,
      ),
      "",
      ...markdownTable(
        [
          "kind",
          "query",
          "matching",
          "CLI median ms",
          "CLI p95 ms",
          "in-process first ms",
          "in-process median ms",
          "in-process p95 ms",
        ],
        detail,
      ),
    ];
  } finally {
    if (own !== null) await own[Symbol.asyncDispose]();
  }
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick") ? true : undefined;
  for (const line of await benchSearch({ quick })) console.log(line);
}
