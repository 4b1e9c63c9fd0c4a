/**
 * Cutting text to a budget for the model: {@linkcode cutText} for passages
 * (at a paragraph, sentence or word boundary, marked with ` …`) and
 * {@linkcode cutLine} for one-line labels and notes (at a word, marked `…`).
 *
 * @module
 */

/** Cuts `text` to at most `max` characters at a natural boundary. */
export function cutText(text: string, max: number): string {
  const trimmed = text.trim();
  if (trimmed.length <= max) return trimmed;
  const head = trimmed.slice(0, Math.max(0, max - 2));
  const half = head.length / 2;
  const paragraph = head.lastIndexOf("\n\n");
  const sentence = Math.max(head.lastIndexOf(". "), head.lastIndexOf(".\n"));
  const space = head.search(/\s\S*$/);
  const end = paragraph > half
    ? paragraph
    : sentence > half
    ? sentence + 1
    : space > half
    ? space
    : head.length;
  return head.slice(0, end).trimEnd() + " …";
}

/** Cuts a line to `max` characters at a word boundary, marking the cut with `…`. */
export function cutLine(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max - 1);
  const space = head.lastIndexOf(" ");
  return (space > max / 2 ? head.slice(0, space) : head).replace(/[\s,;:.-]+$/, "") + "…";
}
