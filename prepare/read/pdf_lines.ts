/**
 * Groups the text items pdf.js extracts from one page into lines. Items come
 * in content-stream order, which is the reading order that PDF producers
 * write; they are not re-sorted by position, since geometric sorting breaks
 * multi-column text more often than it fixes it. A line ends at an item
 * marked `hasEOL` or when the baseline moves by more than about half the font
 * size (a superscript or subscript stays on its line).
 *
 * Spaces come from the glyphs' positions, not from the space items pdf.js
 * guesses: TeX and other typesetters position words and kern letters with
 * the same operator, and pdf.js turns some kerns into spaces ("b een",
 * "Rob ertson"). Between two items, a gap wider than
 * {@linkcode WORD_GAP} × the font size is a space; a narrower one (a kern, a
 * subscript against its base) is not. A gap wider than
 * {@linkcode CELL_GAP} × the font size on one baseline separates table cells
 * or columns: the line is then marked `cells`.
 *
 * A Type 3 font's text matrix says nothing of its size (pdf.js reports
 * fractions of a point); its size is then estimated from its glyphs'
 * advance widths, per font and page.
 *
 * Characters without a Unicode mapping arrive as control characters (a
 * font without a `ToUnicode` map, TeX's own encodings). The TeX ligature
 * codes 0x0B–0x0F inside a word become ff, fi, fl, ffi, ffl ("She\x0eeld"
 * → "Sheffield"); Unicode ligatures (ﬁ, ﬂ, ﬀ…) are spelled out; TeX's en
 * dash, which such fonts put at `{`, is a hyphen between two letters or
 * digits ("TREC{3" → "TREC-3") on a line without `}`; every other control
 * character is dropped and counted in `unreadable`.
 *
 * @module
 */

/** The fields of a pdf.js text item that lines are built from. */
export interface PdfTextItemLike {
  str?: string;
  /** `[a, b, c, d, e, f]`: the font size is `hypot(c, d)`, the baseline `f`, the start `e`. */
  transform?: number[];
  /** Advance width of the item in page units. */
  width?: number;
  hasEOL?: boolean;
  /** pdf.js's name for the item's font on this page. */
  fontName?: string;
}

/** One line of text on a PDF page. */
export interface PdfLine {
  /** Whitespace-collapsed text; never empty. */
  text: string;
  /** Font size (points) of the most characters on the line. */
  size: number;
  /** Baseline height on the page (points from the bottom). */
  y: number;
  /** Left edge of the line. */
  x?: number;
  /** Right edge of the line. */
  right?: number;
  /** True when wide gaps split the line into cells (a table row, columns side by side). */
  cells?: boolean;
}

/** The lines of a page, and how many characters could not be read. */
export interface PageLines {
  lines: PdfLine[];
  /** Control characters (glyphs without a Unicode mapping) dropped from the text. */
  unreadable: number;
}

/** A gap between glyphs wider than this many font sizes is a space. */
export const WORD_GAP = 0.15;
/** A gap wider than this many font sizes separates table cells or columns. */
export const CELL_GAP = 1.5;

const TEX_LIGATURES: Record<string, string> = {
  "\x0b": "ff",
  "\x0c": "fi",
  "\x0d": "fl",
  "\x0e": "ffi",
  "\x0f": "ffl",
};
const UNICODE_LIGATURES: Record<string, string> = {
  "\ufb00": "ff",
  "\ufb01": "fi",
  "\ufb02": "fl",
  "\ufb03": "ffi",
  "\ufb04": "ffl",
  "\ufb05": "st",
  "\ufb06": "st",
};
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd]/g;

/**
 * Maps ligatures and drops unreadable characters in one line's text.
 * Returns the clean text and the number of characters dropped.
 */
export function cleanPdfText(text: string): { text: string; unreadable: number } {
  let unreadable = 0;
  let spelled = text.replace(/[\ufb00-\ufb06]/g, (c) => UNICODE_LIGATURES[c]);
  // TeX's OT1 fonts put the en dash where ASCII has `{`: "TREC{3" is "TREC-3".
  if (!spelled.includes("}")) {
    spelled = spelled.replace(/(?<=[\p{L}\p{N}])\{(?=[\p{L}\p{N}])/gu, "-");
  }
  const clean = spelled.replace(CONTROL, (c, at: number) => {
    const ligature = TEX_LIGATURES[c];
    if (ligature !== undefined) {
      const before = /\p{L}/u.test(spelled[at - 1] ?? "");
      const after = /\p{L}/u.test(spelled[at + 1] ?? "");
      // Inside a word, or starting one ("\x0crst" → "first").
      if (before || (after && /\p{Ll}/u.test(spelled[at + 1]))) return ligature;
    }
    unreadable++;
    return "";
  });
  return { text: clean, unreadable };
}

interface OpenLine {
  text: string;
  y: number;
  x: number;
  /** End of the last non-blank item. */
  end: number;
  cells: boolean;
  /** Whether every item so far had a width. */
  measured: boolean;
  charsBySize: Map<number, number>;
  size: number;
}

function closeLine(open: OpenLine, out: PageLines): void {
  const cleaned = cleanPdfText(open.text);
  out.unreadable += cleaned.unreadable;
  const text = cleaned.text.replace(/\s+/g, " ").trim();
  if (text === "" || !/[\p{L}\p{N}\p{P}\p{S}]/u.test(text)) return;
  let size = 0;
  let most = -1;
  for (const [s, chars] of open.charsBySize) {
    if (chars > most) [size, most] = [s, chars];
  }
  out.lines.push({ text, size, y: open.y, x: open.x, right: open.end, cells: open.cells });
}

function matrixSize(item: PdfTextItemLike): number {
  const t = item.transform ?? [1, 0, 0, 1, 0, 0];
  return Math.hypot(t[2], t[3]);
}

/**
 * Font sizes estimated from advance widths (an average glyph is about half
 * an em wide), per font, for fonts whose text matrix gives no usable size
 * (Type 3 fonts scale their glyphs in the font matrix: pdf.js then reports
 * sizes like 0.24 pt).
 */
function estimatedSizes(items: readonly PdfTextItemLike[]): Map<string, number> {
  const totals = new Map<string, { width: number; chars: number }>();
  for (const item of items) {
    const chars = (item.str ?? "").replace(/\s/g, "").length;
    if (matrixSize(item) >= MIN_SIZE || chars === 0 || !item.width) continue;
    const key = item.fontName ?? "";
    const total = totals.get(key) ?? { width: 0, chars: 0 };
    total.width += item.width;
    total.chars += chars;
    totals.set(key, total);
  }
  const sizes = new Map<string, number>();
  for (const [key, { width, chars }] of totals) sizes.set(key, (2 * width) / chars);
  return sizes;
}

/** Smaller text-matrix sizes (in points) are taken as a Type 3 font's scale, not a size. */
const MIN_SIZE = 4;

/** Builds the lines of one page from its text items; see the module notes. */
export function pageLines(items: readonly PdfTextItemLike[]): PageLines {
  const out: PageLines = { lines: [], unreadable: 0 };
  const estimated = estimatedSizes(items);
  let open: OpenLine | undefined;
  for (const item of items) {
    const str = item.str ?? "";
    const t = item.transform ?? [1, 0, 0, 1, 0, 0];
    const matrix = matrixSize(item);
    const raw = matrix >= MIN_SIZE ? matrix : estimated.get(item.fontName ?? "") ?? matrix;
    const size = Math.round(raw * 10) / 10;
    const [x, y] = [t[4], t[5]];
    const width = item.width ?? 0;
    if (str.trim() !== "") {
      if (open && Math.abs(y - open.y) > 0.6 * Math.max(size, open.size)) {
        closeLine(open, out);
        open = undefined;
      }
      if (!open) {
        open = {
          text: "",
          y,
          x,
          end: x,
          cells: false,
          measured: true,
          charsBySize: new Map(),
          size: 0,
        };
      } else {
        const em = Math.max(1, Math.min(size, open.size) || size);
        const gap = x - open.end;
        if (item.width !== undefined && open.measured && gap > CELL_GAP * em) open.cells = true;
        // Without widths (some producers), only the text's own spaces count.
        const measured = item.width !== undefined && open.measured;
        const space = /\s$/.test(open.text) || /^\s/.test(str) ||
          (measured && (gap > WORD_GAP * em || gap < -em));
        open.text = open.text.replace(/\s+$/, "") + (space ? " " : "");
      }
      open.text += str.replace(/^\s+/, "");
      open.end = width > 0 ? x + width : Math.max(open.end, x);
      open.measured &&= item.width !== undefined;
      const chars = str.replace(/\s/g, "").length;
      open.charsBySize.set(size, (open.charsBySize.get(size) ?? 0) + chars);
      open.size = Math.max(open.size, size);
    }
    if (item.hasEOL && open) {
      closeLine(open, out);
      open = undefined;
    }
  }
  if (open) closeLine(open, out);
  return out;
}

/** Builds the lines of one page from its text items (without the unreadable count). */
export function pdfLines(items: readonly PdfTextItemLike[]): PdfLine[] {
  return pageLines(items).lines;
}
