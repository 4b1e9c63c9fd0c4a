/**
 * A tiny zip writer for test fixtures and benchmarks: stored or deflated
 * entries, with the option to lie about an entry's declared size (as zip
 * bombs do), and a minimal Word document (`.docx`) built on it.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { crc32, deflateRawSync } from "node:zlib";

/** One entry of a zip archive. */
export interface ZipEntrySpec {
  name: string;
  /** The entry's content (inflated). */
  data: Uint8Array | string;
  /** Store instead of deflating. @default false */
  stored?: boolean;
  /** The inflated size written into the headers. @default the real size */
  declaredSize?: number;
  /** Already-deflated bytes standing for `data` (big bombs); the CRC is then not checked by readers here. */
  deflated?: Uint8Array;
  /** Write the central directory's sizes in a Zip64 extra field (0xFFFFFFFF in the header). @default false */
  zip64?: boolean;
}

function bytesOf(data: Uint8Array | string): Uint8Array {
  return typeof data === "string" ? new TextEncoder().encode(data) : data;
}

/** Writes a zip archive (no encryption; Zip64 sizes per entry on request) and returns its bytes. */
export function makeZip(entries: ZipEntrySpec[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = bytesOf(entry.data);
    const name = new TextEncoder().encode(entry.name);
    const body = entry.deflated ?? (entry.stored ? data : deflateRawSync(data));
    const size = entry.declaredSize ?? data.length;
    const crc = crc32(Buffer.from(data.buffer, data.byteOffset, data.byteLength)) >>> 0;
    const method = entry.stored && !entry.deflated ? 0 : 8;
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(8, method, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, body.length, true);
    local.setUint32(22, size, true);
    local.setUint16(26, name.length, true);
    const central = new DataView(new ArrayBuffer(46));
    central.setUint32(0, 0x02014b50, true);
    central.setUint16(4, 20, true);
    central.setUint16(6, 20, true);
    central.setUint16(10, method, true);
    central.setUint32(16, crc, true);
    central.setUint32(20, entry.zip64 ? 0xffffffff : body.length, true);
    central.setUint32(24, entry.zip64 ? 0xffffffff : size, true);
    central.setUint16(28, name.length, true);
    central.setUint32(42, offset, true);
    // Zip64 extended information: the sizes in the order the header fields come (size first).
    const extra = new DataView(new ArrayBuffer(entry.zip64 ? 20 : 0));
    if (entry.zip64) {
      central.setUint16(30, 20, true);
      extra.setUint16(0, 1, true);
      extra.setUint16(2, 16, true);
      extra.setBigUint64(4, BigInt(size), true);
      extra.setBigUint64(12, BigInt(body.length), true);
    }
    locals.push(new Uint8Array(local.buffer), name, body);
    centrals.push(new Uint8Array(central.buffer), name, new Uint8Array(extra.buffer));
    offset += 30 + name.length + body.length;
  }
  const centralSize = centrals.reduce((n, part) => n + part.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  const parts = [...locals, ...centrals, new Uint8Array(end.buffer)];
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Deflates the concatenation of `parts` as one raw deflate stream, without
 * holding the inflated whole (bombs of hundreds of megabytes are built from
 * one repeated block).
 */
export async function deflateParts(parts: Iterable<Uint8Array<ArrayBuffer>>): Promise<Uint8Array> {
  const stream = new CompressionStream("deflate-raw");
  const writer = stream.writable.getWriter();
  const written = (async () => {
    for (const part of parts) await writer.write(part);
    await writer.close();
  })();
  const [deflated] = await Promise.all([new Response(stream.readable).bytes(), written]);
  return deflated;
}

function* repeated(
  block: Uint8Array<ArrayBuffer>,
  count: number,
): Generator<Uint8Array<ArrayBuffer>> {
  for (let i = 0; i < count; i++) yield block;
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>`;

const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`;

const DOCUMENT_OPEN = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`;
const DOCUMENT_CLOSE = `</w:body></w:document>`;

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** One paragraph of `document.xml`. */
export function docxParagraph(text: string): string {
  return `<w:p><w:r><w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r></w:p>`;
}

/** What {@linkcode makeDocx} writes. */
export interface DocxSpec {
  /** Paragraphs of plain text. */
  paragraphs: string[];
  /** Extra archive entries (a bomb, say). */
  extra?: ZipEntrySpec[];
}

/** Writes a minimal Word document that mammoth reads. */
export function makeDocx(spec: DocxSpec): Uint8Array {
  const document = DOCUMENT_OPEN + spec.paragraphs.map(docxParagraph).join("") + DOCUMENT_CLOSE;
  return makeZip([
    { name: "[Content_Types].xml", data: CONTENT_TYPES },
    { name: "_rels/.rels", data: ROOT_RELS },
    { name: "word/document.xml", data: document },
    ...(spec.extra ?? []),
  ]);
}

/** Options of {@linkcode makeDocxBomb}. */
export interface DocxBombOptions {
  /** The inflated size written into the headers (a bomb that lies). @default the real size */
  declaredSize?: number;
  /**
   * One paragraph of a single repeated letter (inflates about 1,000 times
   * its size) instead of many paragraphs of words (about 30 times).
   * @default false
   */
  run?: boolean;
  /** Extra archive entries (an image, say). @default [] */
  extra?: ZipEntrySpec[];
}

/** A `.docx` whose `word/document.xml` inflates to about `bytes` bytes. */
export async function makeDocxBomb(
  bytes: number,
  options: DocxBombOptions = {},
): Promise<Uint8Array> {
  const encoder = new TextEncoder();
  const [open, unit, close] = options.run
    ? [
      DOCUMENT_OPEN + "<w:p><w:r><w:t>",
      encoder.encode("a".repeat(4096)),
      "</w:t></w:r></w:p>" + DOCUMENT_CLOSE,
    ]
    : [
      DOCUMENT_OPEN,
      encoder.encode(docxParagraph("harbour tide vessel ".repeat(20))),
      DOCUMENT_CLOSE,
    ];
  const count = Math.ceil(bytes / unit.length);
  const head = encoder.encode(open);
  const tail = encoder.encode(close);
  const deflated = await deflateParts([head, ...repeated(unit, count), tail]);
  const size = head.length + unit.length * count + tail.length;
  return makeZip([
    { name: "[Content_Types].xml", data: CONTENT_TYPES },
    { name: "_rels/.rels", data: ROOT_RELS },
    {
      name: "word/document.xml",
      data: "",
      deflated,
      declaredSize: options.declaredSize ?? Math.min(size, 0xffffffff),
    },
    ...(options.extra ?? []),
  ]);
}
