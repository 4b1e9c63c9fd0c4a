/**
 * Reading a chat-completions answer into one {@linkcode ChatAnswer}, from
 * either shape a server sends: one JSON body, or (`stream: true`) a stream
 * of server-sent events whose `choices[0].delta.content` pieces make up the
 * message. Both give the same answer, so the callers validate it the same
 * way.
 *
 * Choices made where the spec was silent:
 *
 * - A server that ignores `stream: true` and sends one JSON body is read as
 *   such (decided by the `Content-Type`).
 * - An event carrying `error` (the OpenAI way of failing a stream that has
 *   started) fails the call; so does a stream that ends without `[DONE]` or
 *   a `finish_reason` and with no content.
 * - The text read is capped at {@linkcode MAX_ANSWER_CHARS}: a model answer
 *   is small, and a broken server must not fill memory.
 *
 * @module
 */

/** The token counts a server reports for one call. */
export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
}

/** One answer of the model. */
export interface ChatAnswer {
  /** The assistant message's text. */
  content: string;
  /** Why the model stopped: "stop", "length" (cut off at `max_tokens`)…; null when not said. */
  finishReason: string | null;
  /** The server's token counts; null when it sent none. */
  usage: ChatUsage | null;
}

/** The outcome of reading a body: an answer, or what is wrong with it. */
export type ReadAnswer = { ok: true; answer: ChatAnswer } | { ok: false; problem: string };

/** Longest answer text read from one response. */
export const MAX_ANSWER_CHARS = 4 * 1024 * 1024;

const EXCERPT_CHARS = 300;

/** One line of at most 300 characters, for messages. */
export function excerpt(body: string): string {
  const line = body.replace(/\s+/g, " ").trim();
  return line.length > EXCERPT_CHARS ? line.slice(0, EXCERPT_CHARS) + "…" : line;
}

function usageOf(body: unknown): ChatUsage | null {
  const usage = (body as { usage?: Record<string, unknown> } | null)?.usage;
  if (typeof usage !== "object" || usage === null) return null;
  const prompt = Number(usage.prompt_tokens);
  const completion = Number(usage.completion_tokens);
  if (!Number.isFinite(prompt) && !Number.isFinite(completion)) return null;
  return {
    promptTokens: Number.isFinite(prompt) ? prompt : 0,
    completionTokens: Number.isFinite(completion) ? completion : 0,
  };
}

/** Text of a message or delta `content`: a string, or an array of `{text}` parts. */
function contentText(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    const parts = content.map((part) => (part as { text?: unknown })?.text);
    if (parts.every((part) => typeof part === "string")) return parts.join("");
  }
  return undefined;
}

/** Reads one JSON completion body (`choices[0].message.content`). */
export function readCompletionBody(text: string): ReadAnswer {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, problem: `a body that is not JSON: ${excerpt(text)}` };
  }
  const choice =
    (body as { choices?: { message?: { content?: unknown }; finish_reason?: unknown }[] })
      ?.choices?.[0];
  const content = contentText(choice?.message?.content);
  if (content === undefined) {
    return { ok: false, problem: `no message in 'choices[0]': ${excerpt(text)}` };
  }
  const reason = choice?.finish_reason;
  return {
    ok: true,
    answer: {
      content,
      finishReason: typeof reason === "string" ? reason : null,
      usage: usageOf(body),
    },
  };
}

/** Reads a stream of server-sent events (`data: {…}` lines, ending with `data: [DONE]`). */
export async function readCompletionStream(body: ReadableStream<Uint8Array>): Promise<ReadAnswer> {
  let content = "";
  let finishReason: string | null = null;
  let usage: ChatUsage | null = null;
  let done = false;
  let pending = "";
  let chunks = 0;
  const take = (line: string): string | null => {
    if (!line.startsWith("data:")) return null;
    const data = line.slice(5).trim();
    if (data === "[DONE]") {
      done = true;
      return null;
    }
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      return `an event that is not JSON: ${excerpt(data)}`;
    }
    const error = (event as { error?: unknown })?.error;
    if (error !== undefined) return `an error event: ${excerpt(JSON.stringify(error))}`;
    const choice =
      (event as { choices?: { delta?: { content?: unknown }; finish_reason?: unknown }[] })
        ?.choices?.[0];
    content += contentText(choice?.delta?.content) ?? "";
    if (typeof choice?.finish_reason === "string") finishReason = choice.finish_reason;
    usage = usageOf(event) ?? usage;
    chunks++;
    return null;
  };
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    while (!done) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      pending += value;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const problem = take(line);
        if (problem !== null) return { ok: false, problem };
        if (done) break;
      }
      if (content.length + pending.length > MAX_ANSWER_CHARS) {
        return { ok: false, problem: `a stream of more than ${MAX_ANSWER_CHARS} characters` };
      }
    }
    if (!done && pending !== "") {
      const problem = take(pending);
      if (problem !== null) return { ok: false, problem };
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  if (chunks === 0) return { ok: false, problem: "a stream without any completion event" };
  if (!done && finishReason === null && content === "") {
    return { ok: false, problem: "a stream that ended before any content" };
  }
  return { ok: true, answer: { content, finishReason, usage } };
}
