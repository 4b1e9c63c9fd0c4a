import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256Bytes } from "../core/hash.ts";
import type { InputError } from "../core/errors.ts";
import { stageLocalFile } from "../prepare/stage_local_file.ts";
import { tempDir } from "./_helpers.ts";

function bytes(length: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length }, (_, i) => (i * 7 + 3) % 251);
}

Deno.test("stageLocalFile() hashes and copies the whole file and keeps only its head", async () => {
  await using dir = await tempDir();
  const content = bytes(3 * 1024 * 1024 + 17);
  const path = join(dir.path, "big.bin");
  await Deno.writeFile(path, content);
  const target = join(dir.path, "raw.part");
  const seen: number[] = [];
  const staged = stageLocalFile(path, target, {
    maxInputBytes: 4 * 1024 * 1024,
    keepBytes: (first) => {
      seen.push(first.length);
      return 1000;
    },
  });
  assert.equal(staged.hash, sha256Bytes(content));
  assert.equal(staged.bytes, content.length);
  assert.deepEqual(staged.head, content.subarray(0, 1000));
  assert.equal(staged.complete, false);
  assert.deepEqual(await Deno.readFile(target), content);
  assert.deepEqual(seen, [1024 * 1024], "keepBytes sees the first piece once");

  const whole = stageLocalFile(path, target, {
    maxInputBytes: 4 * 1024 * 1024,
    keepBytes: () => Infinity,
  });
  assert.equal(whole.complete, true);
  assert.deepEqual(whole.head, content);
});

Deno.test("stageLocalFile() copies a file larger than stat says, and shows keepBytes a first piece to sniff", async () => {
  // /proc files report a size of 0.
  const path = "/proc/cpuinfo";
  if (Deno.build.os !== "linux" || Deno.statSync(path).size !== 0) return;
  await using dir = await tempDir();
  const target = join(dir.path, "raw.part");
  const content = await Deno.readFile(path);
  const seen: number[] = [];
  const staged = stageLocalFile(path, target, {
    maxInputBytes: 4 * 1024 * 1024,
    keepBytes: (first) => {
      seen.push(first.length);
      return Infinity;
    },
  });
  assert.equal(staged.hash, sha256Bytes(content));
  assert.equal(staged.bytes, content.length);
  assert.deepEqual(await Deno.readFile(target), content);
  // The kernel may hand a /proc file over a page at a time, but not a byte at a time.
  assert.equal(seen.length, 1);
  assert.ok(seen[0] >= Math.min(content.length, 1024), `first piece ${seen[0]} B`);
});

Deno.test("stageLocalFile() refuses a file over maxInputBytes, and a FIFO, without reading them", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "big.txt");
  await Deno.writeFile(path, bytes(2048));
  const target = join(dir.path, "raw.part");
  assert.throws(
    () => stageLocalFile(path, target, { maxInputBytes: 1024, keepBytes: () => 10 }),
    (error: InputError) => {
      assert.equal(error.code, "TOO_LARGE");
      assert.equal(
        error.message,
        `Cannot read '${path}': the file is 2 KiB, more than 1 KiB (limits.maxInputBytes in .quire/config.json)`,
      );
      return true;
    },
  );
  await assert.rejects(() => Deno.stat(target), Deno.errors.NotFound);
  if (Deno.build.os === "windows") return;
  const fifo = join(dir.path, "pipe");
  assert.ok((await new Deno.Command("mkfifo", { args: [fifo] }).output()).success);
  assert.throws(
    () => stageLocalFile(fifo, target, { maxInputBytes: 1024, keepBytes: () => 10 }),
    /Cannot add '.*pipe': not a regular file$/,
  );
});
