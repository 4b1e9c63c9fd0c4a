/**
 * The read-only commands: `list`, `status`, `search` and `lint` (`query`,
 * which may call a model and save, is in `query_command.ts`). They take no
 * lock and read one registry snapshot, so they work while a long change
 * runs in another process; when an interrupted change waits for recovery,
 * they say so. They load nothing of `commit/` or `prepare/`: see
 * `program.ts` on startup.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import {
  activeWriter,
  findOwnSymlinks,
  isRecoveryPending,
  type KbLayout,
  lintKnowledgeBase,
  type LintReport,
  listDocuments,
  openKbRegistry,
  ownTreeProblems,
  QuireError,
  readStatus,
  searchDocuments,
  type SearchHit,
} from "../core/mod.ts";
import { EXIT } from "./exit_code.ts";
import { locateKnowledgeBase } from "./locate_kb.ts";
import { type GlobalOptions, humanBytes, print, printJson, say } from "./output.ts";

/** Says on stderr when an interrupted change waits for recovery. */
async function notePendingRecovery(layout: KbLayout, db: DatabaseSync): Promise<void> {
  if (await isRecoveryPending(layout, db)) {
    say(
      "note: an interrupted change is pending recovery; `quire recover` (or the next change) finishes it",
    );
  }
}

/**
 * `quire list [--limit N] [--offset N]`: documents ordered by name; a page of
 * them costs the same however many there are (the name index is read from
 * the offset on).
 */
export async function listCommand(
  flags: { limit?: number; offset?: number },
  options: GlobalOptions,
): Promise<number> {
  const layout = locateKnowledgeBase(options);
  const db = openKbRegistry(layout, { readOnly: true });
  let documents;
  try {
    documents = listDocuments(db, { limit: flags.limit, offset: flags.offset });
    await notePendingRecovery(layout, db);
  } finally {
    db.close();
  }
  if (options.json) {
    printJson(documents.map((d) => ({
      name: d.name,
      type: d.type,
      bytes: d.bytes,
      hash: d.hash,
      source: d.source,
      title: d.title,
      compiler: d.compiler,
      addedAt: d.addedAt,
      updatedAt: d.updatedAt,
    })));
    return EXIT.ok;
  }
  if (documents.length === 0) {
    say(
      flags.offset
        ? "No documents past that offset"
        : "No documents yet; add some with `quire add PATH`",
    );
    return EXIT.ok;
  }
  const rows = documents.map((d) => [
    d.name,
    d.type,
    humanBytes(d.bytes),
    d.compiler,
    d.addedAt,
  ]);
  const header = ["NAME", "TYPE", "SIZE", "COMPILER", "ADDED"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [header, ...rows]) {
    print(row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i])).join("  "));
  }
  return EXIT.ok;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `quire status`. */
export async function statusCommand(options: GlobalOptions): Promise<number> {
  const status = await readStatus(locateKnowledgeBase(options));
  if (options.json) {
    printJson(status);
    return EXIT.ok;
  }
  const lines = [
    `Knowledge base: ${status.root}`,
    `Documents: ${status.documents} (${humanBytes(status.documentBytes)} of originals)`,
    `Concepts: ${status.concepts}`,
    `Size on disk: ${humanBytes(status.diskBytes)} in raw/ and wiki/`,
    `Pending journals: ${status.pendingJournals}`,
  ];
  if (status.fallbacks > 0) {
    lines.push(
      `Compiled offline after a model failure: ${status.fallbacks} (\`quire recompile --fallbacks\` tries the model again)`,
    );
  }
  const llm = status.llm;
  if (llm.calls + llm.cacheHits + llm.fallbacks + llm.notAttempted > 0) {
    lines.push(
      `Model use (all batches): ${plural(llm.calls, "call")} (${
        plural(llm.retries, "retry", "retries")
      }), ${llm.promptTokens} prompt + ${llm.completionTokens} completion tokens, ${
        plural(llm.cacheHits, "cache hit")
      }, ${plural(llm.fallbacks, "fallback")}, ${llm.notAttempted} not attempted`,
    );
  }
  lines.push(
    `Prepared cache: ${status.cache.entries} entries, ${
      humanBytes(status.cache.bytes)
    } in .quire/cache/ (safe to delete)`,
  );
  const last = status.lastOperation;
  lines.push(`Last operation: ${last ? `${last.at} ${last.op} ${last.name}`.trim() : "none"}`);
  if (status.writer) {
    lines.push(
      `In progress: a change by pid ${status.writer.pid} on ${status.writer.hostname} since ${status.writer.time}`,
    );
  } else if (status.recoveryPending) {
    lines.push(
      "Recovery pending: an interrupted change will be recovered by `quire recover` or the next change",
    );
  }
  print(lines.join("\n"));
  return EXIT.ok;
}

/** Search hits as numbered lines: title, page, where on it, snippet. */
export function describeHits(hits: SearchHit[]): string {
  if (hits.length === 0) return "No matches";
  return hits.map((hit, i) => {
    const where = [
      hit.heading === null ? "" : `§ ${hit.heading}`,
      hit.pageNumber === null ? "" : `page ${hit.pageNumber}`,
    ].filter((part) => part !== "").join(", ");
    return `${i + 1}. ${hit.title || hit.name} (${hit.name})\n   ${hit.page}${
      where === "" ? "" : `  (${where})`
    }\n   ${hit.snippet}`;
  }).join("\n");
}

/** `quire search WORDS…`. */
export async function searchCommand(
  words: string[],
  flags: { limit: number },
  options: GlobalOptions,
): Promise<number> {
  const query = words.join(" ").trim();
  if (query === "") {
    throw new QuireError("USAGE", "Cannot search: the query is empty", {
      hint: 'Give some words, e.g. `quire search "vector database"`',
    });
  }
  const layout = locateKnowledgeBase(options);
  const db = openKbRegistry(layout, { readOnly: true });
  let hits: SearchHit[];
  try {
    hits = searchDocuments(db, query, { limit: flags.limit });
    await notePendingRecovery(layout, db);
  } finally {
    db.close();
  }
  if (options.json) printJson(hits);
  else print(describeHits(hits));
  return EXIT.ok;
}

/**
 * Lints a knowledge base. A symbolic link in its own tree is reported alone:
 * the other checks would read through it.
 */
async function lintReport(layout: KbLayout): Promise<LintReport> {
  const links = findOwnSymlinks(layout);
  if (links.length > 0) return { problems: ownTreeProblems(links) };
  const db = openKbRegistry(layout, { readOnly: true, verify: true });
  try {
    return await lintKnowledgeBase(layout, db, { writerActive: activeWriter(layout) !== null });
  } finally {
    db.close();
  }
}

/** `quire lint`: exit 1 when it finds problems. */
export async function lintCommand(options: GlobalOptions): Promise<number> {
  const layout = locateKnowledgeBase(options, { allowSymlinks: true });
  const report = await lintReport(layout);
  if (options.json) printJson(report);
  else {
    for (const p of report.problems) print(`${p.kind} ${p.path}: ${p.detail}`);
    say(report.problems.length === 0 ? "No problems found" : `${report.problems.length} problems`);
  }
  return report.problems.length === 0 ? EXIT.ok : EXIT.failed;
}
