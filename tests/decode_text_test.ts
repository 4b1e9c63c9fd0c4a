import assert from "node:assert/strict";
import { decodeText, plausibleText } from "../prepare/read/decode_text.ts";
import { readText } from "../prepare/read/read_text.ts";
import { fixtureBytes, latin1 } from "./_formats.ts";

const LOG = "Ship log: the crew sailed past Ålesund at dawn; café and crème were served.\n";

/** Deterministic pseudo-random bytes (a linear congruential generator). */
function noise(length: number, seed = 7): Uint8Array {
  let state = seed;
  return Uint8Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state >> 16) & 0xff;
  });
}

Deno.test("decodeText() reads UTF-16 with a byte-order mark", async () => {
  const decoded = decodeText(await fixtureBytes("utf16-bom.txt"), "utf16-bom.txt");
  assert.deepEqual(decoded, { text: LOG, encoding: "utf-16le", how: "bom" });
});

Deno.test("decodeText() detects UTF-16LE and UTF-16BE without a byte-order mark", async () => {
  const le = decodeText(await fixtureBytes("utf16le-nobom.txt"), "le.txt");
  assert.deepEqual(le, { text: LOG, encoding: "utf-16le", how: "detected" });
  const be = decodeText(await fixtureBytes("utf16be-nobom.txt"), "be.txt");
  assert.deepEqual(be, { text: LOG, encoding: "utf-16be", how: "detected" });
});

Deno.test("decodeText() detects UTF-16 without a BOM in a non-Latin script", () => {
  const text = "Привет, мир! Это текст в UTF-16 без метки порядка байтов.";
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    bytes[2 * i] = text.charCodeAt(i) & 0xff;
    bytes[2 * i + 1] = text.charCodeAt(i) >> 8;
  }
  assert.equal(decodeText(bytes, "ru.txt").text, text);
});

Deno.test("decodeText() reads Latin-1 as windows-1252", async () => {
  const decoded = decodeText(await fixtureBytes("latin1.txt"), "latin1.txt");
  assert.deepEqual(decoded, { text: LOG, encoding: "windows-1252", how: "detected" });
  const short = decodeText(latin1("caf\xe9 au lait, cr\xe8me br\xfbl\xe9e"), "menu.txt");
  assert.equal(short.text, "café au lait, crème brûlée");
  assert.equal(short.encoding, "windows-1252");
});

Deno.test("decodeText() reads Windows-1252 quotes, dashes and the euro sign", () => {
  const decoded = decodeText(latin1("\x93Quoted\x94 \x96 a dash\x85 and \x80 5"), "q.txt");
  assert.equal(decoded.text, "“Quoted” – a dash… and € 5");
});

Deno.test("decodeText() uses chardet's guess when it is confident (Shift_JIS)", () => {
  const bytes = latin1(
    "\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd\x81\x41\x90\xa2\x8a\x45\x81\x42\x82\xb1\x82\xea" +
      "\x82\xcd\x93\xfa\x96\x7b\x8c\xea\x82\xcc\x83\x65\x83\x4c\x83\x58\x83\x67\x82\xc5\x82\xb7\x81\x42",
  );
  const decoded = decodeText(bytes, "ja.txt");
  assert.equal(decoded.encoding, "shift_jis");
  assert.equal(decoded.text, "こんにちは、世界。これは日本語のテキストです。");
});

Deno.test("decodeText() uses a declared charset when the bytes are not UTF-8", () => {
  const decoded = decodeText(latin1("na\xefve"), "n.html", { declared: "ISO-8859-1" });
  assert.deepEqual(decoded, { text: "naïve", encoding: "windows-1252", how: "declared" });
});

Deno.test("decodeText() keeps valid UTF-8 over a wrong declared charset", () => {
  const bytes = new TextEncoder().encode("naïve café");
  assert.deepEqual(decodeText(bytes, "a.html", { declared: "iso-8859-1" }), {
    text: "naïve café",
    encoding: "utf-8",
    how: "utf-8",
  });
  assert.equal(decodeText(bytes, "b.html", { declared: "utf-16" }).encoding, "utf-8");
});

Deno.test("decodeText() refuses random bytes as BAD_ENCODING instead of replacing them", () => {
  assert.throws(() => decodeText(noise(400), "noise.txt"), (error: Error & { code: string }) => {
    assert.equal(error.code, "BAD_ENCODING");
    assert.match(
      error.message,
      /^Cannot read 'noise\.txt': the text is not valid UTF-8 and its encoding could not be detected with confidence \(best guess .+ at \d+% confidence\)$/,
    );
    return true;
  });
});

Deno.test("decodeText() refuses valid UTF-8 that is mostly control characters", () => {
  const bytes = Uint8Array.from({ length: 200 }, (_, i) => (i % 7) + 1);
  assert.throws(() => decodeText(bytes, "ctl.txt"), {
    code: "BAD_ENCODING",
    message: "Cannot read 'ctl.txt': the content is mostly control characters, not text",
  });
});

Deno.test("decodeText() refuses a UTF-16 byte-order mark followed by garbage", () => {
  const bytes = new Uint8Array([0xff, 0xfe, ...noise(300, 11)]);
  assert.throws(() => decodeText(bytes, "bom.txt"), {
    code: "BAD_ENCODING",
    message: "Cannot read 'bom.txt': its utf-16le byte-order mark does not match its content",
  });
});

Deno.test("plausibleText() allows tabs, newlines and ANSI escapes but not NULs", () => {
  assert.equal(plausibleText("a\tb\r\n\x1b[31mred\x1b[0m\f"), true);
  assert.equal(plausibleText("a\x00\x00\x00\x00b"), false);
});

Deno.test("readText() warns which encoding it used for Latin-1 text", async () => {
  const doc = readText({ bytes: await fixtureBytes("latin1.txt"), fileName: "l.txt", source: "l" });
  assert.deepEqual(doc.warnings, ["read as windows-1252"]);
  assert.equal(doc.facts.encoding, "windows-1252");
  assert.match(doc.markdown, /Ålesund at dawn; café and crème were served\./);
});

/** Encodes `text` in a single-byte code page (every character must exist in it). */
function codePage(text: string, encoding: string): Uint8Array {
  const decoder = new TextDecoder(encoding);
  const byteOf = new Map<string, number>();
  for (let b = 0; b < 256; b++) byteOf.set(decoder.decode(Uint8Array.of(b)), b);
  return Uint8Array.from(text, (c) => {
    const byte = byteOf.get(c);
    if (byte === undefined) throw new Error(`'${c}' is not in ${encoding}`);
    return byte;
  });
}

Deno.test("decodeText() reads short single-byte texts in their own code page", async (t) => {
  const cases: [string, string, string][] = [
    ["Caf\xe9 cr\xe8me and na\xefve r\xe9sum\xe9", "iso-8859-1", "windows-1252"],
    ["Le caf\xe9 est d\xe9licieux \xe0 No\xebl, gar\xe7on.", "iso-8859-1", "windows-1252"],
    ["\u201cSmart\u201d quotes \u2014 and \u20ac5 for a caf\xe9.", "windows-1252", "windows-1252"],
    ["Příliš žluťoučký kůň úpěl ďábelské ódy.", "iso-8859-2", "iso-8859-2"],
    ["Zażółć gęślą jaźń.", "iso-8859-2", "iso-8859-2"],
    ["Příliš žluťoučký kůň úpěl ďábelské ódy.", "windows-1250", "windows-1250"],
    ["Привет, мир! Это простой тест кодировки.", "windows-1251", "windows-1251"],
    ["Привет, мир! Это простой тест кодировки.", "koi8-r", "koi8-r"],
  ];
  for (const [text, written, read] of cases) {
    await t.step(`${written}: ${text}`, () => {
      const decoded = decodeText(codePage(text, written), "short.txt");
      assert.equal(decoded.text, text);
      assert.equal(decoded.encoding, read);
    });
  }
});
