import assert from "node:assert/strict";
import { join } from "node:path";
import {
  journalRows,
  registryDocuments,
  runQuire,
  spawnQuire,
  stagingLeft,
  tempDir,
  writeFiles,
} from "./_helpers.ts";

async function makeFolder(dir: string, count: number): Promise<string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    files[`in/n${String(i).padStart(4, "0")}.md`] = `# Note ${i}\n\nNote number ${i} about topic ${
      i % 7
    }.\n`;
  }
  await writeFiles(dir, files);
  return join(dir, "in");
}

/**
 * Reads `child`'s stderr until `pattern` shows up; `rest` then resolves to
 * all of stderr once the process ends. (Wrapped in an object because an
 * async function returning a promise would wait for it.)
 */
async function waitFor(
  child: Deno.ChildProcess,
  pattern: RegExp,
): Promise<{ rest: Promise<string> }> {
  const reader = child.stderr.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!pattern.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`process ended before ${pattern}: ${text}`);
    text += decoder.decode(value, { stream: true });
  }
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += decoder.decode(value, { stream: true });
    }
  })();
  return { rest };
}

Deno.test("Ctrl-C stops the batch after the current document, reports and exits 130", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  const folder = await makeFolder(dir.path, 400);
  assert.equal((await runQuire(["init", kb])).code, 0);

  const child = spawnQuire(["--kb", kb, "add", folder]);
  const { rest } = await waitFor(child, /added n0001 /);
  child.kill("SIGINT");
  const [status, stdout, stderr] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    rest,
  ]);
  assert.equal(stdout, "");
  assert.equal(status.code, 130, stderr);
  assert.match(stderr, /Interrupted: finishing the current document/);
  assert.match(stderr, /Added \d+, updated 0, skipped 0, failed 0/);
  assert.match(stderr, /Interrupted: the inputs not listed above were not added/);

  const names = registryDocuments(kb).map((d) => d.name);
  assert.ok(names.length >= 2 && names.length < 400, `${names.length} committed`);
  // What was committed is a prefix of the inputs, and complete.
  assert.deepEqual(names, names.map((_, i) => `n${String(i).padStart(4, "0")}`));
  assert.deepEqual(await stagingLeft(kb), []);
  assert.equal(journalRows(kb), 0);
  const index = await Deno.readTextFile(join(kb, "wiki", "index.md"));
  assert.match(index, new RegExp(`^${names.length} documents`, "m"));

  const finish = await runQuire(["--kb", kb, "add", folder]);
  assert.equal(finish.code, 0);
  assert.equal(registryDocuments(kb).length, 400);
});

Deno.test("a second Ctrl-C exits at once, and the next run recovers", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  const folder = await makeFolder(dir.path, 400);
  assert.equal((await runQuire(["init", kb])).code, 0);

  const child = spawnQuire(["--kb", kb, "add", folder]);
  const { rest } = await waitFor(child, /added n0001 /);
  child.kill("SIGINT");
  child.kill("SIGINT");
  const [status] = await Promise.all([child.status, new Response(child.stdout).text(), rest]);
  assert.equal(status.code, 130);

  const recover = await runQuire(["--kb", kb, "recover"]);
  assert.equal(recover.code, 0);
  const names = registryDocuments(kb).map((d) => d.name);
  assert.deepEqual(names, names.map((_, i) => `n${String(i).padStart(4, "0")}`));
  assert.deepEqual(await stagingLeft(kb), []);
  for (const name of names) {
    await Deno.stat(join(kb, "wiki", "summaries", `${name}.md`));
    await Deno.stat(join(kb, "raw", `${name}.md`));
  }
});

Deno.test("SIGTERM stops the batch like Ctrl-C and exits 143", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  const folder = await makeFolder(dir.path, 400);
  assert.equal((await runQuire(["init", kb])).code, 0);

  const child = spawnQuire(["--kb", kb, "add", folder]);
  const { rest } = await waitFor(child, /added n0001 /);
  child.kill("SIGTERM");
  const [status, , stderr] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    rest,
  ]);
  assert.equal(status.code, 143, stderr);
  assert.match(stderr, /Interrupted: finishing the current document, then stopping \(SIGTERM/);
  assert.match(stderr, /Interrupted: the inputs not listed above were not added/);
  const names = registryDocuments(kb).map((d) => d.name);
  assert.ok(names.length >= 2 && names.length < 400, `${names.length} committed`);
  assert.deepEqual(names, names.map((_, i) => `n${String(i).padStart(4, "0")}`));
  assert.deepEqual(await stagingLeft(kb), []);
  assert.equal(journalRows(kb), 0);
});

Deno.test({
  name: "withInterrupts() exits 143 within its grace period when a read never returns",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await using dir = await tempDir();
    const fifo = join(dir.path, "stuck");
    assert.ok((await new Deno.Command("mkfifo", { args: [fifo] }).output()).success);
    // A FIFO with no writer: opening it blocks for ever, like a reader on a dead share.
    const script = join(dir.path, "stuck.ts");
    await Deno.writeTextFile(
      script,
      `import { withInterrupts } from ${
        JSON.stringify(new URL("../cli/interrupts.ts", import.meta.url).href)
      };
await withInterrupts(async () => {
  console.error("reading");
  await Deno.readFile(${JSON.stringify(fifo)});
}, { graceMs: 500 });
console.error("not reached");
`,
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", script],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const { rest } = await waitFor(child, /reading/);
    child.kill("SIGTERM");
    const [status, stderr] = await Promise.all([child.status, rest]);
    assert.equal(status.code, 143, stderr);
    assert.match(stderr, /Stopped: the command did not end within 0\.5 s of the interrupt/);
    assert.doesNotMatch(stderr, /not reached/);
  },
});
