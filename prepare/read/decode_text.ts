/**
 * Bytes to text, never silently replacing characters.
 *
 * Order:
 * 1. A byte-order mark (UTF-8, UTF-16LE, UTF-16BE) decides.
 * 2. Strict UTF-8: bytes that are valid UTF-8 are UTF-8, whatever a page
 *    declares (pages that declare ISO-8859-1 but are UTF-8 are common; the
 *    reverse, Latin text that happens to be valid UTF-8, is not).
 * 3. A declared charset (an HTTP `Content-Type` or an HTML `<meta charset>`),
 *    when the bytes decode under it without error. A declared UTF-16 is
 *    ignored without a BOM, as browsers do.
 * 4. UTF-16 without a BOM: NUL bytes in at least 10% of the odd (LE) or even
 *    (BE) positions and in almost none of the others, and a strict decode.
 * 5. chardet's best guess when its confidence is at least 50% and it names
 *    a code page for a non-Latin script (Cyrillic, Greek, Japanese…).
 * 6. Single-byte Latin text (where chardet is weak: on a short Latin-1 text
 *    it may guess Latin-2 or Turkish): Windows-1252 (what browsers use for
 *    "Latin-1") is preferred whenever the text plainly is Western text:
 *    mostly (at least 40%) ASCII, no undefined bytes or control characters, and every
 *    non-ASCII character a letter or common punctuation, with no symbol
 *    (`¹ ¾ ± ¶ ¿`…) stuck inside a word. Another Latin code page wins only
 *    on strong evidence: Windows-1252 puts symbols inside words where
 *    ISO-8859-2 or Windows-1250 gives letters ("Zażółć", "Příliš"), or
 *    chardet names it with at least 80% confidence, 30 points above any
 *    Western guess.
 * Anything else is refused as `BAD_ENCODING`, naming chardet's best guess.
 * Every result must also be plausible: at most 10% of the first 64 Ki
 * characters may be control, private-use, unassigned or replacement
 * characters (tab, newlines, form feed and ESC are allowed).
 *
 * @module
 */

import { analyse } from "chardet";
import { InputError } from "../../core/errors.ts";

/** How the encoding was chosen. */
export type DecodedHow = "bom" | "declared" | "utf-8" | "detected";

/** The decoded text and the encoding it was read as. */
export interface DecodedText {
  text: string;
  /** Canonical WHATWG name of the encoding used, e.g. "utf-8", "windows-1252". */
  encoding: string;
  how: DecodedHow;
}

/** Options of {@linkcode decodeText}. */
export interface DecodeTextOptions {
  /** A charset label the input declares (HTTP header, HTML meta). @default undefined */
  declared?: string;
}

const SAMPLE_BYTES = 65536;
const SAMPLE_CHARS = 65536;
const IMPLAUSIBLE = /[\p{Cc}\p{Co}\p{Cn}\p{Cs}\uFFFD]/gu;
// deno-lint-ignore no-control-regex
const ALLOWED_CONTROLS = /[\t\n\v\f\r\x1b]/;
const WESTERN_PUNCTUATION = new Set(
  "\u00a0‘’‚“”„–—…«»‹›°€£¥¢§¶©®™·•¿¡½¼¾±×÷²³¹ºª´¨¸¯†‡‰",
);

function bomEncoding(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return undefined;
}

function strictDecode(bytes: Uint8Array, label: string): string | undefined {
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function canonicalLabel(label: string): string | undefined {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return undefined;
  }
}

/** True when at most 10% of the text's start is control, unassigned or replacement characters. */
export function plausibleText(text: string): boolean {
  const sample = text.slice(0, SAMPLE_CHARS);
  let bad = 0;
  for (const match of sample.matchAll(IMPLAUSIBLE)) {
    if (!ALLOWED_CONTROLS.test(match[0])) bad++;
  }
  return bad <= sample.length * 0.1;
}

function utf16WithoutBom(bytes: Uint8Array): string | undefined {
  const sample = bytes.subarray(0, SAMPLE_BYTES & ~1);
  if (sample.length < 4) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) i % 2 ? odd++ : even++;
  const half = sample.length / 2;
  if (odd >= half * 0.1 && even <= half * 0.01) return "utf-16le";
  if (even >= half * 0.1 && odd <= half * 0.01) return "utf-16be";
  return undefined;
}

/** Code pages of Latin-script languages, decided by {@linkcode latinCodePage}, not by chardet alone. */
const LATIN_PAGES = new Set([
  "windows-1252",
  "iso-8859-2",
  "iso-8859-3",
  "iso-8859-4",
  "iso-8859-10",
  "iso-8859-13",
  "iso-8859-14",
  "iso-8859-15",
  "iso-8859-16",
  "windows-1250",
  "windows-1254",
  "windows-1257",
]);
const WESTERN = new Set(["windows-1252", "iso-8859-1", "iso-8859-15"]);

/** How a single-byte decoding reads: counts of its non-ASCII characters by kind. */
interface LatinReading {
  nonAscii: number;
  /** Non-ASCII characters that are neither letters nor common punctuation, or sit badly. */
  odd: number;
  /** A control character, or a C1 character (an undefined byte). */
  broken: boolean;
}

function readLatin(text: string): LatinReading {
  const sample = text.slice(0, SAMPLE_CHARS);
  let nonAscii = 0;
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    if (code < 0x20 && !ALLOWED_CONTROLS.test(sample[i])) return { nonAscii, odd, broken: true };
    if (code < 0x80) continue;
    if (code <= 0x9f) return { nonAscii, odd, broken: true };
    nonAscii++;
    const char = sample[i];
    const inWord = /\p{L}/u.test(sample[i - 1] ?? "") && /\p{L}/u.test(sample[i + 1] ?? "");
    if (/\p{L}/u.test(char)) continue;
    // Punctuation is fine between words, never inside one ("Za¿ó³æ" is Polish read wrongly).
    if (!WESTERN_PUNCTUATION.has(char) || (inWord && !/[’·]/.test(char))) odd++;
  }
  return { nonAscii, odd, broken: false };
}

function cleanLatin(reading: LatinReading, length: number): boolean {
  return !reading.broken && reading.odd === 0 &&
    reading.nonAscii <= Math.min(length, SAMPLE_CHARS) * 0.6;
}

/**
 * Chooses a Latin code page for single-byte text; see rule 6 of the module
 * notes. Returns undefined when no Latin reading is clean.
 */
function latinCodePage(
  bytes: Uint8Array,
  guesses: { name: string; confidence: number }[],
): { text: string; encoding: string } | undefined {
  const best = guesses[0];
  const bestLabel = best ? canonicalLabel(best.name) : undefined;
  const westernConfidence = Math.max(
    0,
    ...guesses.filter((g) => WESTERN.has(canonicalLabel(g.name) ?? "")).map((g) => g.confidence),
  );
  if (
    best && bestLabel && LATIN_PAGES.has(bestLabel) && !WESTERN.has(bestLabel) &&
    best.confidence >= 80 && best.confidence - westernConfidence >= 30
  ) {
    const text = strictDecode(bytes, bestLabel);
    if (text !== undefined && plausibleText(text)) return { text, encoding: bestLabel };
  }
  for (const encoding of ["windows-1252", "iso-8859-2", "windows-1250"]) {
    const text = strictDecode(bytes, encoding);
    if (text !== undefined && cleanLatin(readLatin(text), text.length)) return { text, encoding };
  }
  return undefined;
}

function refuse(source: string, state: string): InputError {
  return new InputError("BAD_ENCODING", `Cannot read '${source}': ${state}`, source);
}

/**
 * Decodes `bytes` as text; see the module notes for the order of attempts.
 * @throws {InputError} `BAD_ENCODING` when no encoding fits with confidence.
 */
export function decodeText(
  bytes: Uint8Array,
  source: string,
  options: DecodeTextOptions = {},
): DecodedText {
  const attempts: { label: string; how: DecodedHow }[] = [];
  const bom = bomEncoding(bytes);
  if (bom) attempts.push({ label: bom, how: "bom" });
  const declared = options.declared ? canonicalLabel(options.declared) : undefined;
  if (!bom) attempts.push({ label: "utf-8", how: "utf-8" });
  if (!bom && declared && !declared.startsWith("utf-")) {
    attempts.push({ label: declared, how: "declared" });
  }
  let validUtf8 = false;
  for (const { label, how } of attempts) {
    // The BOM is kept out of the text: TextDecoder strips it by default.
    const text = strictDecode(bytes, label);
    if (text !== undefined && plausibleText(text)) return { text, encoding: label, how };
    if (text !== undefined && label === "utf-8") validUtf8 = true;
  }
  if (bom) throw refuse(source, `its ${bom} byte-order mark does not match its content`);

  const utf16 = utf16WithoutBom(bytes);
  if (utf16) {
    const text = strictDecode(bytes, utf16);
    if (text !== undefined && plausibleText(text)) {
      return { text, encoding: utf16, how: "detected" };
    }
  }
  const guesses = analyse(bytes.subarray(0, SAMPLE_BYTES));
  const best = guesses[0];
  const bestLabel = best ? canonicalLabel(best.name) : undefined;
  if (
    best && bestLabel && best.confidence >= 50 && !bestLabel.startsWith("utf-") &&
    !LATIN_PAGES.has(bestLabel) && !WESTERN.has(bestLabel)
  ) {
    const text = strictDecode(bytes, bestLabel);
    if (text !== undefined && plausibleText(text)) {
      return { text, encoding: bestLabel, how: "detected" };
    }
  }
  const latin = latinCodePage(bytes, guesses);
  if (latin) return { ...latin, how: "detected" };
  if (validUtf8) throw refuse(source, "the content is mostly control characters, not text");
  const guess = best ? ` (best guess ${best.name} at ${best.confidence}% confidence)` : "";
  throw refuse(
    source,
    `the text is not valid UTF-8 and its encoding could not be detected with confidence${guess}`,
  );
}
