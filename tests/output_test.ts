import assert from "node:assert/strict";
import { join } from "node:path";
import { runQuire, spawnQuire, tempDir, writeFiles } from "./_helpers.ts";

Deno.test("a command whose stdout is closed (`quire list | head -1`) ends quietly with its usual code", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  const files: Record<string, string> = {};
  for (let i = 0; i < 30; i++) files[`in/note-${i}.md`] = `# Note ${i}\n\nAbout tides ${i}.\n`;
  await writeFiles(dir.path, files);
  assert.equal((await runQuire(["--kb", kb, "add", join(dir.path, "in")])).code, 0);

  for (const args of [["list"], ["list", "--json"], ["search", "tides"]]) {
    const child = spawnQuire(["--kb", kb, ...args]);
    // The reader goes away before the command has written anything.
    await child.stdout.cancel();
    const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
    assert.equal(status.code, 0, `${args.join(" ")}: ${stderr}`);
    assert.doesNotMatch(stderr, /a bug in Quire|BrokenPipe/);
  }
});
