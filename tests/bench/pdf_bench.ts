/**
 * PDF extraction throughput: `readPdf` on a generated 60-page PDF and on the
 * real PDFs found under /usr/share/doc (up to three), next to poppler's
 * `pdftotext` on the same files when it is installed
 * (`apt-get install poppler-utils`).
 *
 * readPdf is timed in-process: the first run (which also loads pdf.js) and
 * the median of three warm runs. pdftotext is timed as a whole process (its
 * normal use), median of three. The ratio is warm readPdf time over
 * pdftotext time (above 1 means readPdf is slower).
 *
 * Run: `deno run -A tests/bench/pdf_bench.ts`
 *
 * @module
 */

import { readPdf } from "../../prepare/read/read_pdf.ts";
import { formatSettings } from "../_formats.ts";
import { makePdf, type PdfLine } from "../_make_pdf.ts";

const WORDS = (
  "river tide harbour vessel pilot mooring channel delta estuary current sediment lock " +
  "quay berth cargo beacon lantern keeper chart sounding depth shoal buoy anchor"
).split(" ");

/** A deterministic multi-page PDF: a heading every fifth page, 44 lines of prose per page. */
export function generatedPdf(pages: number): Uint8Array {
  let n = 0;
  const word = () => WORDS[(n = (n * 7 + 3) % 9973) % WORDS.length];
  return makePdf({
    title: "Generated benchmark report",
    pages: Array.from({ length: pages }, (_, p) => {
      const lines: PdfLine[] = [];
      if (p % 5 === 0) lines.push({ text: `Chapter ${p / 5 + 1}`, size: 18, bold: true });
      while (lines.length < 44) {
        lines.push({ text: Array.from({ length: 12 }, word).join(" ") + ".", size: 10 });
      }
      return { lines };
    }),
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function findPdfs(root: string, limit: number): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, depth: number) => {
    if (depth > 6 || found.length >= limit) return;
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path, depth + 1);
      else if (entry.isFile && entry.name.toLowerCase().endsWith(".pdf")) found.push(path);
      if (found.length >= limit) return;
    }
  };
  await walk(root, 0);
  return found;
}

async function hasPdftotext(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("pdftotext", { args: ["-v"], stderr: "null" })
      .output();
    return success;
  } catch {
    return false;
  }
}

async function timePdftotext(path: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const { success } = await new Deno.Command("pdftotext", {
      args: ["-q", path, "-"],
      stdout: "null",
      stderr: "null",
    }).output();
    if (!success) throw new Error(`pdftotext failed on '${path}'`);
    times.push(performance.now() - started);
  }
  return median(times);
}

async function timeReadPdf(bytes: Uint8Array, name: string) {
  const settings = formatSettings();
  const input = { bytes, fileName: name, source: name };
  let started = performance.now();
  const doc = await readPdf(input, settings);
  const first = performance.now() - started;
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) {
    started = performance.now();
    await readPdf(input, settings);
    warm.push(performance.now() - started);
  }
  return { pages: doc.pageCount ?? 0, chars: doc.markdown.length, first, warm: median(warm) };
}

const rate = (pages: number, ms: number) => `${(pages / (ms / 1000)).toFixed(0)} pages/s`;

/** Runs the benchmark and returns the lines to print. */
export async function benchPdf(): Promise<string[]> {
  const lines = ["PDF extraction throughput (readPdf = unpdf/pdf.js; pdftotext = poppler)"];
  const generated = await Deno.makeTempFile({ prefix: "quire-bench-", suffix: ".pdf" });
  try {
    await Deno.writeFile(generated, generatedPdf(60));
    const files = [generated, ...await findPdfs("/usr/share/doc", 3)];
    const poppler = await hasPdftotext();
    if (!poppler) lines.push("  pdftotext not installed: readPdf figures only");
    for (const path of files) {
      const label = path === generated ? "generated 60-page PDF" : path;
      const bytes = await Deno.readFile(path);
      const ours = await timeReadPdf(bytes, path);
      let line = `  ${label}: ${ours.pages} pages, ${(bytes.length / 1024).toFixed(0)} KiB; ` +
        `readPdf first ${ours.first.toFixed(0)} ms, warm ${ours.warm.toFixed(0)} ms ` +
        `(${rate(ours.pages, ours.warm)})`;
      if (poppler) {
        const theirs = await timePdftotext(path);
        line += `; pdftotext ${theirs.toFixed(0)} ms (${rate(ours.pages, theirs)}); ` +
          `ratio ${(ours.warm / theirs).toFixed(2)}×`;
      }
      lines.push(line);
    }
  } finally {
    await Deno.remove(generated).catch(() => {});
  }
  return lines;
}

if (import.meta.main) {
  for (const line of await benchPdf()) console.log(line);
}
