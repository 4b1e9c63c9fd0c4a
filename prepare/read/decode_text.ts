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
 * 5. chardet's best guess when its confidence is at least 50%.
 * 6. Windows-1252 (which is what browsers use for "Latin-1") when the text
 *    plainly is Western text: mostly ASCII, no undefined bytes or control
 *    characters, and its non-ASCII characters are letters inside words or
 *    common punctuation. This catches short Latin-1 files, where chardet's
 *    confidence is low.
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

function looksWestern(text: string): boolean {
  const sample = text.slice(0, SAMPLE_CHARS);
  let nonAscii = 0;
  let wordy = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    if (code < 0x20 && !ALLOWED_CONTROLS.test(sample[i])) return false;
    if (code < 0x80) continue;
    if (code >= 0x80 && code <= 0x9f) return false;
    nonAscii++;
    const isLetter = /\p{L}/u.test(sample[i]);
    const nextToLetter = /\p{L}/u.test(sample[i - 1] ?? "") || /\p{L}/u.test(sample[i + 1] ?? "");
    if ((isLetter && nextToLetter) || WESTERN_PUNCTUATION.has(sample[i])) wordy++;
  }
  return nonAscii <= sample.length * 0.3 && wordy >= nonAscii * 0.9;
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
  if (best && bestLabel && best.confidence >= 50 && !bestLabel.startsWith("utf-")) {
    const text = strictDecode(bytes, bestLabel);
    if (text !== undefined && plausibleText(text)) {
      return { text, encoding: bestLabel, how: "detected" };
    }
  }
  const western = new TextDecoder("windows-1252").decode(bytes);
  if (looksWestern(western)) return { text: western, encoding: "windows-1252", how: "detected" };
  if (validUtf8) throw refuse(source, "the content is mostly control characters, not text");
  const guess = best ? ` (best guess ${best.name} at ${best.confidence}% confidence)` : "";
  throw refuse(
    source,
    `the text is not valid UTF-8 and its encoding could not be detected with confidence${guess}`,
  );
}
