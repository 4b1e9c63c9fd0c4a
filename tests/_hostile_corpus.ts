/**
 * The hostile-input corpus, built by code in a temporary folder (nothing
 * large is committed): zip bombs, inputs over the size limits, pathological
 * shapes of each format, special files and symlinks, next to good inputs.
 *
 * The tests lower the limits in the knowledge base's config
 * ({@linkcode HOSTILE_LIMITS}) so that small files exercise every guard;
 * the benchmark (`tests/bench/memory_bench.ts`) runs the real sizes.
 *
 * @module
 */

import { join } from "node:path";
import { deflateParts, docxParagraph, makeDocx, makeDocxBomb, makeZip } from "./_make_zip.ts";
import { makePdf } from "./_make_pdf.ts";
import { writeFiles } from "./_helpers.ts";

/** The `limits` the hostile tests write into the config. */
export const HOSTILE_LIMITS = {
  maxInputBytes: 256 * 1024,
  maxTextBytes: 64 * 1024,
  maxInflatedBytes: 64 * 1024,
  maxCompressionRatio: 100,
};

/** One hostile input: its file name and what adding it must give. */
export interface HostileCase {
  file: string;
  /** `failed` with this code and a message matching `message`, or committed with `page` on its source page. */
  expect:
    | { failed: string; message: RegExp }
    | { added: true; page?: RegExp; warning?: RegExp };
}

function words(count: number): string {
  const list = ["harbour", "tide", "vessel", "berth", "cargo", "crane", "pilot", "anchor"];
  return Array.from({ length: count }, (_, i) => list[i % list.length]).join(" ");
}

/** A markdown file of `bytes` bytes: paragraphs under headings. */
function longMarkdown(bytes: number): string {
  let text = "# Long log\n\n";
  for (let i = 0; text.length < bytes; i++) {
    text += i % 10 === 0 ? `## Part ${i / 10 + 1}\n\n` : `Entry ${i}: ${words(14)}.\n\n`;
  }
  return text;
}

/**
 * Writes the hostile corpus into `dir` and returns the cases with what each
 * must give; good inputs are the ones expected `added`.
 */
export async function writeHostileCorpus(dir: string): Promise<HostileCase[]> {
  const zeros = new Uint8Array(1024 * 1024);
  const bombEntry = await deflateParts([zeros, zeros, zeros, zeros]);
  const cases: HostileCase[] = [];
  const files: Record<string, string | Uint8Array> = {};
  const add = (file: string, content: string | Uint8Array, expect: HostileCase["expect"]) => {
    files[file] = content;
    cases.push({ file, expect });
  };

  add("good-note.md", "# Good note\n\nThe harbour opens at dawn.\n", { added: true });
  add("good-word.docx", makeDocx({ paragraphs: ["Tide tables", words(40)] }), { added: true });
  // Zip bombs: a high ratio, text parts over maxInflatedBytes, a lying declared size,
  // a bomb in a binary entry, and a stored (uncompressed) part over the limit.
  add("bomb-ratio.docx", await makeDocxBomb(4 * 1024 * 1024, { run: true }), {
    failed: "TOO_LARGE",
    message:
      /entry 'word\/document\.xml' inflates to more than 100 times its compressed size \(limits\.maxCompressionRatio/,
  });
  add(
    "bomb-lying.docx",
    await makeDocxBomb(200 * 1024, { declaredSize: 1000 }),
    {
      failed: "TOO_LARGE",
      message: /its text parts inflate to more than 64 KiB \(limits\.maxInflatedBytes/,
    },
  );
  add(
    "bomb-media.docx",
    makeDocx({
      paragraphs: ["A document with a bomb for an image"],
      extra: [{ name: "word/media/image1.png", data: "", deflated: bombEntry, declaredSize: 100 }],
    }),
    { failed: "TOO_LARGE", message: /it inflates to more than 256 KiB \(limits\.maxInputBytes/ },
  );
  add(
    "bomb-stored.docx",
    makeZip([
      { name: "[Content_Types].xml", data: "<Types/>" },
      {
        name: "word/document.xml",
        data: `<w:document>${docxParagraph(words(20000))}</w:document>`,
        stored: true,
      },
    ]),
    {
      failed: "TOO_LARGE",
      message: /its text parts inflate to more than 64 KiB \(limits\.maxInflatedBytes/,
    },
  );
  // Over maxInputBytes: refused before it is read.
  add("huge.txt", "x".repeat(300 * 1024), {
    failed: "TOO_LARGE",
    message:
      /the file is 300 KiB, more than 256 KiB \(limits\.maxInputBytes in \.quire\/config\.json\)$/,
  });
  // Over maxTextBytes: converted from the head, with a cut note.
  add("long.md", longMarkdown(100 * 1024), {
    added: true,
    page:
      /\*\*Cut here\.\*\* Quire converted only the first [\d.]+ KiB \([\d,]+ lines\) of this [\d.]+ KiB file \(limits\.maxTextBytes\)/,
    warning:
      /- Warning: converted only the first [\d.]+ KiB \([\d,]+ lines\) of this [\d.]+ KiB file \(limits\.maxTextBytes\)/,
  });
  add(
    "rows.csv",
    "id,name\n" + Array.from({ length: 15000 }, (_, i) => `${i},row ${i}`).join("\n"),
    {
      added: true,
      page: /Cut here/,
    },
  );
  add(
    "pages.pdf",
    makePdf({
      pages: Array.from({ length: 150 }, (_, i) => ({
        lines: Array.from(
          { length: 12 },
          (_, j) => ({ text: `Page ${i + 1} line ${j}: ${words(8)}` }),
        ),
      })),
    }),
    { added: true, page: /Quire converted only pages 1–\d+ of 150 \(limits\.maxTextBytes\)/ },
  );
  // Pathological shapes.
  add("deep-1000.html", deepHtml(1000), {
    added: true,
    warning: /nested deeper than 128 levels were reduced to their text/,
  });
  add("deep-10001.html", deepHtml(10_001, "i"), {
    failed: "TOO_LARGE",
    message: /its elements nest more than 10,000 levels deep$/,
  });
  add("bomb-flate.pdf", await makeFlatePdf(8 * 1024 * 1024), {
    failed: "TOO_LARGE",
    message: /a stream of the PDF inflates to more than 100 times its compressed size/,
  });
  add("brackets.md", "# Brackets\n\n" + "[".repeat(60_000) + " harbour tide\n", {
    added: true,
    page: /\[{60000} harbour tide/,
  });
  await writeFiles(dir, files);
  return cases;
}

/**
 * A one-page PDF whose content stream (or, with `image`, an image on the
 * page) is `/FlateDecode` data inflating to about `bytes` bytes of
 * repeated drawing operators: a PDF compression bomb.
 */
export async function makeFlatePdf(
  bytes: number,
  options: { image?: boolean } = {},
): Promise<Uint8Array> {
  const unit = new TextEncoder().encode("0 0 m 10 10 l S\n".repeat(4096));
  const parts = Array.from({ length: Math.ceil(bytes / unit.length) }, () => unit);
  const stream = new CompressionStream("deflate");
  const writer = stream.writable.getWriter();
  const written = (async () => {
    for (const part of parts) await writer.write(part);
    await writer.close();
  })();
  const [data] = await Promise.all([new Response(stream.readable).bytes(), written]);
  const dictionary = options.image
    ? `/Type /XObject /Subtype /Image /Width 4096 /Height ${Math.ceil(bytes / 4096)} ` +
      "/ColorSpace /DeviceGray /BitsPerComponent 8"
    : "";
  const page = options.image
    ? "/Contents 6 0 R /Resources << /XObject << /Im1 5 0 R >> >>"
    : "/Contents 5 0 R";
  const objects: (string | Uint8Array)[][] = [
    ["<< /Type /Catalog /Pages 2 0 R >>"],
    ["<< /Type /Pages /Kids [4 0 R] /Count 1 >>"],
    ["<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"],
    [`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] ${page} >>`],
    [
      `<< ${dictionary} /Length ${data.length} /Filter /FlateDecode >>\nstream\n`,
      data,
      "\nendstream",
    ],
    ["<< /Length 24 >>\nstream\nBT /F1 9 Tf (x) Tj ET\nendstream"],
  ];
  const chunks: Uint8Array[] = [];
  let size = 0;
  const put = (part: string | Uint8Array) => {
    const bytes = typeof part === "string" ? new TextEncoder().encode(part) : part;
    chunks.push(bytes);
    size += bytes.length;
  };
  put("%PDF-1.4\n");
  const offsets = objects.map((body, i) => {
    const offset = size;
    put(`${i + 1} 0 obj\n`);
    body.forEach(put);
    put("\nendobj\n");
    return offset;
  });
  const xref = size;
  put(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`);
  for (const offset of offsets) put(`${String(offset).padStart(10, "0")} 00000 n \n`);
  put(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** An HTML page whose text sits `depth` elements (`tag`, default `div`) deep. */
export function deepHtml(depth: number, tag = "div"): string {
  return "<!doctype html><html><head><title>Deep page</title></head><body>" +
    `<${tag}>`.repeat(depth) + `<p>The deepest paragraph: ${words(30)}.</p>` +
    `</${tag}>`.repeat(depth) + "</body></html>";
}

/** Writes the config with {@linkcode HOSTILE_LIMITS} into knowledge base `kb` (created by `init`). */
export async function lowerLimits(kb: string): Promise<void> {
  const path = join(kb, ".quire", "config.json");
  const config = JSON.parse(await Deno.readTextFile(path));
  config.limits = { ...config.limits, ...HOSTILE_LIMITS };
  await Deno.writeTextFile(path, JSON.stringify(config, null, 2) + "\n");
}
