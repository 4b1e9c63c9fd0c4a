/**
 * How a model call fails: {@linkcode LlmCallError}, an `InputError` that
 * also says what kind of failure it was, so the worker can tell a dead
 * endpoint (stop calling it) from a bad answer (retry or fall back); and the
 * helpers that keep messages safe and useful: redaction of every form of the
 * key, and the cause of a network error (refused, DNS…), which `fetch`
 * hides behind a bare "fetch failed".
 *
 * @module
 */

import { InputError, type InputErrorCode } from "../../core/errors.ts";

/**
 * What went wrong with a model call:
 *
 * - `connection`: no HTTP answer (refused, DNS, reset) after the retries;
 * - `timeout`: no answer within `llm.timeoutSeconds`, or before the input's
 *   prepare deadline;
 * - `server`: HTTP 5xx after the retries;
 * - `key`: HTTP 401 or 403;
 * - `http`: another HTTP error (a 4xx, or 429 after the retries);
 * - `answer`: an answer that cannot be used (not a completion, invalid JSON
 *   after the re-asks, empty);
 * - `truncated`: the answer was cut off at the output budget every time;
 * - `not-attempted`: the model was not called because it kept failing.
 */
export type LlmFailureKind =
  | "connection"
  | "timeout"
  | "server"
  | "key"
  | "http"
  | "answer"
  | "truncated"
  | "not-attempted";

/** A failed model call: an input error with the kind of failure. */
export class LlmCallError extends InputError {
  /** What went wrong. */
  readonly kind: LlmFailureKind;

  constructor(kind: LlmFailureKind, message: string, path: string) {
    const code: InputErrorCode = kind === "truncated" ? "LLM_TRUNCATED" : "LLM";
    super(code, message, path);
    this.name = "LlmCallError";
    this.kind = kind;
  }
}

/** Replaces every form of the key in `text` with `[redacted]` (longest form first). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret !== "") out = out.split(secret).join("[redacted]");
  }
  return out;
}

/** The messages of an error and its causes, outermost first. */
function causeChain(error: unknown): string[] {
  const out: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; depth++) {
    if (e instanceof Error) {
      out.push(e.message);
      e = e.cause;
    } else {
      out.push(String(e));
      e = undefined;
    }
  }
  return out;
}

/**
 * Describes a network error by its cause: "connection refused", "DNS lookup
 * failed", "connection reset", "connection timed out", followed by the
 * lowest-level message (without the request URL, shown elsewhere).
 */
export function describeNetworkError(error: unknown): string {
  const chain = causeChain(error);
  const deepest = (chain.at(-1) ?? "unknown error")
    .replace(/^error sending request (?:from \S+ )?for url \([^)]*\):\s*/i, "")
    .replace(/\s+/g, " ").trim();
  const all = chain.join(" ");
  const kind = /connection refused|ECONNREFUSED|os error 111/i.test(all)
    ? "connection refused"
    : /dns error|failed to lookup|name or service not known|ENOTFOUND|nodename nor servname/i
        .test(all)
    ? "DNS lookup failed"
    : /connection reset|ECONNRESET|os error 104|broken pipe/i.test(all)
    ? "connection reset"
    : /timed out|ETIMEDOUT|os error 110/i.test(all)
    ? "connection timed out"
    : /certificate|tls|ssl/i.test(all)
    ? "TLS error"
    : "";
  if (kind === "") return deepest;
  return deepest === "" || deepest.toLowerCase() === kind ? kind : `${kind} (${deepest})`;
}
