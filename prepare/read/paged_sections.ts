/**
 * A section tree with page ranges, from headings in document order that each
 * know the page they start on (a PDF outline, or headings found in the text).
 *
 * A section ends on the page before the next section at the same or a higher
 * level starts, or on the last page; when that next section starts on the
 * same page, the section ends on its own start page. A heading whose page is
 * unknown (an outline entry without a destination) takes the page of the next
 * heading that has one, else of the previous one.
 *
 * @module
 */

import type { Section } from "../../core/types.ts";
import { sectionTree } from "./markdown_sections.ts";

/** A heading with its level (1 = top) and start page (1-based). */
export interface PagedHeading {
  title: string;
  level: number;
  page?: number;
  /** The heading's text in the sources page, when it is a heading there. */
  anchor?: string;
}

/** Options of {@linkcode pagedSections}. */
export interface PagedSectionsOptions {
  /** Pages in the document; the last section ends there. */
  pageCount: number;
  /** Whether to set `startPage` and `endPage`. @default true */
  withPages?: boolean;
}

function fillPages(headings: readonly PagedHeading[]): (number | undefined)[] {
  const pages: (number | undefined)[] = headings.map((h) => h.page);
  let next: number | undefined;
  for (let i = pages.length - 1; i >= 0; i--) {
    if (pages[i] === undefined) pages[i] = next;
    else next = pages[i];
  }
  let previous: number | undefined;
  for (let i = 0; i < pages.length; i++) {
    if (pages[i] === undefined) pages[i] = previous;
    else previous = pages[i];
  }
  return pages;
}

function endPages(
  headings: readonly PagedHeading[],
  starts: readonly (number | undefined)[],
  pageCount: number,
): (number | undefined)[] {
  const ends: (number | undefined)[] = new Array(headings.length).fill(undefined);
  const open: number[] = [];
  const close = (i: number, end: number) => {
    const start = starts[i];
    ends[i] = start === undefined ? undefined : Math.max(start, end);
  };
  headings.forEach((heading, i) => {
    while (open.length > 0 && headings[open[open.length - 1]].level >= heading.level) {
      const j = open.pop()!;
      close(j, (starts[i] ?? pageCount + 1) - 1);
    }
    open.push(i);
  });
  for (const j of open) close(j, pageCount);
  return ends;
}

/** Builds the section tree of `headings`, with page ranges unless told not to. */
export function pagedSections(
  headings: readonly PagedHeading[],
  options: PagedSectionsOptions,
): Section[] {
  const tree = sectionTree(headings.map(({ title, level }) => ({ title, level })));
  const withPages = options.withPages !== false;
  const starts = withPages ? fillPages(headings) : [];
  const ends = withPages ? endPages(headings, starts, options.pageCount) : [];
  let i = 0;
  const visit = (sections: Section[]) => {
    for (const section of sections) {
      const start = starts[i];
      const end = ends[i];
      const anchor = headings[i].anchor;
      i++;
      if (anchor !== undefined) section.anchor = anchor;
      if (start !== undefined && end !== undefined) {
        section.startPage = start;
        section.endPage = end;
      }
      visit(section.children);
    }
  };
  visit(tree);
  return tree;
}
