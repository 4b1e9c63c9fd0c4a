/**
 * Committing prepared bundles (issue 16): 10,000 small markdown documents
 * are prepared in 4 shards (`quire prepare --shard I/4`, one after another
 * here; on a CI matrix they run on 4 machines), then committed into a fresh
 * knowledge base with `quire add --from-bundle`, next to a plain `quire add`
 * of the same documents in the same run. Reported: the time and documents
 * per second of each step (whole processes).
 *
 * Run: `deno task bench -- bundle [--quick]`
 *
 * @module
 */

import { join } from "node:path";
import { removeTree, runCli } from "./_bench_cli.ts";
import { writeTextCorpus } from "./_bench_corpus.ts";
import { type BenchOptions, isQuick } from "./_bench_options.ts";
import { fixed, markdownTable } from "./_bench_stats.ts";

/** Runs the `bundle` case and returns the report lines. */
export async function benchBundle(options: BenchOptions = {}): Promise<string[]> {
  const count = isQuick(options) ? 200 : 10_000;
  const shards = 4;
  const dir = await Deno.makeTempDir({ prefix: "quire-bench-bundle-" });
  try {
    const corpus = join(dir, "corpus");
    const info = await writeTextCorpus(corpus, { count, minBytes: 200, maxBytes: 2_000 });
    const rows: string[][] = [];
    const row = (label: string, ms: number) =>
      rows.push([label, fixed(ms / 1000, 1), fixed(count / (ms / 1000), 0)]);

    let prepareMs = 0;
    const bundles: string[] = [];
    for (let i = 1; i <= shards; i++) {
      const out = join(dir, `bundle-${i}`);
      const run = await runCli([
        "prepare",
        corpus,
        "--shard",
        `${i}/${shards}`,
        "--out",
        out,
        "-q",
      ]);
      prepareMs += run.ms;
      bundles.push(out);
    }
    row(`prepare, ${shards} shards one after another (sum)`, prepareMs);
    const fromBundles = await runCli([
      "--kb",
      join(dir, "kb-bundles"),
      "-q",
      "add",
      "--from-bundle",
      ...bundles,
    ]);
    row("add --from-bundle (the commit)", fromBundles.ms);
    const fromBundles2 = await runCli([
      "--kb",
      join(dir, "kb-bundles-2"),
      "-q",
      "add",
      "--jobs",
      "2",
      "--from-bundle",
      ...bundles,
    ]);
    row("add --jobs 2 --from-bundle", fromBundles2.ms);
    const plain = await runCli(["--kb", join(dir, "kb-add"), "-q", "add", corpus]);
    row("add (prepare and commit, --jobs 1)", plain.ms);
    return [
      "## bundle: committing prepared bundles",
      "",
      `${count} markdown/text files of ${info.smallest}–${info.largest} B (${
        fixed(info.bytes / 1e6, 1)
      } MB), ${shards} shards; whole processes, a fresh knowledge base each.`,
      "",
      ...markdownTable(["step", "seconds", "docs/s"], rows),
    ];
  } finally {
    await removeTree(dir);
  }
}
