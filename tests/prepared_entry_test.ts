import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256Bytes } from "../core/hash.ts";
import {
  lookupPrepared,
  preparedCacheKey,
  preparedCacheUsage,
  preparedEntryDir,
  prunePreparedCache,
  storePrepared,
} from "../prepare/prepared_cache.ts";
import {
  canonicalJson,
  compilerDigest,
  type PreparedDocument,
  type PreparedEntryContent,
  PreparedEntryError,
  readPreparedEntry,
  writePreparedEntry,
} from "../prepare/prepared_entry.ts";
import { tempDir } from "./_helpers.ts";

const RAW = new TextEncoder().encode("# Tides\n\nTides rise and fall.\n");
const COMPILER = { kind: "llm", model: "m", promptVersion: 2 };

function content(overrides: Partial<PreparedDocument> = {}): PreparedEntryContent {
  const document: PreparedDocument = {
    source: "/in/tides.md",
    origin: "file",
    stagingName: "0-doc-0000",
    rawFile: "raw.md",
    sourceFile: "source.md",
    hash: sha256Bytes(RAW),
    bytes: RAW.length,
    nameHint: "tides",
    document: {
      type: "markdown",
      ext: "md",
      title: "Tides",
      sections: [],
      warnings: [],
      facts: {},
    },
    compiled: {
      compiler: "llm",
      description: "About tides",
      summary: "Tides rise and fall.",
      keyPhrases: ["tide"],
      concepts: [{ slug: "tide", label: "tide", note: "They rise.", score: 1, prominent: true }],
    },
    ...overrides,
  };
  return {
    document,
    compiler: COMPILER,
    inputDigest: "d".repeat(64),
    files: { "source.md": "# Tides\n" },
  };
}

Deno.test("writePreparedEntry() writes a manifest with every file's checksum, and readPreparedEntry() verifies it", async () => {
  await using dir = await tempDir();
  const entry = join(dir.path, "bundle", "tides");
  const manifest = writePreparedEntry(entry, {
    ...content(),
    files: { "source.md": "# Tides\n", "raw.md": RAW },
  });
  assert.equal(manifest.format, "quire-prepared-entry");
  assert.equal(manifest.contentHash, sha256Bytes(RAW));
  assert.equal(manifest.compilerDigest, compilerDigest(COMPILER));
  assert.deepEqual(Object.keys(manifest.files).sort(), ["document.json", "raw.md", "source.md"]);
  assert.equal(manifest.files["raw.md"].sha256, sha256Bytes(RAW));
  const onDisk = JSON.parse(await Deno.readTextFile(join(entry, "manifest.json")));
  assert.deepEqual(onDisk, manifest);
  const read = readPreparedEntry(entry);
  assert.deepEqual(read.document, content().document);
  assert.deepEqual([...Deno.readDirSync(join(dir.path, "bundle"))].map((e) => e.name), ["tides"]);
});

Deno.test("readPreparedEntry() refuses a damaged, incomplete or inconsistent entry", async () => {
  await using dir = await tempDir();
  const cases: [string, (entry: string) => void, RegExp][] = [
    [
      "flipped byte",
      (e) => Deno.writeTextFileSync(join(e, "source.md"), "# Tidez\n"),
      /'source\.md' does not match its checksum/,
    ],
    [
      "missing file",
      (e) => Deno.removeSync(join(e, "document.json")),
      /'document\.json' is missing/,
    ],
    ["no manifest", (e) => Deno.removeSync(join(e, "manifest.json")), /no manifest\.json/],
    [
      "cut manifest",
      (e) => Deno.writeTextFileSync(join(e, "manifest.json"), '{"format": "quire-pre'),
      /manifest\.json is not valid JSON/,
    ],
    [
      "edited compiler",
      (e) => {
        const m = JSON.parse(Deno.readTextFileSync(join(e, "manifest.json")));
        m.compiler.model = "other";
        Deno.writeTextFileSync(join(e, "manifest.json"), JSON.stringify(m));
      },
      /compiler digest that does not match/,
    ],
    [
      "unknown version",
      (e) => {
        const m = JSON.parse(Deno.readTextFileSync(join(e, "manifest.json")));
        m.formatVersion = 99;
        Deno.writeTextFileSync(join(e, "manifest.json"), JSON.stringify(m));
      },
      /format version 99/,
    ],
  ];
  for (const [name, damage, message] of cases) {
    const entry = join(dir.path, name.replaceAll(" ", "-"));
    writePreparedEntry(entry, content());
    damage(entry);
    assert.throws(() => readPreparedEntry(entry), (e: Error) => {
      assert.ok(e instanceof PreparedEntryError, name);
      assert.match(e.message, message, name);
      return true;
    });
  }
  const badShape = join(dir.path, "bad-shape");
  const shaped = content();
  writePreparedEntry(badShape, {
    ...shaped,
    document: {
      ...shaped.document,
      compiled: { ...shaped.document.compiled, concepts: [{ slug: "x" }] },
    } as unknown as PreparedDocument,
  });
  assert.throws(() => readPreparedEntry(badShape), /has a concept without slug, label, note/);
  const wrongRaw = join(dir.path, "wrong-raw");
  writePreparedEntry(wrongRaw, { ...content(), files: { "source.md": "x", "raw.md": "other" } });
  assert.throws(() => readPreparedEntry(wrongRaw), /'raw\.md' is not the content it names/);
  assert.throws(
    () => writePreparedEntry(join(dir.path, "bad"), { ...content(), files: { "../x": "y" } }),
    /not a plain file name/,
  );
});

Deno.test("canonicalJson() sorts keys at every level", () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: "x" } }),
    '{"a":{"c":"x","d":[2,{"e":0,"f":1}]},"b":1}',
  );
  assert.equal(
    compilerDigest({ kind: "llm", model: "m" }),
    compilerDigest({ model: "m", kind: "llm" }),
  );
});

Deno.test("lookupPrepared() finds a stored entry, and removes a damaged one so it is rebuilt", async () => {
  await using dir = await tempDir();
  const key = preparedCacheKey(sha256Bytes(RAW), compilerDigest(COMPILER), "d".repeat(64));
  assert.equal(lookupPrepared(dir.path, key), null);
  assert.equal(storePrepared(dir.path, key, content()), true);
  assert.equal(lookupPrepared(dir.path, key)?.document.compiled.description, "About tides");
  const entry = preparedEntryDir(dir.path, key);
  await Deno.writeTextFile(join(entry, "document.json"), "{}");
  assert.equal(lookupPrepared(dir.path, key), null);
  assert.equal(await Deno.stat(entry).then(() => true, () => false), false);
  assert.equal(storePrepared(dir.path, key, content()), true);
  assert.notEqual(lookupPrepared(dir.path, key), null);
  assert.notEqual(preparedCacheKey("a", "b", "c"), preparedCacheKey("a", "b", "d"));
});

Deno.test("prunePreparedCache() drops the entries used longest ago until the cache fits, and leftovers", async () => {
  await using dir = await tempDir();
  const keys = ["aa", "bb", "cc", "dd"].map((k) => k.repeat(32));
  for (const [i, key] of keys.entries()) {
    storePrepared(dir.path, key, content({ nameHint: `doc-${i}` }));
    const time = new Date(Date.UTC(2025, 0, 1 + i));
    Deno.utimeSync(join(preparedEntryDir(dir.path, key), "manifest.json"), time, time);
  }
  // Using the oldest makes it the newest.
  assert.notEqual(lookupPrepared(dir.path, keys[0]), null);
  const leftover = join(dir.path, "prepared", "ee", ".eeee.tmp-1234");
  await Deno.mkdir(leftover, { recursive: true });
  await Deno.writeTextFile(join(leftover, "source.md"), "partial");
  const full = preparedCacheUsage(dir.path);
  assert.equal(full.entries, 4);
  const perEntry = full.bytes / 4;
  const left = prunePreparedCache(dir.path, Math.ceil(perEntry * 2.5));
  assert.equal(left.entries, 2);
  assert.equal(lookupPrepared(dir.path, keys[1]), null);
  assert.equal(lookupPrepared(dir.path, keys[2]), null);
  assert.notEqual(lookupPrepared(dir.path, keys[0]), null);
  assert.notEqual(lookupPrepared(dir.path, keys[3]), null);
  assert.equal(await Deno.stat(leftover).then(() => true, () => false), false);
});
