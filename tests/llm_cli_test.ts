/**
 * The LLM compiler and `query` through the CLI, against a real local
 * chat-completions server (tests/_fake_llm.ts).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { fakeJson, fakeStatus, fakeText, startFakeLlm } from "./_fake_llm.ts";
import {
  read,
  registryDocuments,
  runQuire,
  runQuireJson,
  tempDir,
  writeFiles,
} from "./_helpers.ts";

const KEY = "sk-test-secret-0123456789";
const ENV = { QUIRE_TEST_LLM_KEY: KEY };

async function kbWithLlm(dir: string, baseUrl: string): Promise<string> {
  const kb = join(dir, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  const configPath = join(kb, ".quire", "config.json");
  const config = JSON.parse(await Deno.readTextFile(configPath));
  config.llm = {
    baseUrl,
    model: "fake-model",
    apiKeyEnv: "QUIRE_TEST_LLM_KEY",
    timeoutSeconds: 5,
    retries: 1,
  };
  await Deno.writeTextFile(configPath, JSON.stringify(config, null, 2));
  return kb;
}

const ANSWER = {
  summary: "The harbour schedule lists arrivals by berth. Pilots board every vessel.",
  description: "How the harbour schedules berths and pilots",
  concepts: [
    { label: "Berth schedule", note: "Arrivals are listed by berth." },
    { label: "Harbour pilots", note: "Pilots board every vessel." },
  ],
};

Deno.test("add with an LLM configured writes the model's summary and notes, marked llm", async () => {
  await using llm = startFakeLlm({
    apiKey: KEY,
    answers: [fakeText("not json at all"), fakeJson(ANSWER)],
  });
  await using dir = await tempDir();
  const kb = await kbWithLlm(dir.path, llm.baseUrl);
  await writeFiles(dir.path, {
    "harbour.md": "# Harbour\n\nThe harbour schedule lists arrivals by berth.\n",
  });
  const result = await runQuire(["--kb", kb, "add", join(dir.path, "harbour.md")], { env: ENV });
  assert.equal(result.code, 0, result.stderr);
  const summary = await read(join(kb, "wiki", "summaries", "harbour.md"));
  assert.match(summary, /compiler: "llm"/);
  assert.match(summary, /> How the harbour schedules berths and pilots/);
  assert.match(summary, /Pilots board every vessel\./);
  assert.match(summary, /\[\[concepts\/berth-schedule\|Berth schedule\]\]/);
  const concept = await read(join(kb, "wiki", "concepts", "berth-schedule.md"));
  assert.match(concept, /\[\[summaries\/harbour\|Harbour\]\]: Arrivals are listed by berth\./);
  // The malformed answer was retried once; the key went in the header only.
  assert.equal(llm.requests.filter((r) => r.path.endsWith("/chat/completions")).length, 2);
  assert.equal(llm.requests[0].headers.authorization, `Bearer ${KEY}`);
  for (
    const file of [
      summary,
      concept,
      await read(join(kb, "wiki", "log.md")),
      await read(join(kb, ".quire", "config.json")),
    ]
  ) {
    assert.doesNotMatch(file, new RegExp(KEY));
  }
});

Deno.test("add fails an input whose LLM answers stay invalid, or compiles it offline with --fallback offline", async () => {
  await using llm = startFakeLlm({
    apiKey: KEY,
    answers: [
      fakeText("nope"),
      fakeText("still nope"),
      fakeStatus(500),
      fakeStatus(500),
      fakeStatus(500),
      fakeStatus(500),
    ],
  });
  await using dir = await tempDir();
  const kb = await kbWithLlm(dir.path, llm.baseUrl);
  await writeFiles(dir.path, { "a.md": "# A\n\nAlpha text about tides.\n" });
  const failed = await runQuireJson<{ failed: { code: string; error: string }[] }>(
    ["--kb", kb, "add", join(dir.path, "a.md")],
    { env: ENV },
  );
  assert.equal(failed.code, 1);
  assert.equal(failed.json.failed[0].code, "LLM");
  assert.doesNotMatch(failed.json.failed[0].error + failed.stderr, new RegExp(KEY));
  assert.deepEqual(registryDocuments(kb), []);

  const fallback = await runQuire([
    "--kb",
    kb,
    "add",
    "--fallback",
    "offline",
    join(dir.path, "a.md"),
  ], { env: ENV });
  assert.equal(fallback.code, 0, fallback.stderr);
  assert.match(await read(join(kb, "wiki", "summaries", "a.md")), /compiler: "offline-fallback"/);
});

Deno.test("add retries a 429 answer honouring Retry-After", async () => {
  await using llm = startFakeLlm({
    answers: [fakeStatus(429, { "retry-after": "1" }), fakeJson(ANSWER)],
  });
  await using dir = await tempDir();
  const kb = await kbWithLlm(dir.path, llm.baseUrl);
  await writeFiles(dir.path, { "b.md": "# B\n\nBerths and pilots.\n" });
  const started = performance.now();
  const result = await runQuire(["--kb", kb, "add", join(dir.path, "b.md")]);
  assert.equal(result.code, 0, result.stderr);
  assert.ok(performance.now() - started >= 1000, "waited for Retry-After");
  assert.equal(llm.requests.length, 2);
});

Deno.test("search, query and lint through the CLI", async () => {
  await using llm = startFakeLlm({ apiKey: KEY });
  await using dir = await tempDir();
  const kb = await kbWithLlm(dir.path, llm.baseUrl);
  await writeFiles(dir.path, {
    "in/tides.md":
      "# Tide tables\n\nTide tables predict high water and low water for each harbour.\n",
    "in/cranes.md": "# Harbour cranes\n\nGantry cranes unload containers from ships.\n",
  });
  assert.equal((await runQuire(["--kb", kb, "add", join(dir.path, "in")], { env: ENV })).code, 0);

  const search = await runQuireJson<{ name: string; page: string; snippet: string }[]>([
    "--kb",
    kb,
    "search",
    "tide",
    "tables",
  ]);
  assert.equal(search.code, 0);
  assert.equal(search.json[0].name, "tides");
  assert.equal(search.json[0].page, "wiki/summaries/tides.md");
  assert.match(search.json[0].snippet, /«Tide»/);
  const weird = await runQuire(["--kb", kb, "search", '"unclosed AND (', "NEAR*"]);
  assert.equal(weird.code, 0, weird.stderr);
  assert.equal((await runQuire(["--kb", kb, "search", ""])).code, 2);

  const query = await runQuireJson<
    { answer: string; citations: string[]; saved: { page: string } }
  >(
    ["--kb", kb, "query", "--save", "what do tide tables predict?"],
    { env: ENV },
  );
  assert.equal(query.code, 0, query.stderr);
  assert.match(query.json.answer, /\[\[summaries\/tides/);
  assert.ok(query.json.citations.includes("summaries/tides"));
  const page = await read(join(kb, query.json.saved.page));
  assert.match(page, /question: "what do tide tables predict\?"/);
  assert.match(await read(join(kb, "wiki", "index.md")), /## Explorations\n\n- \[\[explorations\//);

  const noKey = await runQuire(["--kb", kb, "query", "cranes?"]);
  assert.equal(noKey.code, 1);
  assert.match(
    noKey.stderr,
    /HTTP 401 \(no API key was sent: the variable 'QUIRE_TEST_LLM_KEY' is not set\)/,
  );
  assert.match(noKey.stderr, /The model gave no answer; the matching documents:/);
  assert.match(noKey.stdout, /1\. Harbour cranes \(cranes\)\n {3}wiki\/summaries\/cranes\.md/);
  assert.doesNotMatch(noKey.stderr, new RegExp(KEY));
  const noKeyJson = await runQuireJson<{ error: { code: string }; hits: unknown[] }>(
    ["--kb", kb, "query", "cranes?"],
  );
  assert.equal(noKeyJson.code, 1);
  assert.equal(noKeyJson.json.error.code, "LLM");
  assert.equal(noKeyJson.json.hits.length, 1);

  const lint = await runQuireJson<{ problems: unknown[] }>(["--kb", kb, "lint"]);
  assert.equal(lint.code, 0, JSON.stringify(lint.json));
  await Deno.remove(join(kb, "wiki", "summaries", "cranes.md"));
  const broken = await runQuireJson<{ problems: { kind: string; path: string }[] }>([
    "--kb",
    kb,
    "lint",
  ]);
  assert.equal(broken.code, 1);
  assert.ok(
    broken.json.problems.some((p) =>
      p.kind === "missing-file" && p.path === "wiki/summaries/cranes.md"
    ),
  );
  assert.ok(broken.json.problems.some((p) => p.kind === "broken-link"));
});

Deno.test("query without an LLM says so and shows the search results", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  await writeFiles(dir.path, { "a.md": "# Anchors\n\nAnchors hold ships in place.\n" });
  await runQuire(["--kb", kb, "add", join(dir.path, "a.md")]);
  const result = await runQuire(["--kb", kb, "query", "what holds ships?"]);
  assert.equal(result.code, 0);
  assert.match(result.stderr, /No LLM is configured/);
  assert.match(result.stdout, /1\. Anchors \(a\)\n {3}wiki\/summaries\/a\.md/);
});

Deno.test("lint finds no broken related-concept links after documents are removed", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  const files: Record<string, string> = {};
  const topics = ["solar panels", "wind turbines", "battery storage", "grid electricity"];
  for (let i = 0; i < 6; i++) {
    const a = topics[i % 4];
    const b = topics[(i + 1) % 4];
    files[`in/d${i}.md`] =
      `# Energy note ${i}\n\nThis note covers ${a} and ${b}. Both ${a} and ${b} matter for the grid.\n`;
  }
  await writeFiles(dir.path, files);
  assert.equal((await runQuire(["--kb", kb, "add", join(dir.path, "in")])).code, 0);
  for (const name of ["d0", "d1", "d2"]) {
    assert.equal((await runQuire(["--kb", kb, "remove", name])).code, 0);
    const lint = await runQuireJson<{ problems: unknown[] }>(["--kb", kb, "lint"]);
    assert.deepEqual(lint.json.problems, [], `after removing ${name}`);
  }
});
