/**
 * Depth and size guards for HTML, so that a page's shape cannot make the
 * parser, Readability or turndown run for minutes, overflow the stack or
 * take gigabytes:
 *
 * - {@linkcode scanHtmlTags} looks at the tags in one linear pass before
 *   anything parses them: how deep they nest (the parser's bookkeeping
 *   grows with the square of the depth: 100,000 levels took 19 s), and
 *   where the {@linkcode MAX_HTML_ELEMENTS}th element starts (a DOM and
 *   turndown take about 2 KB per element together).
 * - {@linkcode flattenDeepHtml} replaces elements nested deeper than
 *   {@linkcode MAX_HTML_DEPTH} by their text: Readability's time grows with
 *   about the cube of the depth (1,000 nested `<div>`s took 21 s), and
 *   turndown recurses once per level (10,000 levels overflow the stack);
 *   real pages nest a few dozen levels. The walk is iterative, so the
 *   guard itself never overflows; a flattened element keeps its text
 *   (`textContent` is iterative in linkedom), not its markup.
 *
 * @module
 */

/** Elements nested deeper than this are flattened to their text. */
export const MAX_HTML_DEPTH = 128;

/** HTML whose tags nest deeper than this is not parsed at all. */
export const MAX_PARSE_DEPTH = 10_000;

/** HTML is converted up to its this-many-th element; the rest is cut. */
export const MAX_HTML_ELEMENTS = 200_000;

/** Elements that never nest (void), or whose end tag may be left out, so they do not count. */
const NOT_NESTING = new Set(
  ("area base br col embed hr img input link meta param source track wbr " +
    "p li dt dd tr td th option optgroup thead tbody tfoot colgroup caption rb rt rp " +
    "html head body").split(" "),
);
const TAG = /<(\/?)([a-zA-Z][\w:-]*)(?:[^<>]*?(\/?))?>/g;

/** What one pass over an HTML text's tags found. */
export interface HtmlTagScan {
  /** How deep elements nest (start tags minus end tags; see {@linkcode scanHtmlTags}). */
  depth: number;
  /** Start tags seen. */
  elements: number;
  /** Where the element past {@linkcode MAX_HTML_ELEMENTS} starts, when there is one. */
  cutAt: number | undefined;
}

/**
 * Scans the tags of an HTML text in one linear pass, without parsing it:
 * nesting depth (leaving out void elements, self-closed tags and elements
 * whose end tag is optional), the number of elements, and where to cut it
 * to keep {@linkcode MAX_HTML_ELEMENTS} of them.
 */
export function scanHtmlTags(html: string): HtmlTagScan {
  let depth = 0;
  let deepest = 0;
  let elements = 0;
  let cutAt: number | undefined;
  for (const match of html.matchAll(TAG)) {
    const [, close, name, selfClosing] = match;
    if (!close && ++elements > MAX_HTML_ELEMENTS) cutAt ??= match.index;
    if (NOT_NESTING.has(name.toLowerCase())) continue;
    if (close) depth = Math.max(0, depth - 1);
    else if (!selfClosing) deepest = Math.max(deepest, ++depth);
  }
  return { depth: deepest, elements, cutAt };
}

/** The DOM fields the walk uses (typed here: the project does not load the DOM lib). */
export interface DeepElementLike {
  children: ArrayLike<DeepElementLike>;
  textContent: string | null;
}

/** What {@linkcode flattenDeepHtml} did. */
export interface FlattenResult {
  /** Elements replaced by their text. */
  flattened: number;
  /** Elements left in the tree. */
  elements: number;
}

/**
 * Replaces each element at depth `maxDepth` below `root` that has element
 * children by its text; counts what it flattened and what is left.
 */
export function flattenDeepHtml(root: DeepElementLike, maxDepth = MAX_HTML_DEPTH): FlattenResult {
  let flattened = 0;
  let elements = 0;
  const stack: { element: DeepElementLike; depth: number }[] = [{ element: root, depth: 0 }];
  while (stack.length > 0) {
    const { element, depth } = stack.pop()!;
    elements++;
    const children = Array.from(element.children);
    if (children.length === 0) continue;
    if (depth >= maxDepth) {
      element.textContent = element.textContent ?? "";
      flattened++;
      continue;
    }
    for (const child of children) stack.push({ element: child, depth: depth + 1 });
  }
  return { flattened, elements };
}
