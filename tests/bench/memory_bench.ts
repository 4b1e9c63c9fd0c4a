/**
 * Peak memory (issue 10): `quire add --jobs 1` of one large or hostile input
 * into a fresh knowledge base, as a whole process under `/usr/bin/time -v`
 * (maximum resident set size), against the 1 GiB bound, with the default
 * limits. The inputs are generated in a temporary folder at run time
 * (`_large_inputs.ts`, `tests/_make_zip.ts`, `tests/_hostile_corpus.ts`):
 *
 * - text at the size the issue measured: 500 MB `.txt`, 200 MB `.md`, a
 *   2-million-row CSV, a 100,000-page PDF;
 * - the largest inputs the limits let through whole: a PDF just under
 *   `limits.maxInputBytes` (one big image), a `.docx` whose text parts are
 *   just under `limits.maxInflatedBytes`, an HTML file of 8 MiB of nested
 *   elements;
 * - zip bombs: one inflating to 1 GB of one letter, one to 300 MB of
 *   paragraphs, one to 300 MB while declaring 1 KB; a PDF whose content
 *   stream inflates to 1 GB; a PDF page drawing 50 MB of text;
 * - pathological shapes, for their time: a 20,000-page PDF with one flat
 *   `/Kids` array, 1,000 and 10,000 nested `<div>`s, 600 KB of unbalanced
 *   `[`.
 *
 * Run: `deno task bench memory` (`--quick`: small sizes, to check it runs).
 *
 * @module
 */

import { join } from "node:path";
import type { AddResult } from "../../commit/mod.ts";
import { makeDocx, makeDocxBomb } from "../_make_zip.ts";
import { deepHtml, makeFlatePdf } from "../_hostile_corpus.ts";
import { makePdf } from "../_make_pdf.ts";
import { removeTree, runCli } from "./_bench_cli.ts";
import { type BenchOptions, isQuick } from "./_bench_options.ts";
import { fixed, markdownTable } from "./_bench_stats.ts";
import {
  writeDenseHtml,
  writeImagePdf,
  writeLargeCsv,
  writeLargeMarkdown,
  writeLargePdf,
  writeLargeText,
  writeOneLinePdf,
} from "./_large_inputs.ts";

/** The bound every input must stay under at `--jobs 1`. */
const BOUND_KIB = 1024 * 1024;

interface MemoryCase {
  label: string;
  file: string;
  write: (path: string) => Promise<void>;
}

function cases(quick: boolean): MemoryCase[] {
  const scale = quick ? 0.01 : 1;
  const mb = (n: number) => Math.round(n * 1e6 * scale);
  // Generated when its turn comes, not all at once.
  const bytes = (make: () => Uint8Array | Promise<Uint8Array>) => async (path: string) =>
    await Deno.writeFile(path, await make());
  const flatPages = quick ? 500 : 20_000;
  return [
    { label: "500 MB .txt", file: "big.txt", write: (p) => writeLargeText(p, mb(500)) },
    { label: "200 MB .md", file: "big.md", write: (p) => writeLargeMarkdown(p, mb(200)) },
    {
      label: "2,000,000-row CSV",
      file: "rows.csv",
      write: (p) => writeLargeCsv(p, Math.round(2_000_000 * scale)),
    },
    {
      label: "100,000-page PDF",
      file: "pages.pdf",
      write: (p) => writeLargePdf(p, Math.round(100_000 * scale)),
    },
    { label: "500 MB PDF (one image)", file: "scan.pdf", write: (p) => writeImagePdf(p, mb(500)) },
    {
      label: "500 MB PDF, one page of text on one line",
      file: "one-line.pdf",
      write: (p) => writeOneLinePdf(p, mb(500)),
    },
    {
      label: ".docx with 8 MB of text parts (the limit)",
      file: "long.docx",
      write: bytes(() => makeDocxBomb(mb(8))),
    },
    {
      label: "500 MB .docx: an image and 8 MB of text parts",
      file: "heavy.docx",
      write: bytes(() => heavyDocx(mb(490), mb(8))),
    },
    {
      label: "8 MiB HTML, nested 20 deep",
      file: "dense.html",
      write: (p) => writeDenseHtml(p, 8 * 1024 * 1024 * scale),
    },
    {
      label: "zip bomb inflating to 1 GB (one letter)",
      file: "bomb-run.docx",
      write: bytes(() => makeDocxBomb(mb(1000), { run: true })),
    },
    {
      label: "zip bomb inflating to 300 MB (paragraphs)",
      file: "bomb-words.docx",
      write: bytes(() => makeDocxBomb(mb(300))),
    },
    {
      label: "zip bomb inflating to 300 MB, declaring 1 KB",
      file: "bomb-lying.docx",
      write: bytes(() => makeDocxBomb(mb(300), { run: true, declaredSize: 1000 })),
    },
    {
      label: "PDF compression bomb inflating to 1 GB",
      file: "bomb.pdf",
      write: bytes(() => makeFlatePdf(mb(1000))),
    },
    {
      label: "PDF of one page with a 50 MB content stream",
      file: "one-page.pdf",
      write: bytes(() => onePagePdf(mb(50))),
    },
    {
      label: `${flatPages.toLocaleString("en-US")}-page PDF, flat /Kids`,
      file: "flat.pdf",
      write: bytes(() =>
        makePdf({
          pages: Array.from(
            { length: flatPages },
            (_, i) => ({ lines: [{ text: `Page ${i + 1}` }] }),
          ),
        })
      ),
    },
    {
      label: "1,000 nested `<div>`s",
      file: "deep-1000.html",
      write: bytes(() => text(deepHtml(1000))),
    },
    {
      label: "10,000 nested `<div>`s",
      file: "deep-10000.html",
      write: bytes(() => text(deepHtml(10_000))),
    },
    {
      label: "600 KB of unbalanced `[`",
      file: "brackets.md",
      write: bytes(() => text("# Brackets\n\n" + "[".repeat(600_000) + " harbour\n")),
    },
    {
      label: "small .docx (baseline)",
      file: "small.docx",
      write: bytes(() => makeDocx({ paragraphs: ["Tide tables", "High water at noon."] })),
    },
  ];
}

/** A `.docx` holding a stored (uncompressed) image of `image` bytes and `text` bytes of XML. */
function heavyDocx(image: number, text: number): Promise<Uint8Array> {
  const picture = new Uint8Array(image);
  const block = Uint8Array.from({ length: 1 << 16 }, (_, i) => (i * 31) & 0xff);
  for (let at = 0; at < image; at += block.length) {
    picture.set(block.subarray(0, Math.min(block.length, image - at)), at);
  }
  return makeDocxBomb(text, {
    extra: [{ name: "word/media/image1.png", data: picture, stored: true }],
  });
}

/** A one-page PDF whose page draws about `bytes` bytes of text operators (70 bytes a line). */
function onePagePdf(bytes: number): Uint8Array {
  const lines = Array.from(
    { length: Math.ceil(bytes / 70) },
    () => ({ text: "The harbour tide turned at the berth." }),
  );
  return makePdf({ pages: [{ lines }] });
}

function text(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

function outcome(stdout: string): string {
  try {
    const result = JSON.parse(stdout) as AddResult;
    if (result.failed.length > 0) return `failed ${result.failed[0].code}`;
    if (result.added.length > 0) return "added";
    return result.skipped[0]?.reason ?? "nothing";
  } catch {
    return "no result";
  }
}

/** Runs the `memory` case and returns the report lines. */
export async function benchMemory(options: BenchOptions = {}): Promise<string[]> {
  const quick = isQuick(options);
  const dir = await Deno.makeTempDir({ prefix: "quire-bench-memory-" });
  const rows: string[][] = [];
  try {
    for (const [i, item] of cases(quick).entries()) {
      const path = join(dir, item.file);
      await item.write(path);
      const size = (await Deno.stat(path)).size;
      const kb = join(dir, `kb-${i}`);
      const run = await runCli(["--kb", kb, "add", "--jobs", "1", "--json", path], {
        measure: true,
        check: false,
      });
      const rss = run.maxRssKib;
      rows.push([
        item.label,
        fixed(size / 1e6, size < 1e6 ? 2 : 0),
        outcome(run.stdout),
        fixed(run.ms / 1000, 1),
        rss === null ? "–" : fixed(rss / 1024, 0),
        rss === null ? "–" : rss < BOUND_KIB ? "yes" : "**NO**",
      ]);
      await removeTree(path);
      await removeTree(kb);
    }
  } finally {
    await removeTree(dir);
  }
  return [
    "## memory: peak RSS of one large or hostile input at --jobs 1 (bound: 1 GiB)",
    "",
    "`quire add --jobs 1` of each input into a fresh knowledge base, default limits, whole process.",
    "",
    ...markdownTable(["input", "file MB", "result", "wall s", "max RSS MiB", "under 1 GiB"], rows),
  ];
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick") ? true : undefined;
  for (const line of await benchMemory({ quick })) console.log(line);
}
