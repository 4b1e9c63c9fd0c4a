import assert from "node:assert/strict";
import { join } from "node:path";
import {
  registryDocuments,
  runQuire,
  spawnQuire,
  stagingLeft,
  tempDir,
  writeFiles,
} from "./_helpers.ts";
import { kbLayout, type QuireError } from "../core/mod.ts";
import { watchFolder } from "../commit/mod.ts";

/** Collects a child's stderr as it arrives. */
function streamText(
  stream: ReadableStream<Uint8Array>,
): { text: () => string; done: Promise<void> } {
  let text = "";
  const decoder = new TextDecoder();
  const done = (async () => {
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  })();
  return { text: () => text, done };
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function names(kb: string): string[] {
  return registryDocuments(kb).map((d) => d.name);
}

Deno.test("watch adds, updates and removes inbox files, never reads a file half-written, and stops on Ctrl-C", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  const inbox = join(dir.path, "inbox");
  await writeFiles(inbox, { "early.md": "# Early\n\nThere before the watch started.\n" });
  assert.equal((await runQuire(["init", kb])).code, 0);

  const child = spawnQuire(["--kb", kb, "watch", inbox]);
  const stderr = streamText(child.stderr);
  await until(() => /Watching '/.test(stderr.text()), "the watch to start");
  await until(() => names(kb).includes("early"), "the initial reconcile");

  // A file written in two parts, with a pause longer than the debounce.
  const file = await Deno.open(join(inbox, "slow.md"), { write: true, create: true });
  await file.write(new TextEncoder().encode("# Slow\n\nThe first half of a slow file. "));
  await new Promise((resolve) => setTimeout(resolve, 400));
  await file.write(new TextEncoder().encode("The second half arrives later.\n"));
  file.close();
  await until(() => names(kb).includes("slow"), "the slow file");
  const raw = await Deno.readTextFile(join(kb, "raw", "slow.md"));
  assert.match(raw, /The second half arrives later\./);

  await Deno.writeTextFile(join(inbox, "early.md"), "# Early\n\nChanged while watched.\n");
  await until(
    async () => /Changed while watched/.test(await Deno.readTextFile(join(kb, "raw", "early.md"))),
    "the update",
  );
  await Deno.remove(join(inbox, "slow.md"));
  await until(() => !names(kb).includes("slow"), "the removal");

  child.kill("SIGINT");
  const status = await child.status;
  await stderr.done;
  await child.stdout.cancel();
  assert.equal(status.code, 0, stderr.text());
  assert.match(stderr.text(), /Stopped watching/);
  assert.deepEqual(await stagingLeft(kb), []);
});

Deno.test("a second watch on the same knowledge base is refused with exit 3", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  const inbox = join(dir.path, "inbox");
  await Deno.mkdir(inbox, { recursive: true });
  assert.equal((await runQuire(["init", kb])).code, 0);
  const first = spawnQuire(["--kb", kb, "watch", inbox]);
  const stderr = streamText(first.stderr);
  await until(() => /Watching '/.test(stderr.text()), "the first watch");
  const second = await runQuire(["--kb", kb, "watch", inbox]);
  assert.equal(second.code, 3);
  assert.match(second.stderr, /another `quire watch` \(pid \d+/);
  first.kill("SIGINT");
  assert.equal((await first.status).code, 0);
  await stderr.done;
  await first.stdout.cancel();
});

Deno.test("watch refuses Quire's own folders", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  const result = await runQuire(["--kb", kb, "watch", join(kb, "raw")]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /Cannot watch '.*raw': it holds Quire's own 'raw\/' folder/);
  const missing = await runQuire(["--kb", kb, "watch"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no folder given and no 'inbox' in the config/);
});

Deno.test("watch and a manual add run at the same time without corrupting anything", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  const inbox = join(dir.path, "inbox");
  const manual = join(dir.path, "manual");
  const inboxFiles: Record<string, string> = {};
  const manualFiles: Record<string, string> = {};
  for (let i = 0; i < 40; i++) {
    inboxFiles[`w${String(i).padStart(2, "0")}.md`] = `# Watched ${i}\n\nInbox file ${i}.\n`;
    manualFiles[`m${String(i).padStart(2, "0")}.md`] = `# Manual ${i}\n\nManual file ${i}.\n`;
  }
  await Deno.mkdir(inbox, { recursive: true });
  await writeFiles(manual, manualFiles);
  assert.equal((await runQuire(["init", kb])).code, 0);
  const child = spawnQuire(["--kb", kb, "watch", inbox]);
  const stderr = streamText(child.stderr);
  await until(() => /Watching '/.test(stderr.text()), "the watch to start");

  await writeFiles(inbox, inboxFiles);
  // Start the manual add while the watch's reconcile holds the lock: it must wait.
  await until(() => /added w00 /.test(stderr.text()), "the watch to start its reconcile");
  const added = await runQuire(["--kb", kb, "--wait", "60", "add", manual]);
  assert.equal(added.code, 0, added.stderr);
  await until(() => names(kb).length === 80, "all 80 documents", 60_000);

  // The two batches were serialized by the lock, not interleaved.
  const log = await Deno.readTextFile(join(kb, "wiki", "log.md"));
  const order = [...log.matchAll(/\*\*add\*\* \[\[summaries\/([wm])\d+/g)].map((m) => m[1])
    .reverse();
  assert.equal(order.join(""), "w".repeat(40) + "m".repeat(40));

  child.kill("SIGINT");
  assert.equal((await child.status).code, 0);
  await stderr.done;
  await child.stdout.cancel();
  const recover = await runQuire(["--kb", kb, "recover"]);
  assert.match(recover.stderr, /Nothing to recover/);
  for (const name of names(kb)) {
    await Deno.stat(join(kb, "raw", `${name}.md`));
    await Deno.stat(join(kb, "wiki", "summaries", `${name}.md`));
  }
  const index = await Deno.readTextFile(join(kb, "wiki", "index.md"));
  assert.match(index, /^80 documents/m);
});

Deno.test("watch with no folder uses the config's inbox, relative to the knowledge base", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  const configPath = join(kb, ".quire", "config.json");
  const config = JSON.parse(await Deno.readTextFile(configPath));
  config.inbox = "inbox";
  await Deno.writeTextFile(configPath, JSON.stringify(config));
  await writeFiles(join(kb, "inbox"), { "note.md": "# Note\n\nDropped into the inbox.\n" });
  const child = spawnQuire(["--kb", kb, "watch"]);
  const stderr = streamText(child.stderr);
  await until(() => names(kb).includes("note"), "the inbox file");
  assert.match(stderr.text(), new RegExp(`Watching '${join(kb, "inbox")}'`));
  child.kill("SIGINT");
  assert.equal((await child.status).code, 0);
  await stderr.done;
  await child.stdout.cancel();
});

Deno.test("watchFolder() fails with WATCH, and releases its locks, when the file watcher stops by itself", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  const inbox = join(dir.path, "inbox");
  await writeFiles(inbox, { "note.md": "# Note\n\nIn the inbox.\n" });
  assert.equal((await runQuire(["init", kb])).code, 0);
  const layout = kbLayout(kb);
  const signal = new AbortController().signal;

  // A real watcher, closed from outside after the watch started (as when
  // the system ends it): the watch must not wait forever holding watch.lock.
  const closed = watchFolder(layout, inbox, {
    signal,
    startWatcher: (folder) => {
      const watcher = Deno.watchFs(folder, { recursive: true });
      setTimeout(() => watcher.close(), 300);
      return watcher;
    },
  });
  await assert.rejects(closed, (error: QuireError) => {
    assert.equal(error.code, "WATCH");
    assert.match(error.message, /Cannot watch '.*inbox': the file watcher stopped \(it ended\)/);
    return true;
  });
  assert.deepEqual(names(kb), ["note"]);

  // A watcher that throws: the cause is in the message. The second watch
  // starting at all shows the first released watch.lock.
  const failing = {
    close() {},
    [Symbol.dispose]() {},
    // deno-lint-ignore require-yield
    async *[Symbol.asyncIterator]() {
      throw new Error("inotify queue overflow");
    },
  } as unknown as Deno.FsWatcher;
  await assert.rejects(
    watchFolder(layout, inbox, { signal, startWatcher: () => failing }),
    /the file watcher stopped \(inotify queue overflow\)/,
  );
});
