/**
 * What `quire repair` rebuilds a registry from: the documents and saved
 * explorations as the files on disk describe them.
 *
 * A document is restored from its summary page's front matter
 * (`render_summary_page.ts` writes everything the registry keeps but the
 * section tree), its original in `raw/` (whose hash and size are measured
 * again, so the registry always describes the file that is there), and its
 * source page (the full-text index). An exploration is restored from its
 * page's `question` and `created`.
 *
 * Older summary pages lack some fields; they are filled in as well as the
 * page allows: `origin` from the source (a URL, `pageindex-cloud:…`, else a
 * file), `description` from the page's quoted line, and concepts from the
 * `concepts` slugs (a label made from the slug, no note, scores in list
 * order, prominent when the page links the concept). The section tree is
 * never on a page: it comes back empty (`quire recompile` rebuilds it).
 *
 * What cannot be restored is reported, never guessed: a raw file with no
 * summary page (its source is unknown), a summary whose front matter is not
 * YAML or lacks its source or type, a summary with no raw file.
 *
 * @module
 */

import { readTextIfExists } from "../core/durable_fs.ts";
import { errorMessage } from "../core/errors.ts";
import { sha256File } from "../core/hash.ts";
import type { KbLayout } from "../core/layout.ts";
import { safeName } from "../core/naming.ts";
import { recordedLinks } from "../core/wiki_links.ts";
import type { CompilerKind, ConceptNote, DocumentOrigin, DocumentType } from "../core/types.ts";
import type { DocumentRow } from "./mutation_plan.ts";

/** A document as restored from disk. */
export interface RestoredDocument {
  row: DocumentRow;
  concepts: ConceptNote[];
  /** The source page's text, for the full-text index ("" when it is missing). */
  searchText: string;
  /** The link keys of its summary and source pages, for the link graph. */
  links: string[];
}

/** A saved exploration as restored from its page. */
export interface RestoredExploration {
  name: string;
  question: string;
  createdAt: string;
  /** The link keys of its page, for the link graph. */
  links: string[];
}

/** A file that could not be restored, and why. */
export interface SkippedFile {
  /** kb-relative path. */
  path: string;
  reason: string;
}

/** Everything {@linkcode readDocumentsOnDisk} found. */
export interface DiskInventory {
  documents: RestoredDocument[];
  explorations: RestoredExploration[];
  skipped: SkippedFile[];
  /** Documents restored with a note (an original changed since its pages, a missing source page). */
  notes: { name: string; note: string }[];
}

const TYPES: readonly DocumentType[] = [
  "markdown",
  "text",
  "pdf",
  "docx",
  "html",
  "csv",
  "pageindex",
];
const COMPILERS: readonly CompilerKind[] = ["offline", "llm", "offline-fallback"];
const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

type Fields = Record<string, unknown>;

function text(fields: Fields, key: string): string | undefined {
  const value = fields[key];
  return typeof value === "string" ? value : undefined;
}

async function parseFrontMatter(page: string): Promise<Fields | string> {
  const match = FRONT_MATTER.exec(page);
  if (!match) return "it has no front matter";
  const YAML = await import("yaml");
  try {
    const data: unknown = YAML.parse(match[1] ?? "");
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      return "its front matter is not a mapping";
    }
    return data as Fields;
  } catch (error) {
    return `its front matter is not valid YAML (${errorMessage(error).split("\n")[0]})`;
  }
}

function originOf(source: string): DocumentOrigin {
  if (source.startsWith("pageindex-cloud:")) return "pageindex";
  return /^https?:\/\//i.test(source) ? "url" : "file";
}

/** Undoes `inlineText`'s backslash escapes. */
function unescapeMarkdown(line: string): string {
  return line.replace(/\\([!-/:-@[-`{-~])/g, "$1");
}

function descriptionOf(fields: Fields, page: string): string {
  const stored = text(fields, "description");
  if (stored !== undefined) return stored;
  const quoted = /^> (.*)$/m.exec(page.replace(FRONT_MATTER, ""));
  return quoted ? unescapeMarkdown(quoted[1]) : "";
}

function isConcept(value: unknown): value is ConceptNote {
  const c = value as Partial<ConceptNote> | null;
  return typeof c === "object" && c !== null && typeof c.slug === "string" &&
    c.slug !== "" && typeof c.label === "string" && typeof c.note === "string" &&
    typeof c.score === "number" && Number.isFinite(c.score) && typeof c.prominent === "boolean";
}

function conceptsOf(fields: Fields, page: string): ConceptNote[] {
  const notes = fields.concept_notes;
  if (Array.isArray(notes)) {
    return notes.filter(isConcept).map((c) => ({
      slug: c.slug,
      label: c.label,
      note: c.note,
      score: c.score,
      prominent: c.prominent,
    }));
  }
  const slugs = Array.isArray(fields.concepts)
    ? fields.concepts.filter((s): s is string => typeof s === "string" && s !== "")
    : [];
  return slugs.map((slug, i) => ({
    slug,
    label: slug.replace(/-/g, " "),
    note: "",
    score: Math.max(0, 1 - i * 0.05),
    prominent: page.includes(`[[concepts/${slug}|`) || page.includes(`[[concepts/${slug}]]`),
  }));
}

/** Lists the regular files of a folder by name (none when it is missing). */
function filesIn(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)]
      .filter((entry) => entry.isFile && !entry.name.startsWith("."))
      .map((entry) => entry.name).sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/** Restores one document from its summary page, or says why it cannot. */
async function restoreDocument(
  layout: KbLayout,
  name: string,
  rawFiles: Map<string, string>,
  inventory: DiskInventory,
): Promise<RestoredDocument | null> {
  const summaryPath = `wiki/summaries/${name}.md`;
  const skip = (reason: string) => {
    inventory.skipped.push({ path: summaryPath, reason });
    return null;
  };
  if (safeName(name) !== name) return skip("its file name is not a document name Quire gives");
  const page = await Deno.readTextFile(layout.resolve(summaryPath));
  const fields = await parseFrontMatter(page);
  if (typeof fields === "string") return skip(fields);
  const source = text(fields, "source");
  const type = text(fields, "type") as DocumentType | undefined;
  if (source === undefined || source === "") return skip("its front matter has no 'source'");
  if (type === undefined || !TYPES.includes(type)) {
    return skip("its front matter has no known 'type'");
  }
  const rawFile = rawFiles.get(name);
  if (rawFile === undefined) return skip(`its original is not in raw/ (no file 'raw/${name}.*')`);
  const measured = await sha256File(layout.resolve(`raw/${rawFile}`));
  const sourcePage = await readTextIfExists(layout.resolve(`wiki/sources/${name}.md`));
  if (measured.hash !== text(fields, "hash")) {
    inventory.notes.push({
      name,
      note: "its original differs from the one its pages were made from; `quire recompile " +
        `${name}\` rebuilds them`,
    });
  }
  if (sourcePage === null) {
    inventory.notes.push({
      name,
      note: `its source page is missing; \`quire recompile ${name}\` writes it again`,
    });
  }
  const added = text(fields, "added") ?? text(fields, "updated") ?? "";
  const compiler = text(fields, "compiler") as CompilerKind | undefined;
  return {
    row: {
      name,
      type,
      origin: (text(fields, "origin") as DocumentOrigin | undefined) ?? originOf(source),
      ext: rawFile.slice(name.length + 1),
      source,
      hash: measured.hash,
      bytes: measured.bytes,
      title: text(fields, "title") ?? "",
      description: descriptionOf(fields, page),
      compiler: compiler !== undefined && COMPILERS.includes(compiler) ? compiler : "offline",
      sections: "[]",
      addedAt: added,
      updatedAt: text(fields, "updated") ?? added,
    },
    concepts: conceptsOf(fields, page),
    searchText: sourcePage ?? "",
    links: recordedLinks(`summaries/${name}`, [page, sourcePage ?? ""]),
  };
}

async function restoreExplorations(layout: KbLayout, inventory: DiskInventory): Promise<void> {
  for (const file of filesIn(layout.resolve("wiki/explorations"))) {
    if (!file.endsWith(".md")) continue;
    const name = file.slice(0, -3);
    const path = `wiki/explorations/${file}`;
    const page = await Deno.readTextFile(layout.resolve(path));
    const fields = await parseFrontMatter(page);
    const question = typeof fields === "string" ? undefined : text(fields, "question");
    if (typeof fields === "string" || question === undefined || question.trim() === "") {
      inventory.skipped.push({
        path,
        reason: typeof fields === "string" ? fields : "its front matter has no 'question'",
      });
      continue;
    }
    inventory.explorations.push({
      name,
      question,
      createdAt: text(fields, "created") ?? "",
      links: recordedLinks(`explorations/${name}`, [page]),
    });
  }
}

/**
 * Reads every document and exploration the files on disk describe.
 * Documents come in name order; a second summary claiming a source already
 * restored is skipped.
 */
export async function readDocumentsOnDisk(layout: KbLayout): Promise<DiskInventory> {
  const inventory: DiskInventory = { documents: [], explorations: [], skipped: [], notes: [] };
  const rawFiles = new Map<string, string>();
  const rawNames = filesIn(layout.raw);
  for (const file of rawNames) {
    const dot = file.lastIndexOf(".");
    if (dot > 0 && !rawFiles.has(file.slice(0, dot))) rawFiles.set(file.slice(0, dot), file);
  }
  const summaries = filesIn(layout.resolve("wiki/summaries"))
    .filter((file) => file.endsWith(".md")).map((file) => file.slice(0, -3));
  const withSummary = new Set(summaries);
  const sources = new Set<string>();
  for (const name of summaries) {
    const restored = await restoreDocument(layout, name, rawFiles, inventory);
    if (restored === null) continue;
    if (sources.has(restored.row.source)) {
      inventory.skipped.push({
        path: `wiki/summaries/${name}.md`,
        reason: `another document already has the source '${restored.row.source}'`,
      });
      continue;
    }
    sources.add(restored.row.source);
    inventory.documents.push(restored);
  }
  const restoredNames = new Set(inventory.documents.map((d) => d.row.name));
  for (const file of rawNames) {
    const stem = file.lastIndexOf(".") > 0 ? file.slice(0, file.lastIndexOf(".")) : file;
    // A raw file of a summary is restored or reported with that summary.
    if ((restoredNames.has(stem) || withSummary.has(stem)) && rawFiles.get(stem) === file) continue;
    inventory.skipped.push({
      path: `raw/${file}`,
      reason: "no summary page says where it came from; add it again to make it a document",
    });
  }
  await restoreExplorations(layout, inventory);
  return inventory;
}
