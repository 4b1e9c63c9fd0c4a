/**
 * A PDF outline (bookmarks) as headings: each entry's depth and start page
 * (named and explicit destinations resolved, page lookups cached), and the
 * lines of the text that the entries name.
 *
 * An entry's title matches a line on its destination page when both are
 * equal ignoring case and punctuation, or equal once a leading section
 * number ("2.1", "IV.", "A)") is dropped; a title wrapped over two lines is
 * matched too. Lines are searched in order, so two entries with the same
 * title on one page mark two different lines. At most 5000 entries and 32
 * levels are read.
 *
 * @module
 */

import type { FontSizeHeading } from "./font_size_headings.ts";
import type { PagedHeading } from "./paged_sections.ts";
import type { PdfLine } from "./pdf_lines.ts";

/** An outline node as pdf.js `getOutline()` returns it. */
export interface OutlineNode {
  title: string;
  dest: string | unknown[] | null;
  items: OutlineNode[];
}

/** The two pdf.js document methods that resolve a destination to a page. */
export interface OutlineSource {
  getDestination(id: string): Promise<unknown[] | null>;
  getPageIndex(ref: { num: number; gen: number }): Promise<number>;
}

const MAX_OUTLINE_ENTRIES = 5000;
const MAX_OUTLINE_DEPTH = 32;

/** Lists the outline entries in order with their depth and resolved start page. */
export async function flattenOutline(
  pdf: OutlineSource,
  nodes: OutlineNode[],
): Promise<PagedHeading[]> {
  const out: PagedHeading[] = [];
  const pageOfRef = new Map<string, number | undefined>();
  const pageOf = async (dest: OutlineNode["dest"]): Promise<number | undefined> => {
    try {
      const explicit = typeof dest === "string" ? await pdf.getDestination(dest) : dest;
      const target = explicit?.[0];
      if (typeof target === "number") return target + 1;
      if (typeof target !== "object" || target === null) return undefined;
      const ref = target as { num: number; gen: number };
      const key = `${ref.num}R${ref.gen}`;
      if (!pageOfRef.has(key)) pageOfRef.set(key, (await pdf.getPageIndex(ref)) + 1);
      return pageOfRef.get(key);
    } catch {
      return undefined;
    }
  };
  const walk = async (items: OutlineNode[], level: number) => {
    for (const item of items) {
      if (out.length >= MAX_OUTLINE_ENTRIES) return;
      const title = (item.title ?? "").replace(/\s+/g, " ").trim();
      if (title !== "") out.push({ title, level, page: await pageOf(item.dest) });
      if (level < MAX_OUTLINE_DEPTH) await walk(item.items ?? [], title === "" ? level : level + 1);
    }
  };
  await walk(nodes, 1);
  return out;
}

function compact(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

function withoutNumber(text: string): string {
  return compact(text.replace(/^\s*(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.|[A-Z][.)])\s+/, ""));
}

function sameTitle(line: string, title: string): boolean {
  const a = withoutNumber(line);
  return compact(line) === compact(title) || (a !== "" && a === withoutNumber(title));
}

/** Marks the lines that outline entries name, as headings of the entry's depth. */
export function outlineMarks(outline: PagedHeading[], pages: PdfLine[][]): FontSizeHeading[] {
  const marks: FontSizeHeading[] = [];
  const cursor = new Map<number, number>();
  for (const [index, entry] of outline.entries()) {
    const lines = entry.page === undefined ? undefined : pages[entry.page - 1];
    if (!lines) continue;
    for (let i = cursor.get(entry.page!) ?? 0; i < lines.length; i++) {
      const two = i + 1 < lines.length ? `${lines[i].text} ${lines[i + 1].text}` : "";
      const last = sameTitle(lines[i].text, entry.title)
        ? i
        : two && sameTitle(two, entry.title)
        ? i + 1
        : -1;
      if (last < 0) continue;
      const { level, title } = entry;
      marks.push({ page: entry.page!, first: i, last, level, title, entry: index });
      cursor.set(entry.page!, last + 1);
      break;
    }
  }
  return marks;
}
