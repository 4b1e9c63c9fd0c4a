import { readPdf } from "./prepare/read/read_pdf.ts";
import { formatSettings } from "./tests/_formats.ts";
const bytes = await Deno.readFile(Deno.args[0]);
const t = performance.now();
const doc = await readPdf({ bytes, fileName: "x.pdf", source: "x.pdf", owned: true }, formatSettings());
console.log(Deno.args[0], bytes.length, doc.markdown.length, Math.round(performance.now() - t), "ms", doc.warnings);
