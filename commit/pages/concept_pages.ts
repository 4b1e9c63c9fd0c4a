/**
 * Which concepts have a page, read from the registry. A concept gets a page
 * when at least `minDocuments` documents share it, or (when
 * `prominentMakesPage` is on) when one document names it prominently.
 *
 * @module
 */

import { row } from "../../core/registry.ts";
import type { DatabaseSync } from "node:sqlite";
import type { QuireConfig } from "../../core/config.ts";

/** The concept-page rule, from the config. */
export type ConceptRule = Pick<QuireConfig["concepts"], "minDocuments" | "prominentMakesPage">;

/**
 * Returns true when concept `slug` qualifies for a page: one lookup in the
 * `concepts` table, whose counts the registry's triggers keep.
 */
export function hasConceptPage(db: DatabaseSync, slug: string, rule: ConceptRule): boolean {
  const found = row<{ documents: number; prominent: number }>(
    db,
    "SELECT documents, prominent FROM concepts WHERE slug = ?",
    slug,
  );
  if (found === undefined || found.documents === 0) return false;
  return found.documents >= rule.minDocuments || (rule.prominentMakesPage && found.prominent > 0);
}

/** Returns the spelling of concept `slug` that most documents use (ties: the smallest). */
export function conceptLabel(db: DatabaseSync, slug: string): string {
  const found = row<{ label: string }>(
    db,
    "SELECT label FROM concept_labels WHERE slug = ? ORDER BY documents DESC, label LIMIT 1",
    slug,
  );
  return found?.label ?? slug;
}

/**
 * Answers "does this concept have a page?" and "what is its label?",
 * remembering each answer. Use one per rebuild: the registry does not change
 * while shared pages are rebuilt, and many concept pages ask about the same
 * related concepts.
 */
export class ConceptLookup {
  readonly db: DatabaseSync;
  readonly rule: ConceptRule;
  #pages = new Map<string, boolean>();
  #labels = new Map<string, string>();

  constructor(db: DatabaseSync, rule: ConceptRule) {
    this.db = db;
    this.rule = rule;
  }

  /** {@linkcode hasConceptPage}, remembered. */
  hasPage(slug: string): boolean {
    let answer = this.#pages.get(slug);
    if (answer === undefined) {
      this.#pages.set(slug, answer = hasConceptPage(this.db, slug, this.rule));
    }
    return answer;
  }

  /** {@linkcode conceptLabel}, remembered. */
  label(slug: string): string {
    let answer = this.#labels.get(slug);
    if (answer === undefined) this.#labels.set(slug, answer = conceptLabel(this.db, slug));
    return answer;
  }
}
