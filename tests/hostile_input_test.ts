import assert from "node:assert/strict";
import { join } from "node:path";
import type { AddResult, SyncResult } from "../commit/mod.ts";
import { registryDocuments, runQuire, runQuireJson, stagingLeft, tempDir } from "./_helpers.ts";
import { lowerLimits, writeHostileCorpus } from "./_hostile_corpus.ts";

const unix = Deno.build.os !== "windows";

/**
 * Makes a FIFO and a Unix socket file at `dir/pipe.md` and `dir/socket.md`;
 * the socket file lasts as long as the returned listener.
 */
async function writeSpecialFiles(dir: string): Promise<Deno.Listener> {
  const made = await new Deno.Command("mkfifo", { args: [join(dir, "pipe.md")] }).output();
  assert.ok(made.success, "mkfifo failed");
  return Deno.listen({ transport: "unix", path: join(dir, "socket.md") });
}

/** Links inside the folder (to a hidden file) and out of it (a folder and a file). */
async function writeLinks(root: string, input: string): Promise<void> {
  await Deno.mkdir(join(input, ".store"));
  await Deno.writeTextFile(join(input, ".store", "target.md"), "# Linked inside\n\nKept.\n");
  await Deno.symlink(join(input, ".store", "target.md"), join(input, "inside-link.md"));
  await Deno.mkdir(join(root, "outside"));
  await Deno.writeTextFile(join(root, "outside", "secret.md"), "# Outside\n\nNot yours.\n");
  await Deno.symlink(join(root, "outside"), join(input, "outside-dir"));
  await Deno.symlink(join(root, "outside", "secret.md"), join(input, "outside-file.md"));
}

Deno.test({
  name: "add fails each hostile input with its own error, skips links out, commits the rest",
  ignore: !unix,
  fn: async () => {
    await using dir = await tempDir();
    const kb = join(dir.path, "kb");
    const input = join(dir.path, "in");
    await Deno.mkdir(input);
    assert.equal((await runQuire(["init", kb])).code, 0);
    await lowerLimits(kb);
    const cases = await writeHostileCorpus(input);
    using _socket = await writeSpecialFiles(input);
    await writeLinks(dir.path, input);

    const { code, json, stderr } = await runQuireJson<AddResult>(["--kb", kb, "add", input]);
    assert.equal(code, 1, stderr);
    const failed = new Map(json.failed.map((f) => [f.source, f]));
    const added = new Map([...json.added].map((d) => [d.source, d.name]));
    for (const { file, expect } of cases) {
      const source = join(input, file);
      if ("failed" in expect) {
        const failure = failed.get(source);
        assert.ok(failure, `${file} should fail: ${stderr}`);
        assert.equal(failure.code, expect.failed, `${file}: ${failure.error}`);
        assert.match(failure.error, expect.message, file);
        assert.ok(failure.error.startsWith(`Cannot read '${source}': `), failure.error);
        continue;
      }
      const name = added.get(source);
      assert.ok(name, `${file} should be added: ${failed.get(source)?.error ?? stderr}`);
      if (expect.page) {
        assert.match(
          await Deno.readTextFile(join(kb, "wiki", "sources", `${name}.md`)),
          expect.page,
        );
      }
      if (expect.warning) {
        const summary = await Deno.readTextFile(join(kb, "wiki", "summaries", `${name}.md`));
        assert.match(summary, expect.warning);
      }
    }
    for (const special of ["pipe.md", "socket.md"]) {
      const failure = failed.get(join(input, special));
      assert.equal(failure?.code, "UNREADABLE", special);
      assert.match(failure.error, /: not a regular file \(a (FIFO|socket)\)$/);
    }
    assert.ok(added.has(join(input, "inside-link.md")), "a link inside the folder is followed");
    assert.deepEqual(
      json.skipped.filter((s) => s.reason === "outside-folder"),
      [
        {
          source: join(input, "outside-dir"),
          reason: "outside-folder",
          target: join(dir.path, "outside"),
        },
        {
          source: join(input, "outside-file.md"),
          reason: "outside-folder",
          target: join(dir.path, "outside", "secret.md"),
        },
      ],
    );
    assert.match(stderr, /skipped .*outside-dir: links to '.*outside', outside the folder/);
    assert.equal(registryDocuments(kb).length, added.size);
    assert.ok(!registryDocuments(kb).some((d) => d.source.includes("outside")));
    assert.deepEqual(await stagingLeft(kb), []);
    const lint = await runQuire(["--kb", kb, "lint"]);
    assert.equal(lint.code, 0, lint.stdout + lint.stderr);
  },
});

Deno.test({
  name: "add --follow-symlinks follows links out of the folder, and sync keeps their documents",
  ignore: !unix,
  fn: async () => {
    await using dir = await tempDir();
    const kb = join(dir.path, "kb");
    const input = join(dir.path, "in");
    await Deno.mkdir(input);
    await Deno.writeTextFile(join(input, "note.md"), "# Note\n\nA plain note.\n");
    await writeLinks(dir.path, input);

    const followed = await runQuireJson<AddResult>(
      ["--kb", kb, "add", "--follow-symlinks", input],
    );
    assert.equal(followed.code, 0, followed.stderr);
    assert.deepEqual(
      followed.json.added.map((d) => d.source).sort(),
      [
        join(input, "inside-link.md"),
        join(input, "note.md"),
        join(input, "outside-dir", "secret.md"),
      ],
    );
    assert.deepEqual(followed.json.skipped.map((s) => s.reason), ["duplicate"]);

    // Without the flag, the links are skipped: never a removal of what they brought in.
    const plan = await runQuireJson<{ remove: unknown[]; skipped: { source: string }[] }>(
      ["--kb", kb, "sync", "--dry-run", input],
    );
    assert.deepEqual(plan.json.remove, []);
    assert.deepEqual(plan.json.skipped.map((s) => s.source), [
      join(input, "outside-dir"),
      join(input, "outside-file.md"),
    ]);
    const synced = await runQuireJson<SyncResult>(["--kb", kb, "sync", input]);
    assert.equal(synced.code, 0, synced.stderr);
    assert.deepEqual(synced.json.removed, []);
    assert.equal(registryDocuments(kb).length, 3);
  },
});

Deno.test({
  name: "add refuses a FIFO named on the command line without opening it",
  ignore: !unix,
  fn: async () => {
    await using dir = await tempDir();
    const kb = join(dir.path, "kb");
    using _socket = await writeSpecialFiles(dir.path);
    await Deno.writeTextFile(join(dir.path, "ok.md"), "# Ok\n\nFine.\n");
    const { code, json } = await runQuireJson<AddResult>(
      ["--kb", kb, "add", join(dir.path, "pipe.md"), join(dir.path, "ok.md")],
    );
    assert.equal(code, 1);
    assert.deepEqual(json.added.map((d) => d.name), ["ok"]);
    assert.deepEqual(json.failed, [{
      source: join(dir.path, "pipe.md"),
      code: "UNREADABLE",
      error: `Cannot add '${join(dir.path, "pipe.md")}': not a regular file (a FIFO)`,
    }]);
  },
});
