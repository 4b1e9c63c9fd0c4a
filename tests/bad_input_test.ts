import assert from "node:assert/strict";
import { join } from "node:path";
import { registryDocuments, runQuireJson, stagingLeft, tempDir, writeFiles } from "./_helpers.ts";
import type { AddResult } from "../commit/mod.ts";

Deno.test("bad inputs each get a clear per-file error and the rest of the batch is committed", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  const input = join(dir.path, "in");
  await writeFiles(input, {
    "01-good.md": "# Good\n\nA good document.\n",
    "02-empty.md": "",
    "03-blank.txt": "  \n\n \n",
    "04-invalid.txt": new Uint8Array([
      0x48,
      0x69,
      0xff,
      0xfe,
      0x00,
      0x01,
      0x02,
      0x80,
      0x81,
      0x00,
      0x90,
    ]),
    "05-binary.md": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    "06-also-good.txt": "Another good document.\n",
    "loop/file.md": "# Inside\n\nInside the looping folder.\n",
  });
  await Deno.symlink(join(input, "loop"), join(input, "loop", "again"));
  await Deno.symlink(join(input, "missing-target.md"), join(input, "07-dangling.md"));
  await writeFiles(input, { "08-unreadable.txt": "secret" });
  await Deno.chmod(join(input, "08-unreadable.txt"), 0o000);
  // Root reads any file; drop its override capabilities so that mode 000 counts.
  const wrapper = Deno.uid() === 0
    ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    : undefined;
  const missing = join(dir.path, "nowhere.md");

  const { code, json, stderr } = await runQuireJson<AddResult>(
    ["--kb", kb, "add", input, missing],
    {
      wrapper,
    },
  );
  assert.equal(code, 1, stderr);
  assert.deepEqual(json.added.map((d) => d.name).sort(), ["01-good", "06-also-good", "file"]);
  const errors = Object.fromEntries(
    json.failed.map((f) => [f.source.slice(dir.path.length + 1), f]),
  );
  assert.match(
    errors["in/02-empty.md"].error,
    /Cannot add '.*02-empty\.md': the document is empty/,
  );
  assert.equal(errors["in/03-blank.txt"].code, "EMPTY");
  // Files of a type Quire does not read, met while walking the folder, are skipped.
  assert.deepEqual(
    json.skipped.map((s) => [s.source.slice(dir.path.length + 1), s.reason]),
    [["in/04-invalid.txt", "unsupported"], ["in/05-binary.md", "unsupported"]],
  );
  assert.equal(errors["in/04-invalid.txt"], undefined);
  assert.match(errors["in/loop/again"].error, /symlink loop/);
  assert.match(errors["in/07-dangling.md"].error, /no such file or directory/);
  assert.equal(errors["in/08-unreadable.txt"].code, "UNREADABLE");
  assert.match(errors["in/08-unreadable.txt"].error, /08-unreadable\.txt': permission denied$/);
  assert.match(errors["nowhere.md"].error, /Cannot add '.*nowhere\.md': no such file or directory/);
  // Each failure is named on stderr too, one line each.
  assert.match(stderr, /failed .*02-empty\.md: /);
  assert.match(stderr, /skipped .*05-binary\.md: .*unsupported type PNG image named \.md/);
  assert.deepEqual(registryDocuments(kb).map((d) => d.name).sort(), [
    "01-good",
    "06-also-good",
    "file",
  ]);
  assert.deepEqual(await stagingLeft(kb), []);
});

Deno.test("add refuses URLs with other schemes per input", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  await writeFiles(dir.path, { "ok.md": "# Ok\n\nFine.\n" });
  const { code, json } = await runQuireJson<AddResult>([
    "--kb",
    kb,
    "add",
    "ftp://example.com/file.txt",
    "file:///etc/passwd",
    join(dir.path, "ok.md"),
  ]);
  assert.equal(code, 1);
  assert.deepEqual(json.added.map((d) => d.name), ["ok"]);
  assert.match(json.failed[0].error, /only http and https URLs are supported \(not 'ftp:'\)/);
  assert.match(json.failed[1].error, /not 'file:'/);
});
