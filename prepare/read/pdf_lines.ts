/**
 * Groups the text items pdf.js extracts from one page into lines. Items come
 * in content-stream order, which is the reading order that PDF producers
 * write; they are not re-sorted by position, since geometric sorting breaks
 * multi-column text more often than it fixes it. A line ends at an item
 * marked `hasEOL` or when the baseline moves by more than about half the font
 * size (a superscript stays on its line).
 *
 * @module
 */

/** The fields of a pdf.js text item that lines are built from. */
export interface PdfTextItemLike {
  str?: string;
  /** `[a, b, c, d, e, f]`: the font size is `hypot(c, d)`, the baseline `f`. */
  transform?: number[];
  hasEOL?: boolean;
}

/** One line of text on a PDF page. */
export interface PdfLine {
  /** Whitespace-collapsed text; never empty. */
  text: string;
  /** Font size (points) of the most characters on the line. */
  size: number;
  /** Baseline height on the page (points from the bottom). */
  y: number;
}

interface OpenLine {
  parts: string[];
  y: number;
  charsBySize: Map<number, number>;
}

function closeLine(open: OpenLine, out: PdfLine[]): void {
  const text = open.parts.join("").replace(/\s+/g, " ").trim();
  if (text === "") return;
  let size = 0;
  let most = -1;
  for (const [s, chars] of open.charsBySize) {
    if (chars > most) [size, most] = [s, chars];
  }
  out.push({ text, size, y: open.y });
}

/** Builds the lines of one page from its text items. */
export function pdfLines(items: readonly PdfTextItemLike[]): PdfLine[] {
  const out: PdfLine[] = [];
  let open: OpenLine | undefined;
  let openSize = 0;
  for (const item of items) {
    const str = item.str ?? "";
    const t = item.transform ?? [1, 0, 0, 1, 0, 0];
    const size = Math.round(Math.hypot(t[2], t[3]) * 10) / 10;
    const y = t[5];
    if (str !== "") {
      if (open && Math.abs(y - open.y) > 0.6 * Math.max(size, openSize)) {
        closeLine(open, out);
        open = undefined;
      }
      if (!open) {
        open = { parts: [], y, charsBySize: new Map() };
        openSize = 0;
      }
      open.parts.push(str);
      const chars = str.replace(/\s/g, "").length;
      if (chars > 0) {
        open.charsBySize.set(size, (open.charsBySize.get(size) ?? 0) + chars);
        openSize = Math.max(openSize, size);
      }
    }
    if (item.hasEOL && open) {
      closeLine(open, out);
      open = undefined;
    }
  }
  if (open) closeLine(open, out);
  return out;
}
