/**
 * A tiny PDF writer for test fixtures and benchmarks: pages of text lines in
 * the standard Helvetica fonts (any size), image-only pages (a "scan" with no
 * text layer), an optional outline (explicit or named destinations) and an
 * optional `/Title`. Streams are uncompressed, so the output is deterministic
 * and easy to inspect; text is encoded as Latin-1 (WinAnsi).
 *
 * @module
 */

/** One line of text on a page. */
export interface PdfLine {
  text: string;
  /** Font size in points. @default 11 */
  size?: number;
  /** Helvetica-Bold instead of Helvetica. @default false */
  bold?: boolean;
}

/** A page: lines of text, or a single grey image and no text at all. */
export type PdfPage = { lines: PdfLine[] } | { image: true };

/** An outline (bookmarks) entry pointing at a page (1-based). */
export interface PdfOutlineEntry {
  title: string;
  page: number;
  /** Use a named destination instead of an explicit one. @default false */
  named?: boolean;
  children?: PdfOutlineEntry[];
}

/** What {@linkcode makePdf} writes. */
export interface PdfSpec {
  pages: PdfPage[];
  outline?: PdfOutlineEntry[];
  /** The document information `/Title`. */
  title?: string;
}

function pdfString(text: string): string {
  return "(" + text.replace(/[\\()]/g, "\\$&") + ")";
}

function pageContent(page: PdfPage): string {
  if ("image" in page) return "q 480 0 0 640 66 76 cm /Im1 Do Q\n";
  let y = 750;
  let out = "";
  for (const line of page.lines) {
    const size = line.size ?? 11;
    y -= size * 1.5;
    const font = line.bold ? "F2" : "F1";
    out += `BT /${font} ${size} Tf 56 ${y.toFixed(1)} Td ${pdfString(line.text)} Tj ET\n`;
  }
  return out;
}

/** Writes a PDF file from `spec` and returns its bytes. */
export function makePdf(spec: PdfSpec): Uint8Array {
  const objects: string[] = [];
  const add = (body: string): number => objects.push(body);
  const reserve = (): number => objects.push("");

  const catalog = reserve();
  const pagesId = reserve();
  const font = add(
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica " +
      "/Encoding /WinAnsiEncoding >>",
  );
  const boldFont = add(
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold " +
      "/Encoding /WinAnsiEncoding >>",
  );
  const pixels = "\x40\xc0".repeat(32);
  const image = add(
    "<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray " +
      `/BitsPerComponent 8 /Length ${pixels.length} >>\nstream\n${pixels}\nendstream`,
  );
  const pageIds: number[] = [];
  for (const page of spec.pages) {
    const content = pageContent(page);
    const contentId = add(`<< /Length ${content.length} >>\nstream\n${content}endstream`);
    pageIds.push(add(
      `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 612 792] /Contents ${contentId} 0 R ` +
        `/Resources << /Font << /F1 ${font} 0 R /F2 ${boldFont} 0 R >> ` +
        `/XObject << /Im1 ${image} 0 R >> >> >>`,
    ));
  }
  objects[pagesId - 1] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] ` +
    `/Count ${pageIds.length} >>`;

  const names: string[] = [];
  const destination = (entry: PdfOutlineEntry): string => {
    const explicit = `[${pageIds[entry.page - 1]} 0 R /Fit]`;
    if (!entry.named) return explicit;
    const name = `dest${names.length + 1}`;
    names.push(`/${name} ${explicit}`);
    return `/${name}`;
  };
  const addEntries = (entries: PdfOutlineEntry[], parent: number): number[] => {
    const ids = entries.map(() => reserve());
    entries.forEach((entry, i) => {
      const kids = addEntries(entry.children ?? [], ids[i]);
      let body = `<< /Title ${pdfString(entry.title)} /Parent ${parent} 0 R ` +
        `/Dest ${destination(entry)}`;
      if (i > 0) body += ` /Prev ${ids[i - 1]} 0 R`;
      if (i < ids.length - 1) body += ` /Next ${ids[i + 1]} 0 R`;
      if (kids.length > 0) {
        body += ` /First ${kids[0]} 0 R /Last ${kids[kids.length - 1]} 0 R /Count ${kids.length}`;
      }
      objects[ids[i] - 1] = body + " >>";
    });
    return ids;
  };
  let catalogBody = `<< /Type /Catalog /Pages ${pagesId} 0 R`;
  if (spec.outline && spec.outline.length > 0) {
    const outlines = reserve();
    const top = addEntries(spec.outline, outlines);
    objects[outlines - 1] = `<< /Type /Outlines /First ${top[0]} 0 R ` +
      `/Last ${top[top.length - 1]} 0 R /Count ${top.length} >>`;
    catalogBody += ` /Outlines ${outlines} 0 R /PageMode /UseOutlines`;
    if (names.length > 0) catalogBody += ` /Dests << ${names.join(" ")} >>`;
  }
  objects[catalog - 1] = catalogBody + " >>";
  const info = spec.title === undefined ? 0 : add(`<< /Title ${pdfString(spec.title)} >>`);

  let out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R` +
    (info ? ` /Info ${info} 0 R` : "") + ` >>\nstartxref\n${xref}\n%%EOF\n`;
  return Uint8Array.from(out, (c) => c.charCodeAt(0) & 0xff);
}
