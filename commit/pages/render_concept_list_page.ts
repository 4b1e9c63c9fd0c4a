/**
 * `wiki/index/concepts-<bucket>.md`: every concept that has a page, whose
 * slug starts with the bucket's letter (`a`…`z`, `0-9`, `other`), in slug
 * order. An entry is the link and the slug's words (the page itself shows
 * the label documents use), so a list changes only when a concept of its
 * bucket gains or loses its page, and a batch rewrites only those. One range
 * of the `concepts` table's primary key is read. A pure function of the
 * registry.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { wikilink } from "../../core/markdown.ts";
import { row, rows } from "../../core/registry.ts";
import type { ConceptRule } from "./concept_pages.ts";

/** The slug ranges `[from, to)` of a bucket (several for `other`). */
function bucketRanges(bucket: string): [string, string][] {
  if (bucket === "0-9") return [["0", ":"]];
  if (bucket === "other") return [["", "0"], [":", "a"], ["{", "\u{10FFFF}"]];
  return [[bucket, String.fromCharCode(bucket.charCodeAt(0) + 1)]];
}

/** Lists the slugs of `bucket` whose concepts have a page, in slug order. */
export function bucketConcepts(db: DatabaseSync, bucket: string, rule: ConceptRule): string[] {
  const slugs: string[] = [];
  for (const [from, to] of bucketRanges(bucket)) {
    const found = rows<{ slug: string }>(
      db,
      `SELECT slug FROM concepts WHERE slug >= ? AND slug < ?
       AND (documents >= ? OR (? AND prominent > 0)) ORDER BY slug`,
      from,
      to,
      rule.minDocuments,
      rule.prominentMakesPage ? 1 : 0,
    );
    for (const row of found) slugs.push(row.slug);
  }
  return slugs;
}

/** True when at least one concept of `bucket` has a page. */
export function hasBucketConcepts(db: DatabaseSync, bucket: string, rule: ConceptRule): boolean {
  return bucketRanges(bucket).some(([from, to]) =>
    row(
      db,
      `SELECT 1 FROM concepts WHERE slug >= ? AND slug < ?
       AND (documents >= ? OR (? AND prominent > 0)) LIMIT 1`,
      from,
      to,
      rule.minDocuments,
      rule.prominentMakesPage ? 1 : 0,
    ) !== undefined
  );
}

/** Renders the concept list of `bucket`; null when no concept of it has a page. */
export function renderConceptListPage(
  db: DatabaseSync,
  bucket: string,
  rule: ConceptRule,
): string | null {
  const slugs = bucketConcepts(db, bucket, rule);
  if (slugs.length === 0) return null;
  const title = bucket === "other" ? "other characters" : bucket;
  const lines = [
    `# Concepts: ${title}`,
    "",
    `${slugs.length} ${
      slugs.length === 1 ? "concept" : "concepts"
    } with a page. Back to the [[index]]. This page is rebuilt by Quire from its registry; edits here are lost.`,
    "",
  ];
  for (const slug of slugs) {
    lines.push(`- ${wikilink(`concepts/${slug}`, slug.replace(/-/g, " "))}`);
  }
  return lines.join("\n") + "\n";
}
