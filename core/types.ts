/**
 * The data shapes shared by every layer: what a reader makes of an input, what
 * the compiler adds, and what a worker hands the coordinator. All of them are
 * plain structured-clone data (strings, numbers, booleans, arrays, objects).
 *
 * @module
 */

/** The kinds of document Quire reads; stored in the registry's `type` column. */
export type DocumentType =
  | "markdown"
  | "text"
  | "pdf"
  | "docx"
  | "html"
  | "csv"
  | "pageindex";

/** One node of a document's section tree (headings, a PDF outline, a remote tree). */
export interface Section {
  /** Heading text, plain (no markdown syntax). */
  title: string;
  /** Depth, 1 = top level. */
  level: number;
  /** First page (1-based) for paged documents. */
  startPage?: number;
  /** Last page (inclusive) for paged documents. */
  endPage?: number;
  /** A short description of the section, when the source provides one. */
  summary?: string;
  /**
   * The heading's text in the document's sources page, for paged sections
   * whose start was found in the text (a PDF outline entry matched to a
   * line); the summary's outline links there. Unset when there is none.
   */
  anchor?: string;
  /** HTML ids that name this heading (its own, and its permalink anchors'). */
  ids?: string[];
  /** Sub-sections in document order. */
  children: Section[];
}

/**
 * A link of a document's text, as data: where it points, resolved against
 * the document's own location. The worker writes the link in the staged
 * source page as `[text](quire-link:N)`, N being its index in
 * {@linkcode ConvertedDocument.links}; the coordinator resolves it at
 * commit (a wikilink, an external link or plain text).
 */
export interface DocumentLink {
  /**
   * The linked document's source as Quire would record it: an absolute
   * path for a local file, an `http(s)` URL without its fragment; "" for a
   * link into the same document.
   */
  target: string;
  /** The fragment (`#id`), decoded, without `#`; null when there is none. */
  anchor: string | null;
}

/** What a format reader makes of one input's bytes. */
export interface ConvertedDocument {
  /** The detected kind of document. */
  type: DocumentType;
  /** Extension to store the original under in `raw/`: lowercase, no dot. */
  ext: string;
  /** Best title found (metadata, first heading, first line); may be "". */
  title: string;
  /** The full text as markdown: the body of `wiki/sources/<name>.md`. */
  markdown: string;
  /** The section tree, shown as the summary's outline. */
  sections: Section[];
  /** Number of pages, for paged formats. */
  pageCount?: number;
  /** Things the user should know that did not stop the conversion. */
  warnings: string[];
  /** Extra facts for the summary page, such as a table's column names. */
  facts: Record<string, string>;
  /** The links written as `quire-link:N` placeholders in `markdown`. @default [] */
  links?: DocumentLink[];
}

/** A concept a document discusses, with that document's note about it. */
export interface ConceptNote {
  /** Normalised identifier shared by every document naming the concept. */
  slug: string;
  /** The phrase as this document writes it. */
  label: string;
  /** The sentence(s) where the document discusses it. */
  note: string;
  /** Relevance within the document; higher is more central. */
  score: number;
  /** True when the document names it prominently (title, heading, frequent). */
  prominent: boolean;
}

/** Which compiler wrote a document's summary and notes. */
export type CompilerKind = "offline" | "llm" | "offline-fallback";

/** The per-document compilation: summary, description, concepts. */
export interface CompiledDocument {
  /** Which compiler produced this. */
  compiler: CompilerKind;
  /** One line for `index.md`. */
  description: string;
  /** The summary as markdown paragraphs. */
  summary: string;
  /** Key phrases, most relevant first. */
  keyPhrases: string[];
  /** Concepts with notes, most relevant first. */
  concepts: ConceptNote[];
  /** Why the model was not used (redacted), when `compiler` is "offline-fallback". */
  fallbackCause?: string;
}

/** Where a document came from; stored in the registry's `origin` column. */
export type DocumentOrigin = "file" | "url" | "pageindex";

/** One input to prepare. */
export type PrepareInput =
  | { kind: "file"; path: string }
  | { kind: "url"; url: string }
  | { kind: "pageindex"; docId: string }
  /** A document's stored original (`raw/`), prepared again by `recompile`. */
  | {
    kind: "stored";
    path: string;
    source: string;
    origin: DocumentOrigin;
    type: DocumentType;
    nameHint: string;
  }
  /** A document prepared elsewhere: an entry of a prepared bundle (`add --from-bundle`). */
  | { kind: "prepared"; entryDir: string; source: string };

/** Returns the canonical source of an input: a path, a URL or `pageindex-cloud:<id>`. */
export function sourceOf(input: PrepareInput): string {
  switch (input.kind) {
    case "file":
      return input.path;
    case "url":
      return input.url;
    case "pageindex":
      return `pageindex-cloud:${input.docId}`;
    case "stored":
    case "prepared":
      return input.source;
  }
}

/**
 * The staged files of one input, in the batch's staging directory `dir`:
 * all of them are named `<name>.<role>`, so that the input's files can be
 * found (and removed) knowing its staging name alone.
 */
export function stagedFiles(
  dir: string,
  name: string,
): { raw: string; source: string; summary: string } {
  return {
    raw: `${dir}/${name}.raw`,
    source: `${dir}/${name}.source.md`,
    summary: `${dir}/${name}.summary.md`,
  };
}

/**
 * The manifest a worker returns: the prepared document as data, plus the
 * staged files (paths relative to `stagingDir`).
 */
export interface StagedDocument {
  /** Position of the input in the batch (0-based); commit order. */
  index: number;
  /** Canonical source: absolute file path, URL, or `pageindex-cloud:<id>`. */
  source: string;
  /** Kind of source. */
  origin: DocumentOrigin;
  /** Absolute path of the batch's staging directory (shared by its inputs). */
  stagingDir: string;
  /** This input's staging name; its files are {@linkcode stagedFiles}. */
  stagingName: string;
  /** The original bytes, relative to `stagingDir`. */
  rawFile: string;
  /** The finished `wiki/sources` page, relative to `stagingDir`. */
  sourceFile: string;
  /** SHA-256 of the original bytes, lowercase hex. */
  hash: string;
  /** Size of the original bytes. */
  bytes: number;
  /** Suggested base for the document's name (never used unchecked). */
  nameHint: string;
  /** The converted document, without its markdown (that is staged). */
  document: Omit<ConvertedDocument, "markdown">;
  /** The compiled summary and concepts. */
  compiled: CompiledDocument;
  /** Time the preparation took, in milliseconds. */
  ms: number;
}

/** A document row as read from the registry. */
export interface DocumentRecord {
  name: string;
  type: DocumentType;
  origin: DocumentOrigin;
  ext: string;
  source: string;
  hash: string;
  bytes: number;
  title: string;
  description: string;
  compiler: CompilerKind;
  addedAt: string;
  updatedAt: string;
}
