/**
 * A full disk: the document that does not fit fails with a clear message,
 * everything committed stays, and the knowledge base stays consistent. The
 * disk is a small tmpfs, which needs root (or CAP_SYS_ADMIN) to mount; where
 * mounting is not allowed, the test is reported as ignored.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  HARBOUR_WORDS,
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
