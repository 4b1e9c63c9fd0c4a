/**
 * The text of `wiki/AGENTS.md`, written once by `init`. It tells a person or
 * an LLM agent how the wiki is organised. After `init` the file belongs to
 * the user: Quire never rewrites it.
 *
 * @module
 */

/** The initial `wiki/AGENTS.md`. */
export const AGENTS_TEXT = `# How this wiki is organised

This folder is a knowledge base compiled by Quire. Every page is plain
markdown; links between pages are \`[[wikilinks]]\` relative to this folder,
so it opens as an Obsidian vault.

## Where to start

- [[index]] gives the counts, the documents added last, the most connected
  concepts, and links to the rest of the index in \`index/\`:
  - \`index/documents-<n>.md\`: every document, with a one-line
    description, by name, 1,000 per volume (volume 1 holds the first
    thousand added, and so on), so any document is two links from the index;
  - \`index/concepts-<letter>.md\`: every concept that has a page, by its
    first letter.
- [[log]] is the timeline of changes, newest first.

## Pages

- \`summaries/<name>.md\`: one page per document. Front matter (title, source,
  content hash, added and updated times, type, concepts), a one-line
  description, a summary, an outline of the document's sections, its
  concepts, links to the full text and the original file, and under
  "Linked from" the documents and saved answers that link to it.
- \`sources/<name>.md\`: the document's full text converted to markdown. Long
  paged documents carry \`<!-- page N -->\` markers.
- \`concepts/<slug>.md\`: one page per concept, listing every document that
  discusses it (with what each says) and related concepts.
- \`explorations/<name>.md\`: answers saved with \`quire query --save\`.
- \`../raw/<name>.<ext>\`: the original documents, byte for byte.

## How to navigate (for agents)

1. Read [[index]] to find candidate documents and concepts (or search with
   \`quire search\`; with many documents, the volumes and concept lists
   under \`index/\` hold the full lists).
2. Open a summary page; use its outline to find the section you need.
3. Open the source page at that section (\`[[sources/<name>#Heading]]\`) or
   page marker, rather than reading whole documents.
4. Follow concept pages to find other documents on the same subject.

## Editing

- \`index.md\`, the pages under \`index/\`, \`log.md\`, summaries and
  sources are rebuilt by Quire: edits to them are lost.
- On a concept page, write anything you like outside the block between
  \`<!-- quire:begin … -->\` and \`<!-- quire:end -->\`; it is kept when the
  page is rebuilt.
- This file is yours: Quire writes it once and never changes it.
`;
