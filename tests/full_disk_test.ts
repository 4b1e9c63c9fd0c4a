/**
 * A full disk: the document that does not fit fails with a clear message,
 * every command at 0 bytes free says the disk is full (never "a bug in
 * Quire"), everything committed stays (SQLite's `integrity_check` agrees),
 * and the knowledge base stays consistent. The disk is a small tmpfs, which
 * needs root (or CAP_SYS_ADMIN) to mount; where mounting is not allowed,
 * those tests are reported as ignored. A failing shared-page rebuild is
 * driven by an injected I/O error, which needs no mount.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { AddResult } from "../commit/mod.ts";
import {
  HARBOUR_WORDS,
  journalRows,
  registryDocuments,
  runQuire,
  runQuireJson,
  stagingLeft,
  tempDir,
  treeState,
  writeFiles,
} from "./_helpers.ts";

function run(program: string, args: string[]): boolean {
  try {
    return new Deno.Command(program, { args, stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

function canMount(): boolean {
  if (Deno.build.os !== "linux") return false;
  const probe = Deno.makeTempDirSync({ prefix: "quire-mount-probe-" });
  try {
    const mounted = run("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe]);
    if (mounted) run("umount", [probe]);
    return mounted;
  } finally {
    Deno.removeSync(probe);
  }
}

function text(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    out.push(
      Array.from({ length: 12 }, (_, k) => HARBOUR_WORDS[(i * 7 + k * 3) % 10]).join(" ") +
        ` ${i}.`,
    );
  }
  return out.join("\n") + "\n";
}

Deno.test({
  name: "a document that does not fit on the disk fails clearly and loses nothing committed",
  ignore: !canMount(),
  fn: async () => {
    await using dir = await tempDir();
    const disk = join(dir.path, "disk");
    await Deno.mkdir(disk);
    assert.ok(run("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", disk]), "mount");
    try {
      const kb = join(disk, "kb");
      await writeFiles(dir.path, {
        "small.md": "# Small\n\nA small document about tides.\n",
        "huge.txt": text(45_000), // does not fit in staging
        "mid.txt": text(16_000), // fits in staging, not in the registry
        "later.md": "# Later\n\nAdded once there is room again.\n",
      });
      assert.equal((await runQuire(["init", kb])).code, 0);
      assert.equal((await runQuire(["--kb", kb, "add", join(dir.path, "small.md")])).code, 0);
      const before = await treeState(kb);

      for (const file of ["huge.txt", "mid.txt"]) {
        const { code, json } = await runQuireJson<{ failed: { code: string; error: string }[] }>(
          ["--kb", kb, "add", join(dir.path, file)],
        );
        assert.equal(code, 1);
        assert.equal(json.failed[0].code, "NO_SPACE", json.failed[0].error);
        assert.match(
          json.failed[0].error,
          new RegExp(`Cannot \\w+ '.*${file}': the disk is full .*free some space`),
        );
        assert.deepEqual(await treeState(kb), before);
        assert.deepEqual(registryDocuments(kb).map((d) => d.name), ["small"]);
        assert.deepEqual(await stagingLeft(kb), []);
      }
      const recover = await runQuire(["--kb", kb, "recover"]);
      assert.match(recover.stderr, /Nothing to recover/);
      assert.equal((await runQuire(["--kb", kb, "lint"])).code, 0);
      assert.equal((await runQuire(["--kb", kb, "add", join(dir.path, "later.md")])).code, 0);
      assert.deepEqual(registryDocuments(kb).map((d) => d.name), ["later", "small"]);
    } finally {
      run("umount", ["-l", disk]);
    }
  },
});

/** Fills the disk under `dir` to its last byte; returns the filler's path. */
function fillDisk(dir: string): string {
  const path = join(dir, "filler");
  using file = Deno.openSync(path, { write: true, create: true });
  for (const size of [1 << 20, 1 << 16, 4096, 512, 1]) {
    const chunk = new Uint8Array(size);
    try {
      for (;;) file.writeSync(chunk);
    } catch (error) {
      if (!/No space left/.test(String(error))) throw error;
    }
  }
  return path;
}

function integrityCheck(kb: string): string {
  const db = new DatabaseSync(join(kb, ".quire", "registry.db"), { readOnly: true });
  try {
    return (db.prepare("PRAGMA integrity_check").get() as { integrity_check: string })
      .integrity_check;
  } finally {
    db.close();
  }
}

Deno.test({
  name: "every command at 0 bytes free says the disk is full and loses nothing committed",
  ignore: !canMount(),
  fn: async () => {
    await using dir = await tempDir();
    const disk = join(dir.path, "disk");
    await Deno.mkdir(disk);
    assert.ok(run("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", disk]), "mount");
    try {
      const kb = join(disk, "kb");
      const inbox = join(dir.path, "in");
      await writeFiles(inbox, {
        "tides.md": "# Tides\n\nThe harbour pilot waits for the high tide at the quay.\n",
        "cranes.md": "# Cranes\n\nThe cargo crane lifts containers onto the vessel.\n",
      });
      assert.equal((await runQuire(["--kb", kb, "add", inbox])).code, 0);
      await writeFiles(dir.path, { "later.md": "# Later\n\nA buoy marks the channel.\n" });
      const tree = await treeState(kb);
      const documents = registryDocuments(kb);
      // That read left SQLite's (empty) '-wal' and '-shm' files; remove them,
      // as after a writer closes, so that nothing can be created any more.
      const registry = join(kb, ".quire", "registry.db");
      assert.equal((await Deno.stat(`${registry}-wal`)).size, 0);
      await Deno.remove(`${registry}-wal`);
      await Deno.remove(`${registry}-shm`);
      const filler = fillDisk(disk);

      const mustSayFull = new Set(["add", "remove", "recover", "list"]);
      // `list` first: SQLite cannot create the registry's shared-memory file.
      // Later reads may find one left by an earlier command, and then work.
      const commands = [
        ["list"],
        ["add", join(dir.path, "later.md")],
        ["remove", "tides"],
        ["recover"],
        ["status"],
        ["lint"],
        ["search", "tide"],
        ["sync", inbox],
        ["recompile", "cranes"],
        ["repair"],
        ["query", "where is the pilot"],
      ];
      for (const args of commands) {
        const result = await runQuire(["--kb", kb, ...args]);
        const label = `${args[0]}: exit ${result.code}\n${result.stderr}`;
        assert.doesNotMatch(result.stderr, /bug in Quire|at .*\.ts:\d+/, label);
        assert.ok(result.code === 0 || result.code === 1, label);
        if (mustSayFull.has(args[0])) assert.equal(result.code, 1, label);
        if (result.code !== 0) {
          assert.match(result.stderr, /the disk is full/, label);
          assert.match(result.stderr, /'\/[^']+'/, `${label}: names a file`);
          assert.match(result.stderr, /free some space/i, label);
        }
      }
      const init = await runQuire(["init", kb]);
      assert.doesNotMatch(init.stderr, /bug in Quire/);

      await Deno.remove(filler);
      assert.equal(integrityCheck(kb), "ok");
      assert.deepEqual(registryDocuments(kb), documents);
      assert.equal(journalRows(kb), 0);
      assert.deepEqual(await treeState(kb), tree);
      const lint = await runQuire(["--kb", kb, "lint"]);
      assert.equal(lint.code, 0, lint.stdout + lint.stderr);
      assert.equal((await runQuire(["--kb", kb, "add", join(dir.path, "later.md")])).code, 0);
      assert.deepEqual(registryDocuments(kb).map((d) => d.name), ["cranes", "later", "tides"]);
    } finally {
      run("umount", ["-l", disk]);
    }
  },
});

Deno.test("a shared-page rebuild that fails after a batch keeps the batch and says to recover", async () => {
  await using dir = await tempDir();
  await writeFiles(dir.path, {
    "in/tides.md": "# Tides\n\nThe harbour pilot waits for the high tide at the quay.\n",
    "in/cranes.md": "# Cranes\n\nThe cargo crane lifts containers onto the vessel.\n",
  });
  const reference = join(dir.path, "reference");
  assert.equal((await runQuire(["--kb", reference, "add", join(dir.path, "in")])).code, 0);
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);

  const failed = await runQuireJson<AddResult>(["--kb", kb, "add", join(dir.path, "in")], {
    env: { QUIRE_FAIL_AT: "rebuild-partial:1" },
  });
  assert.equal(failed.code, 1, failed.stderr);
  assert.deepEqual(failed.json.added.map((d) => d.name), ["cranes", "tides"]);
  assert.match(
    failed.json.pagesPending ?? "",
    /^Cannot rebuild the shared pages \(index, log, concepts\) of '.*kb': an I\/O error \(injected fault at 'rebuild-partial'\); everything above is committed; fix the cause, then run `quire recover` to rebuild them$/,
  );
  assert.match(failed.stderr, /Added 2, .*\nerror: Cannot rebuild the shared pages/);
  assert.doesNotMatch(failed.stderr, /bug in Quire/);
  assert.deepEqual(await stagingLeft(kb), []);
  assert.deepEqual(registryDocuments(kb), registryDocuments(reference));

  const status = await runQuireJson<{ recoveryPending: boolean }>(["--kb", kb, "status"]);
  assert.equal(status.json.recoveryPending, true);
  assert.equal((await runQuire(["--kb", kb, "recover"])).code, 0);
  assert.deepEqual(await treeState(kb), await treeState(reference));
  assert.equal((await runQuire(["--kb", kb, "lint"])).code, 0);
});

Deno.test({
  name: "a read-only disk is an I/O error naming the file, on reads and changes alike",
  ignore: !canMount(),
  fn: async () => {
    await using dir = await tempDir();
    const disk = join(dir.path, "disk");
    await Deno.mkdir(disk);
    assert.ok(run("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", disk]), "mount");
    try {
      const kb = join(disk, "kb");
      await writeFiles(dir.path, { "a.md": "# A\n\nThe pilot boards at the buoy.\n" });
      assert.equal((await runQuire(["--kb", kb, "add", join(dir.path, "a.md")])).code, 0);
      const tree = await treeState(kb);
      assert.ok(run("mount", ["-o", "remount,ro", disk]), "remount read-only");
      for (const args of [["list"], ["add", join(dir.path, "a.md")], ["remove", "a"], ["lint"]]) {
        const result = await runQuire(["--kb", kb, ...args]);
        const label = `${args[0]}: ${result.stderr}`;
        assert.equal(result.code, 1, label);
        assert.match(
          result.stderr,
          /^error: Cannot (use registry|finish the command on knowledge base) '\/[^']+'/,
          label,
        );
        assert.match(result.stderr, /Read-only file system|unable to open database file/, label);
        assert.match(result.stderr, /hint: Check/, label);
        assert.doesNotMatch(result.stderr, /bug in Quire/, label);
      }
      assert.ok(run("mount", ["-o", "remount,rw", disk]), "remount read-write");
      assert.deepEqual(await treeState(kb), tree);
      assert.equal(integrityCheck(kb), "ok");
      assert.equal((await runQuire(["--kb", kb, "lint"])).code, 0);
    } finally {
      run("umount", ["-l", disk]);
    }
  },
});
