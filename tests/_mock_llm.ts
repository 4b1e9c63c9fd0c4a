/**
 * An OpenAI-compatible server that is not ours, for end-to-end tests:
 * `@dwmkerr/mock-llm` (npm), run as its own program (`deno run
 * npm:@dwmkerr/mock-llm@0.1.29`) with its own lock file
 * (`tests/fixtures/mock-llm/deno.lock`), kept out of the project's
 * `deno.json` and `deno.lock` on purpose: its dependency on `openai@4`
 * brings `@types/node@18`, which would replace Deno's Node types (no
 * `node:sqlite`) in `deno check`. It runs in a subprocess on 127.0.0.1 and a free
 * port (its `HOST` and `PORT` variables; it binds 0.0.0.0:6556 by
 * default), configured with rules that match requests by JMESPath (for
 * example per model name: `body.model == 'good'`); the last matching rule
 * wins.
 *
 * The server logs one line per request (`POST /v1/chat/completions`), which
 * is how {@linkcode MockLlm.chatRequests} counts what it received. To know
 * every earlier line has arrived, it first asks `GET /health` and waits for
 * that request's own line: no timing is assumed.
 *
 * @module
 */

import { join } from "node:path";
import { ROOT } from "./_helpers.ts";

/** The package, pinned, with its own lock file (the integrity of each of its packages). */
const MOCK_LLM = "npm:@dwmkerr/mock-llm@0.1.29";
const MOCK_LLM_LOCK = join(ROOT, "tests", "fixtures", "mock-llm", "deno.lock");

/** One rule: when `match` holds for a chat request, answer `status` with `body`. */
export interface MockRule {
  /** A JMESPath expression over `{body, headers, method, path, query}`. @default "@" (any) */
  match?: string;
  /** @default 200 */
  status?: number;
  /** The response body (turned into JSON); `{{jmes request …}}` templates are expanded. */
  body: unknown;
}

/** A running mock-llm; close it before the test ends. */
export interface MockLlm {
  /** Base URL including `/v1`. */
  baseUrl: string;
  /** Chat requests received so far (exact: see the module doc). */
  chatRequests(): Promise<number>;
  /** Stops the server. Safe to call twice. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A chat completion whose message is `content`, with usage, as mock-llm should answer it. */
export function completion(
  content: string,
  options: { finishReason?: string; promptTokens?: number; completionTokens?: number } = {},
): unknown {
  return {
    id: "chatcmpl-mock",
    object: "chat.completion",
    model: "{{jmes request body.model}}",
    choices: [{
      index: 0,
      message: { role: "assistant", content },
      finish_reason: options.finishReason ?? "stop",
    }],
    usage: {
      prompt_tokens: options.promptTokens ?? 100,
      completion_tokens: options.completionTokens ?? 50,
      total_tokens: (options.promptTokens ?? 100) + (options.completionTokens ?? 50),
    },
  };
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Starts mock-llm with `rules` for `POST /v1/chat/completions`, after its `/health` route. */
export async function startMockLlm(rules: MockRule[], dir: string): Promise<MockLlm> {
  const port = freePort();
  const configFile = join(dir, `mock-llm-${port}.json`);
  await Deno.writeTextFile(
    configFile,
    JSON.stringify({
      streaming: { chunkSize: 40, chunkIntervalMs: 1 },
      rules: rules.map((rule) => ({
        path: "/v1/chat/completions",
        method: "POST",
        match: rule.match ?? "@",
        response: { status: rule.status ?? 200, content: JSON.stringify(rule.body) },
      })),
    }),
  );
  // Its own program (the package's `mock-llm` bin), without our config, from its own lock.
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      "--no-config",
      `--lock=${MOCK_LLM_LOCK}`,
      "--frozen",
      MOCK_LLM,
      "--config",
      configFile,
    ],
    cwd: ROOT,
    env: { HOST: "127.0.0.1", PORT: String(port), NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let log = "";
  let changed: () => void = () => {};
  const readAll = async (stream: ReadableStream<Uint8Array>) => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      log += text;
      changed();
    }
  };
  const reading = Promise.all([readAll(child.stdout), readAll(child.stderr)]);
  const waitFor = async (test: () => boolean, what: string) => {
    const limit = Date.now() + 60_000;
    while (!test()) {
      if (Date.now() > limit) throw new Error(`mock-llm: no ${what} in 60 s:\n${log}`);
      await new Promise<void>((resolve) => {
        changed = resolve;
        setTimeout(resolve, 200);
      });
    }
  };
  const exited = child.status;
  let running = true;
  exited.then(() => (running = false));
  await waitFor(() => log.includes("server running on") || !running, "start");
  if (!running) throw new Error(`mock-llm exited at start:\n${log}`);

  const baseUrl = `http://127.0.0.1:${port}/v1`;
  const count = (line: string) => log.split("\n").filter((l) => l.trim() === line).length;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      if (running) child.kill("SIGTERM");
      await exited;
      await reading;
      await Deno.remove(configFile).catch(() => {});
    })();
    return closed;
  };
  return {
    baseUrl,
    async chatRequests() {
      const seen = count("GET /health");
      await (await fetch(`http://127.0.0.1:${port}/health`)).body?.cancel();
      await waitFor(() => count("GET /health") > seen, "health line");
      return count("POST /v1/chat/completions");
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
