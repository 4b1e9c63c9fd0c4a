/**
 * Which concepts have a page, read from the registry. A concept gets a page
 * when at least `minDocuments` documents share it, or (when
 * `prominentMakesPage` is on) when one document names it prominently.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import type { QuireConfig } from "../core/config.ts";

/** A concept with a page: its slug, display label and number of documents. */
export interface ConceptSummary {
  slug: string;
  label: string;
  documents: number;
}

/** The concept-page rule, from the config. */
export type ConceptRule = Pick<QuireConfig["concepts"], "minDocuments" | "prominentMakesPage">;

/** Returns true when concept `slug` qualifies for a page. */
export function hasConceptPage(db: DatabaseSync, slug: string, rule: ConceptRule): boolean {
  const row = db.prepare(
    "SELECT count(*) AS n, max(prominent) AS p FROM document_concepts WHERE slug = ?",
  ).get(slug) as { n: number; p: number | null };
  return row.n > 0 &&
    (row.n >= rule.minDocuments || (rule.prominentMakesPage && row.p === 1));
}

/**
 * Lists every concept that has a page, most connected first (then by slug).
 * The label is the spelling most documents use (ties: the smallest).
 */
export function listConceptPages(db: DatabaseSync, rule: ConceptRule): ConceptSummary[] {
  const rows = db.prepare(
    `SELECT slug, label, count(*) AS n, max(prominent) AS p FROM document_concepts
     GROUP BY slug, label ORDER BY slug, n DESC, label`,
  ).all() as unknown as { slug: string; label: string; n: number; p: number }[];
  const concepts: ConceptSummary[] = [];
  let current: (ConceptSummary & { prominent: boolean }) | undefined;
  const flush = () => {
    if (
      current &&
      (current.documents >= rule.minDocuments || (rule.prominentMakesPage && current.prominent))
    ) concepts.push({ slug: current.slug, label: current.label, documents: current.documents });
  };
  for (const row of rows) {
    if (current?.slug !== row.slug) {
      flush();
      current = { slug: row.slug, label: row.label, documents: 0, prominent: false };
    }
    current.documents += row.n;
    current.prominent ||= row.p === 1;
  }
  flush();
  return concepts.sort((a, b) =>
    b.documents - a.documents || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0)
  );
}
