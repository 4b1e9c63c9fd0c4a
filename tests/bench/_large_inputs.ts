/**
 * Large inputs for the memory benchmark, written to disk in pieces so that
 * generating a 500 MB file costs the benchmark process little memory: plain
 * text, markdown, CSV, a PDF with a balanced page tree of any number of
 * pages, and zip bombs (from `tests/_make_zip.ts`).
 *
 * Content is deterministic (a fixed word list and a linear congruential
 * generator), so two runs measure the same files.
 *
 * @module
 */

import { HARBOUR_WORDS } from "../_helpers.ts";

const encoder = new TextEncoder();

/** A writer that appends encoded text to a file in pieces. */
class PieceWriter {
  #file: Deno.FsFile;
  #parts: string[] = [];
  #pending = 0;
  written = 0;

  constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  async write(text: string): Promise<void> {
    this.#parts.push(text);
    this.#pending += text.length;
    if (this.#pending >= 1 << 20) await this.flush();
  }

  async writeBytes(bytes: Uint8Array): Promise<void> {
    await this.flush();
    await this.#put(bytes);
  }

  async flush(): Promise<void> {
    if (this.#parts.length === 0) return;
    const bytes = encoder.encode(this.#parts.join(""));
    this.#parts = [];
    this.#pending = 0;
    await this.#put(bytes);
  }

  async #put(bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.length;) at += await this.#file.write(bytes.subarray(at));
    this.written += bytes.length;
  }
}

async function withWriter(path: string, body: (out: PieceWriter) => Promise<void>) {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  const out = new PieceWriter(file);
  await body(out);
  await out.flush();
}

/** Deterministic sentences from the shared word list. */
function sentences(): () => string {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  return () => {
    const words = Array.from({ length: 12 }, () => HARBOUR_WORDS[next() % HARBOUR_WORDS.length]);
    return words.join(" ") + ".";
  };
}

/** Writes about `bytes` bytes of plain text (paragraphs of four lines). */
export async function writeLargeText(path: string, bytes: number): Promise<void> {
  const sentence = sentences();
  await withWriter(path, async (out) => {
    let size = 0;
    for (let line = 0; size < bytes; line++) {
      const text = sentence() + (line % 4 === 3 ? "\n\n" : "\n");
      size += text.length;
      await out.write(text);
    }
  });
}

/** Writes about `bytes` bytes of markdown: a heading every ten paragraphs. */
export async function writeLargeMarkdown(path: string, bytes: number): Promise<void> {
  const sentence = sentences();
  await withWriter(path, async (out) => {
    let size = 0;
    for (let block = 0; size < bytes; block++) {
      const text = block % 10 === 0
        ? `## Section ${block / 10 + 1}\n\n`
        : `${sentence()} ${sentence()} [a link](https://example.org/${block}).\n\n`;
      size += text.length;
      await out.write(text);
    }
  });
}

/** Writes a CSV of `rows` rows (plus a header) of four columns. */
export async function writeLargeCsv(path: string, rows: number): Promise<void> {
  await withWriter(path, async (out) => {
    await out.write("id,berth,vessel,note\n");
    for (let i = 0; i < rows; i++) {
      const word = HARBOUR_WORDS[i % HARBOUR_WORDS.length];
      await out.write(`${i},B${i % 40},${word} ${i % 977},"arrived, ${word}"\n`);
    }
  });
}

/**
 * Writes a PDF of `pages` pages of two text lines each, with a balanced
 * page tree (at most 32 kids per node), objects written one by one.
 */
export async function writeLargePdf(path: string, pages: number): Promise<void> {
  await withWriter(path, async (out) => {
    const offsets: number[] = [];
    const object = async (id: number, body: string) => {
      await out.flush();
      offsets[id] = out.written;
      await out.write(`${id} 0 obj\n${body}\nendobj\n`);
    };
    await out.write("%PDF-1.4\n");
    // 1: catalog, 2: font; then per page a content stream and the page; then the tree.
    let next = 3;
    const pageIds: number[] = [];
    for (let p = 0; p < pages; p++) {
      const content = `BT /F1 11 Tf 56 740 Td (Page ${p + 1} of the harbour log.) Tj ET\n` +
        `BT /F1 11 Tf 56 720 Td (The tide turned at berth ${p % 40}.) Tj ET\n`;
      await object(next, `<< /Length ${content.length} >>\nstream\n${content}endstream`);
      pageIds.push(next + 1);
      next += 2;
    }
    // The tree, bottom up: groups of 32 under a new node until one node is left.
    const parentOf = new Map<number, number>();
    const nodes: { id: number; kids: number[]; count: number }[] = [];
    let level = pageIds.map((id) => ({ id, count: 1 }));
    do {
      const up: { id: number; count: number }[] = [];
      for (let i = 0; i < level.length; i += 32) {
        const group = level.slice(i, i + 32);
        const node = { id: next++, kids: group.map((kid) => kid.id), count: 0 };
        node.count = group.reduce((n, kid) => n + kid.count, 0);
        for (const kid of group) parentOf.set(kid.id, node.id);
        nodes.push(node);
        up.push(node);
      }
      level = up;
    } while (level.length > 1);
    const rootId = level[0].id;
    for (let p = 0; p < pages; p++) {
      const id = pageIds[p];
      await object(
        id,
        `<< /Type /Page /Parent ${parentOf.get(id)} 0 R /MediaBox [0 0 612 792] ` +
          `/Contents ${id - 1} 0 R /Resources << /Font << /F1 2 0 R >> >> >>`,
      );
    }
    for (const node of nodes) {
      const parent = node.id === rootId ? "" : ` /Parent ${parentOf.get(node.id)} 0 R`;
      const kids = node.kids.map((kid) => `${kid} 0 R`).join(" ");
      await object(node.id, `<< /Type /Pages${parent} /Kids [${kids}] /Count ${node.count} >>`);
    }
    await object(1, `<< /Type /Catalog /Pages ${rootId} 0 R >>`);
    await object(2, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    await out.flush();
    const xref = out.written;
    await out.write(`xref\n0 ${next}\n0000000000 65535 f \n`);
    for (let id = 1; id < next; id++) {
      await out.write(`${String(offsets[id] ?? 0).padStart(10, "0")} 00000 n \n`);
    }
    await out.write(`trailer\n<< /Size ${next} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  });
}

/**
 * Writes a PDF of one text page that also holds an image of about `bytes`
 * bytes (never decoded for text): the largest PDF the limits allow is
 * parsed whole, so this is the worst case for a PDF's memory.
 */
export async function writeImagePdf(path: string, bytes: number): Promise<void> {
  await withWriter(path, async (out) => {
    const offsets: number[] = [];
    const object = async (id: number, body: string) => {
      await out.flush();
      offsets[id] = out.written;
      await out.write(`${id} 0 obj\n${body}\nendobj\n`);
    };
    await out.write("%PDF-1.4\n");
    await object(1, "<< /Type /Catalog /Pages 2 0 R >>");
    await object(2, "<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
    await object(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    await object(
      4,
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R " +
        "/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 6 0 R >> >> >>",
    );
    const content = "BT /F1 12 Tf 56 700 Td (A harbour chart with a large scan.) Tj ET\n";
    await object(5, `<< /Length ${content.length} >>\nstream\n${content}endstream`);
    const width = 4096;
    const height = Math.ceil(bytes / width);
    await out.flush();
    offsets[6] = out.written;
    await out.write(
      `6 0 obj\n<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} ` +
        `/ColorSpace /DeviceGray /BitsPerComponent 8 /Length ${width * height} >>\nstream\n`,
    );
    const row = new Uint8Array(width * 256).fill(128);
    for (let done = 0; done < height; done += 256) {
      await out.writeBytes(row.subarray(0, width * Math.min(256, height - done)));
    }
    await out.write("\nendstream\nendobj\n");
    await out.flush();
    const xref = out.written;
    await out.write("xref\n0 7\n0000000000 65535 f \n");
    for (let id = 1; id <= 6; id++) {
      await out.write(`${String(offsets[id]).padStart(10, "0")} 00000 n \n`);
    }
    await out.write(`trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  });
}

/** Writes about `bytes` bytes of HTML: paragraphs each nested 20 `<div>`s deep. */
export async function writeDenseHtml(path: string, bytes: number): Promise<void> {
  const sentence = sentences();
  await withWriter(path, async (out) => {
    await out.write("<!doctype html><html><head><title>Dense</title></head><body>\n");
    let size = 0;
    while (size < bytes) {
      const block = "<div>".repeat(20) + `<p>${sentence()}</p>` + "</div>".repeat(20) + "\n";
      size += block.length;
      await out.write(block);
    }
    await out.write("</body></html>\n");
  });
}

/**
 * Writes a one-page PDF whose page draws about `bytes` bytes of text, all of
 * it on one line (each run starts at the same point): the worst case for a
 * PDF, a file parsed whole whose text is as long as it can be.
 */
export async function writeOneLinePdf(path: string, bytes: number): Promise<void> {
  await withWriter(path, async (out) => {
    const offsets: number[] = [];
    const object = async (id: number, body: string) => {
      await out.flush();
      offsets[id] = out.written;
      await out.write(`${id} 0 obj\n${body}\nendobj\n`);
    };
    await out.write("%PDF-1.4\n");
    await object(1, "<< /Type /Catalog /Pages 2 0 R >>");
    await object(2, "<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
    await object(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    await object(
      4,
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R " +
        "/Resources << /Font << /F1 3 0 R >> >> >>",
    );
    const line =
      "BT /F1 11 Tf 56 700 Td (The harbour tide vessel berth cargo crane pilot.) Tj ET\n";
    const count = Math.ceil(bytes / line.length);
    await out.flush();
    offsets[5] = out.written;
    await out.write(`5 0 obj\n<< /Length ${line.length * count} >>\nstream\n`);
    const block = encoder.encode(line.repeat(10_000));
    for (let done = 0; done < count; done += 10_000) {
      await out.writeBytes(
        done + 10_000 <= count ? block : encoder.encode(line.repeat(count - done)),
      );
    }
    await out.write("endstream\nendobj\n");
    await out.flush();
    const xref = out.written;
    await out.write("xref\n0 6\n0000000000 65535 f \n");
    for (let id = 1; id <= 5; id++) {
      await out.write(`${String(offsets[id]).padStart(10, "0")} 00000 n \n`);
    }
    await out.write(`trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  });
}
