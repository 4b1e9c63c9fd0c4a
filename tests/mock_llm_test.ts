/**
 * End to end against an OpenAI-compatible server that is not ours:
 * `@dwmkerr/mock-llm`, started by the test on 127.0.0.1 with rules per model
 * name (tests/_mock_llm.ts). One server serves every step; the requests it
 * received are counted from its own log.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { completion, startMockLlm } from "./_mock_llm.ts";
import { read, runQuire, runQuireJson, tempDir, writeFiles } from "./_helpers.ts";

const RIGHT_KEY = "sk-mock-right-key-4711";
/** A wrong key as a shell profile might leave it: with a trailing space and CR. */
const WRONG_KEY = "sk-mock-wrong-key-0815 \r";

const ANSWER = JSON.stringify({
  summary: "The harbour log lists every vessel that moored, with its berth and pilot.",
  description: "A harbour log of moorings",
  concepts: [
    { label: "harbour log", note: "It lists every mooring." },
    { label: "berth allocation", note: "Each vessel gets a berth." },
  ],
});

const RULES = [
  // Any model not named below: a 404, like a real server.
  { status: 404, body: { error: { message: "The model does not exist" } } },
  {
    match: "body.model == 'good'",
    body: completion(ANSWER, { promptTokens: 120, completionTokens: 40 }),
  },
  {
    match: "body.model == 'truncating'",
    body: completion('{"summary": "The harbour log lists', { finishReason: "length" }),
  },
  {
    match: "body.model == 'truncating' && body.max_tokens >= `4096`",
    body: completion(ANSWER),
  },
  {
    match: "body.model == 'keyed'",
    status: 401,
    body: {
      error: {
        message: "Incorrect API key provided: {{jmes request headers.authorization}}",
        code: "invalid_api_key",
      },
    },
  },
  {
    match: `body.model == 'keyed' && headers.authorization == 'Bearer ${RIGHT_KEY}'`,
    body: completion(ANSWER),
  },
];

type AddJson = {
  added: { name: string }[];
  updated: { name: string }[];
  failed: { source: string; code: string; error: string }[];
  fallbacks: { source: string; name: string; cause: string }[];
  stats: { llm: { [key: string]: number | string | null } };
};

async function kbWith(dir: string, name: string, llm: Record<string, unknown>): Promise<string> {
  const kb = join(dir, name);
  assert.equal((await runQuire(["init", kb])).code, 0);
  const configPath = join(kb, ".quire", "config.json");
  const config = JSON.parse(await Deno.readTextFile(configPath));
  config.llm = { apiKeyEnv: "", timeoutSeconds: 10, retries: 1, ...llm };
  await Deno.writeTextFile(configPath, JSON.stringify(config, null, 2));
  return kb;
}

async function setModel(kb: string, fields: Record<string, unknown>): Promise<void> {
  const configPath = join(kb, ".quire", "config.json");
  const config = JSON.parse(await Deno.readTextFile(configPath));
  config.llm = { ...config.llm, ...fields };
  await Deno.writeTextFile(configPath, JSON.stringify(config, null, 2));
}

function docs(count: number, prefix: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    files[`${prefix}/log-${i}.md`] = `# Harbour log ${i}\n\nVessel ${i} moored at berth ${
      i + 3
    } with a pilot on board.\n`;
  }
  return files;
}

Deno.test("the LLM ingest against @dwmkerr/mock-llm", async (t) => {
  await using dir = await tempDir();
  const mock = await startMockLlm(RULES, dir.path);
  try {
    const baseUrl = mock.baseUrl;
    let seen = await mock.chatRequests();
    const newRequests = async () => {
      const now = await mock.chatRequests();
      const fresh = now - seen;
      seen = now;
      return fresh;
    };

    await t.step("happy path: one call per document, usage summed", async () => {
      const kb = await kbWith(dir.path, "happy", { baseUrl, model: "good" });
      await writeFiles(dir.path, docs(3, "happy-in"));
      const result = await runQuireJson<AddJson>(["--kb", kb, "add", join(dir.path, "happy-in")]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.json.added.length, 3);
      assert.equal(await newRequests(), 3);
      const llm = result.json.stats.llm;
      assert.deepEqual([llm.calls, llm.promptTokens, llm.completionTokens], [3, 360, 120]);
      const summary = await read(join(kb, "wiki", "summaries", "log-0.md"));
      assert.match(summary, /compiler: "llm"/);
      assert.match(summary, /The harbour log lists every vessel that moored/);
      assert.match(await read(join(kb, "wiki", "concepts", "harbour-log.md")), /log-2/);
    });

    await t.step("streaming: the same answer read from server-sent events", async () => {
      const kb = await kbWith(dir.path, "stream", { baseUrl, model: "good", stream: true });
      await writeFiles(dir.path, { "stream-in/a.md": "# Harbour log\n\nA ferry moored.\n" });
      const result = await runQuireJson<AddJson>(["--kb", kb, "add", join(dir.path, "stream-in")]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(await newRequests(), 1);
      const summary = await read(join(kb, "wiki", "summaries", "a.md"));
      assert.match(summary, /compiler: "llm"/);
      assert.match(summary, /The harbour log lists every vessel that moored/);
    });

    await t.step(
      "truncated answer: asked again with twice the budget; always cut off fails clearly",
      async () => {
        const kb = await kbWith(dir.path, "cut", { baseUrl, model: "truncating" });
        await writeFiles(dir.path, { "cut-in/a.md": "# Harbour log\n\nVessels moored.\n" });
        const ok = await runQuireJson<AddJson>(["--kb", kb, "add", join(dir.path, "cut-in/a.md")]);
        assert.equal(ok.code, 0, ok.stderr);
        assert.equal(await newRequests(), 2);
        assert.equal(ok.json.stats.llm.retries, 1);

        await setModel(kb, { maxTokens: 512, contextTokens: 2048 });
        await writeFiles(dir.path, { "cut-in/b.md": "# Another log\n\nMore vessels moored.\n" });
        const cut = await runQuireJson<AddJson>(["--kb", kb, "add", join(dir.path, "cut-in/b.md")]);
        assert.equal(cut.code, 1);
        assert.equal(cut.json.failed[0].code, "LLM_TRUNCATED");
        assert.match(
          cut.json.failed[0].error,
          /the model's answer was cut off at the output limit in 2 attempt\(s\) \(last 'max_tokens' 1024\); raise 'llm\.maxTokens'/,
        );
        assert.equal(await newRequests(), 2);
      },
    );

    await t.step(
      "wrong key (with a trailing space and CR): one call, redacted, the rest not attempted",
      async () => {
        const kb = await kbWith(dir.path, "keyed", {
          baseUrl,
          model: "keyed",
          apiKeyEnv: "MOCK_KEY",
        });
        await writeFiles(dir.path, docs(4, "keyed-in"));
        const env = { MOCK_KEY: WRONG_KEY };
        const run = await runQuireJson<AddJson>(["--kb", kb, "add", join(dir.path, "keyed-in")], {
          env,
        });
        assert.equal(run.code, 1);
        assert.equal(await newRequests(), 1, "the key was refused once, then no more calls");
        assert.equal(run.json.failed.length, 4);
        assert.match(
          run.json.failed[0].error,
          /HTTP 401 \(check the API key in 'MOCK_KEY'\): .*Incorrect API key provided: Bearer \[redacted\]/,
        );
        for (const failure of run.json.failed.slice(1)) {
          assert.match(
            failure.error,
            /not attempted, because the model endpoint '.*' refused the key/,
          );
        }
        assert.equal(run.json.stats.llm.notAttempted, 3);
        assert.match(
          run.stderr,
          /Stopped calling the model: .* refused the key.*; 3 inputs not attempted/,
        );
        const all = JSON.stringify(run.json) + run.stderr;
        assert.equal(all.includes(WRONG_KEY.trim()), false);
        assert.equal(all.includes("sk-mock-wrong"), false);
      },
    );

    await t.step(
      "fallback visibility: warnings, --json, status, list, log, and recompile --fallbacks",
      async () => {
        const kb = join(dir.path, "keyed");
        const env = { MOCK_KEY: WRONG_KEY };
        const run = await runQuireJson<AddJson>(
          ["--kb", kb, "add", "--fallback", "offline", join(dir.path, "keyed-in")],
          { env },
        );
        assert.equal(run.code, 0, run.stderr);
        assert.equal(await newRequests(), 1);
        assert.equal(run.json.added.length, 4);
        assert.equal(run.json.fallbacks.length, 4);
        assert.match(run.json.fallbacks[0].cause, /HTTP 401/);
        assert.match(run.json.fallbacks[1].cause, /not attempted, because/);
        assert.equal(run.stderr.match(/^warning: log-\d compiled offline: /gm)?.length, 4);
        assert.match(
          run.stderr,
          /^warning: 4 documents compiled offline because the model failed; `quire recompile --fallbacks`/m,
        );
        assert.equal((JSON.stringify(run.json) + run.stderr).includes("sk-mock-wrong"), false);

        const status = await runQuireJson<{ fallbacks: number }>(["--kb", kb, "status"]);
        assert.equal(status.json.fallbacks, 4);
        const list = await runQuire(["--kb", kb, "list"]);
        assert.match(list.stdout, /^log-0\s+markdown\s+\S+ B\s+offline-fallback\s/m);
        assert.match(
          await read(join(kb, "wiki", "log.md")),
          /compiled offline: Cannot get an answer .*HTTP 401/,
        );

        // Another document compiled by the model is not selected by --fallbacks.
        await writeFiles(dir.path, { "keyed-extra/x.md": "# Extra log\n\nA tug moored.\n" });
        const right = { MOCK_KEY: RIGHT_KEY };
        assert.equal(
          (await runQuire(["--kb", kb, "add", join(dir.path, "keyed-extra/x.md")], { env: right }))
            .code,
          0,
        );
        assert.equal(await newRequests(), 1);
        const again = await runQuireJson<AddJson>(["--kb", kb, "recompile", "--fallbacks"], {
          env: right,
        });
        assert.equal(again.code, 0, again.stderr);
        assert.deepEqual(again.json.updated.map((u) => u.name).sort(), [
          "log-0",
          "log-1",
          "log-2",
          "log-3",
        ]);
        assert.equal(again.json.fallbacks.length, 0);
        assert.equal(await newRequests(), 4);
        const after = await runQuireJson<{ compiler: string }[]>(["--kb", kb, "list"]);
        assert.deepEqual(after.json.map((d) => d.compiler), ["llm", "llm", "llm", "llm", "llm"]);
        const none = await runQuireJson<AddJson>(["--kb", kb, "recompile", "--fallbacks"], {
          env: right,
        });
        assert.equal(none.json.updated.length, 0);
      },
    );

    await t.step(
      "cache hits after a SIGKILL mid-batch: no document is paid for twice",
      async () => {
        const kb = await kbWith(dir.path, "killed", { baseUrl, model: "good" });
        await writeFiles(dir.path, docs(6, "killed-in"));
        const folder = join(dir.path, "killed-in");
        const killed = await runQuire(["--kb", kb, "add", folder], {
          // Groups of one, so that the kill comes after exactly two documents.
          env: { QUIRE_CRASH_AT: "committed:2", QUIRE_GROUP: "1" },
        });
        assert.equal(killed.signal, "SIGKILL");
        const paidBeforeKill = await newRequests();
        const status = await runQuireJson<{ documents: number; cache: { entries: number } }>(
          ["--kb", kb, "status"],
        );
        // Recovery has not run yet (status is read-only): the two committed documents, and every
        // answer received before the kill, are in the cache.
        const cached = status.json.cache.entries;
        assert.ok(cached >= 2 && cached <= paidBeforeKill, `${cached} cached of ${paidBeforeKill}`);

        const rerun = await runQuireJson<AddJson>(["--kb", kb, "add", folder]);
        assert.equal(rerun.code, 0, rerun.stderr);
        assert.equal(rerun.json.added.length, 4);
        const paidOnRerun = await newRequests();
        assert.equal(paidOnRerun, 6 - cached, "only documents with no cached answer are sent");
        assert.equal(rerun.json.stats.llm.calls, paidOnRerun);
        const recompiled = await runQuireJson<AddJson>(["--kb", kb, "recompile"]);
        assert.equal(recompiled.json.updated.length, 6);
        assert.equal(await newRequests(), 0);
        assert.equal((await runQuire(["--kb", kb, "lint"])).code, 0);
      },
    );

    await t.step(
      "dead endpoint: fail fast with the cause, and say how many were not attempted",
      async () => {
        const kb = await kbWith(dir.path, "dead", { baseUrl, model: "good", failFastAfter: 3 });
        await writeFiles(dir.path, docs(6, "dead-in"));
        await mock.close();
        const run = await runQuireJson<AddJson>(["--kb", kb, "add", join(dir.path, "dead-in")]);
        assert.equal(run.code, 1);
        assert.equal(run.json.failed.length, 6);
        assert.match(
          run.json.failed[0].error,
          /network error after 2 attempt\(s\): connection refused/,
        );
        const llm = run.json.stats.llm;
        assert.equal(llm.notAttempted, 4);
        assert.equal(llm.calls, 4);
        assert.match(String(llm.stopped), /failed 4 times in a row \(last: connection refused/);
        assert.match(run.stderr, /Stopped calling the model: .*; 4 inputs not attempted/);
        for (const failure of run.json.failed.slice(2)) {
          assert.match(failure.error, /not attempted, because the model endpoint/);
        }
      },
    );
  } finally {
    await mock.close();
  }
});
