/**
 * Imports one processed PageIndex Cloud document by its DOC_ID: three GETs
 * (metadata, tree with summaries, OCR text per page), each sent with the
 * `api_key` header, a timeout and retries; `pageindex_document.ts` then checks
 * the answers and converts them. The API is described in
 * `/work/shared/PAGEINDEX.md`.
 *
 * Choices made where the spec was silent:
 *
 * - **No page loop.** One `?type=ocr&format=page` GET returns every page: the
 *   HTTP API has no pagination (PAGEINDEX.md §2.3). OpenKB's 1000-page windows
 *   exist only because the Python SDK's page-range parser caps a range at
 *   1000 pages and filters on the client, so each window downloads the whole
 *   result again. Quire calls the REST API directly and downloads it once.
 * - **One request at a time, metadata first.** A document that is not ready
 *   costs one small request, and retries and a server's request log keep a
 *   fixed order. The extra round trip is small next to the OCR download.
 * - **Readiness.** The metadata `status` (when present) and the `status` of
 *   the tree and OCR answers must be "completed" before `result` is read;
 *   anything else is `NOT_READY`. `failed` says that PageIndex could not
 *   process the document rather than that it is still processing.
 * - **Retries.** HTTP 429, 500, 502, 503 and 504 (a gateway timeout is as
 *   passing as a 502), network errors and timeouts are retried, by default
 *   twice, after 1 s, then 2 s (doubling), or after the `Retry-After` header
 *   (seconds or an HTTP date, capped at 60 s so a server cannot stall a batch).
 *   When the attempts run out: `TIMEOUT` if the last attempt timed out, else
 *   `FETCH`. The timeout covers one attempt, reading the body included.
 * - **Refusals** are not retried: 401 names the environment variable holding
 *   the key; 404 says the DOC_ID is unknown; any other status quotes the
 *   server's `error` text (or the start of its body). All are `REMOTE`.
 * - **The key never appears in a message:** every message is redacted, so
 *   a server that echoes the key back cannot leak it into a report.
 * - **Size.** Every answer is read up to `maxBytes` (the config's
 *   `limits.maxFetchBytes`, as for any URL) and no further: a declared
 *   `Content-Length` over it is refused before the body is read, and a body
 *   that grows past it is cancelled there. Either is `TOO_LARGE`, naming the
 *   limit, and is not retried. An error answer's text is read up to 64 KiB.
 * - A DOC_ID is sent as one encoded path segment. An empty one, `.` or `..`
 *   is refused before any request (URL parsing would resolve dot segments).
 *
 * @module
 */

import { InputError, type InputErrorCode } from "../../core/errors.ts";
import type { ConvertedDocument } from "../../core/types.ts";
import {
  formatPageIndexRaw,
  pageIndexDocument,
  pageIndexNameHint,
  type PageIndexRaw,
  pageIndexSource,
  parsePageIndexMetadata,
  parsePageIndexPages,
  parsePageIndexTree,
  type ShapeFailure,
} from "./pageindex_document.ts";

/** Options of {@linkcode fetchPageIndexDocument}. */
export interface FetchPageIndexOptions {
  /** API base URL without version, e.g. `https://api.pageindex.ai`; a trailing `/` is ignored. */
  baseUrl: string;
  /** The API key, sent in the `api_key` header; "" means none is configured. */
  apiKey: string;
  /** Environment variable the key comes from, named in messages. @default "PAGEINDEX_API_KEY" */
  apiKeyEnv?: string;
  /** Milliseconds one attempt (request and body) may take. @default 30000 */
  timeoutMs?: number;
  /** Extra attempts after a retryable failure. @default 2 */
  retries?: number;
  /** Largest answer read, in bytes (the config's `limits.maxFetchBytes`). @default 52428800 */
  maxBytes?: number;
  /** Waits between attempts; injectable for tests. @default a `setTimeout` promise */
  sleep?: (ms: number) => Promise<void>;
  /** The fetch implementation; injectable for tests. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** A PageIndex document ready to be staged. */
export interface PageIndexImport {
  /** Canonical JSON `{doc_id, metadata, tree, pages}` for `raw/<name>.json`; same content, same bytes. */
  raw: Uint8Array;
  /** The converted document: type "pageindex", ext "json". */
  document: ConvertedDocument;
  /** Name suggestion from the display name (PAGEINDEX.md §4.5); the coordinator checks it again. */
  nameHint: string;
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);
const BACKOFF_MS = 1000;
const MAX_RETRY_AFTER_MS = 60_000;
const SNIPPET_CHARS = 200;
const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
/** How much of an error answer is read for its message. */
const ERROR_BODY_BYTES = 64 * 1024;

interface Client {
  docId: string;
  source: string;
  base: string;
  apiKey: string;
  apiKeyEnv: string;
  timeoutMs: number;
  attempts: number;
  maxBytes: number;
  sleep: (ms: number) => Promise<void>;
  fetch: typeof fetch;
}

type Attempt =
  | { kind: "ok"; text: string }
  | { kind: "status"; status: number; retryAfter: string | null; text: string }
  | { kind: "network"; message: string }
  | { kind: "timeout" }
  | { kind: "too-large" };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function failure(client: Client, code: InputErrorCode, state: string): InputError {
  let message = `Cannot import '${client.source}': ${state}`;
  if (client.apiKey !== "") message = message.replaceAll(client.apiKey, "***");
  return new InputError(code, message, client.source);
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > SNIPPET_CHARS ? flat.slice(0, SNIPPET_CHARS - 1) + "…" : flat;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function openClient(docId: string, options: FetchPageIndexOptions): Client {
  const source = pageIndexSource(docId);
  const apiKeyEnv = options.apiKeyEnv ?? "PAGEINDEX_API_KEY";
  const client: Client = {
    docId,
    source,
    base: options.baseUrl.replace(/\/+$/, ""),
    apiKey: options.apiKey,
    apiKeyEnv,
    timeoutMs: options.timeoutMs ?? 30_000,
    attempts: Math.max(0, options.retries ?? 2) + 1,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
  };
  if (docId.trim() === "" || docId === "." || docId === "..") {
    throw failure(client, "REMOTE", `'${docId}' is not a PageIndex DOC_ID`);
  }
  if (options.apiKey === "") {
    throw failure(
      client,
      "REMOTE",
      `no PageIndex API key is set; set the environment variable ${apiKeyEnv}`,
    );
  }
  let protocol = "";
  try {
    protocol = new URL(client.base).protocol;
  } catch {
    // Reported below.
  }
  if (protocol !== "http:" && protocol !== "https:") {
    throw failure(client, "REMOTE", `the PageIndex base URL '${options.baseUrl}' is not http(s)`);
  }
  return client;
}

/**
 * Reads a body as text, at most `maxBytes` of it; null when it is longer
 * (the rest is cancelled, never read).
 */
async function readCapped(response: Response, maxBytes: number): Promise<string | null> {
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    return null;
  }
  const reader = response.body?.getReader();
  if (reader === undefined) return "";
  const decoder = new TextDecoder();
  let text = "";
  let total = 0;
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) return text + decoder.decode();
    total += chunk.value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    text += decoder.decode(chunk.value, { stream: true });
  }
}

async function attemptGet(client: Client, url: string): Promise<Attempt> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), client.timeoutMs);
  try {
    const response = await client.fetch(url, {
      headers: { "api_key": client.apiKey, "accept": "application/json" },
      signal: controller.signal,
    });
    if (response.ok) {
      const text = await readCapped(response, client.maxBytes);
      return text === null ? { kind: "too-large" } : { kind: "ok", text };
    }
    const retryAfter = response.headers.get("retry-after");
    const text = await readCapped(response, ERROR_BODY_BYTES).catch(() => "") ?? "";
    return { kind: "status", status: response.status, retryAfter, text };
  } catch (error) {
    if (controller.signal.aborted) return { kind: "timeout" };
    return { kind: "network", message: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Milliseconds asked for by a `Retry-After` header, capped; undefined when absent or invalid. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    ms = Math.max(0, date - now);
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

function serverDetail(text: string): string {
  try {
    const body: unknown = JSON.parse(text);
    if (isObject(body)) {
      for (const key of ["error", "detail", "message"]) {
        if (typeof body[key] === "string") return snippet(body[key] as string);
      }
    }
  } catch {
    // Not JSON: quote the text itself.
  }
  return snippet(text);
}

function refusal(client: Client, status: number, text: string, what: string): InputError {
  if (status === 401) {
    return failure(
      client,
      "REMOTE",
      `PageIndex refused the API key (HTTP 401); set a valid key in the environment variable ${client.apiKeyEnv}`,
    );
  }
  if (status === 404) {
    return failure(
      client,
      "REMOTE",
      `PageIndex does not know the DOC_ID '${client.docId}' (HTTP 404)`,
    );
  }
  const detail = serverDetail(text);
  const state = `PageIndex answered HTTP ${status} to the ${what} request`;
  return failure(client, "REMOTE", detail === "" ? state : `${state} (${detail})`);
}

function exhausted(
  client: Client,
  outcome: Exclude<Attempt, { kind: "ok" } | { kind: "too-large" }>,
  what: string,
): InputError {
  const tries = plural(client.attempts, "attempt");
  const seconds = client.timeoutMs / 1000;
  switch (outcome.kind) {
    case "timeout":
      return failure(
        client,
        "TIMEOUT",
        `PageIndex did not answer the ${what} request within ${seconds} s (${tries})`,
      );
    case "status":
      return failure(
        client,
        "FETCH",
        `PageIndex answered HTTP ${outcome.status} to the ${what} request (${tries})`,
      );
    case "network":
      return failure(
        client,
        "FETCH",
        `cannot reach PageIndex at ${new URL(client.base).origin} (${tries}: ${
          snippet(outcome.message)
        })`,
      );
  }
}

/** GETs `path` below the base URL and parses the JSON answer, retrying passing failures. */
async function getJson(client: Client, path: string, what: string): Promise<unknown> {
  const url = client.base + path;
  for (let attempt = 1;; attempt++) {
    const outcome = await attemptGet(client, url);
    if (outcome.kind === "too-large") {
      throw failure(
        client,
        "TOO_LARGE",
        `the PageIndex ${what} answer is over the limit of ${client.maxBytes} bytes (limits.maxFetchBytes)`,
      );
    }
    if (outcome.kind === "ok") {
      try {
        return JSON.parse(outcome.text);
      } catch {
        const start = snippet(outcome.text);
        const state = start === "" ? "it is empty" : `it starts with '${start.slice(0, 60)}'`;
        throw failure(client, "REMOTE", `the PageIndex ${what} answer is not JSON (${state})`);
      }
    }
    if (outcome.kind === "status" && !RETRYABLE.has(outcome.status)) {
      throw refusal(client, outcome.status, outcome.text, what);
    }
    if (attempt >= client.attempts) throw exhausted(client, outcome, what);
    const asked = outcome.kind === "status" ? retryAfterMs(outcome.retryAfter) : undefined;
    await client.sleep(asked ?? BACKOFF_MS * 2 ** (attempt - 1));
  }
}

function shapeFailure(client: Client, what: string): ShapeFailure {
  return (detail) => {
    throw failure(
      client,
      "REMOTE",
      `the PageIndex ${what} answer has an unexpected shape (${detail})`,
    );
  };
}

function requireCompleted(client: Client, status: string): void {
  if (status === "completed") return;
  const quoted = `status '${snippet(status).slice(0, 40)}'`;
  const state = status === "failed"
    ? `PageIndex could not process the document (${quoted})`
    : ["pending", "queued", "processing"].includes(status)
    ? `the document is still processing (${quoted})`
    : `the document is not ready (${quoted})`;
  throw failure(client, "NOT_READY", state);
}

/** Checks a tree or OCR envelope and returns its `result`. */
function completedResult(client: Client, body: unknown, what: string): unknown {
  const fail: ShapeFailure = shapeFailure(client, what);
  if (!isObject(body)) fail("it is not a JSON object");
  if (typeof body.status !== "string") fail("it has no 'status'");
  requireCompleted(client, body.status);
  if (!("result" in body)) fail("it has status 'completed' but no 'result'");
  return body.result;
}

/**
 * Downloads a processed PageIndex Cloud document and converts it.
 * @throws {InputError} `REMOTE` (no key, key refused, unknown DOC_ID, malformed
 * answer, other HTTP error), `NOT_READY` (status is not "completed"), `TOO_LARGE`
 * (an answer over `maxBytes`), `FETCH`
 * or `TIMEOUT` (retries used up), `NO_TEXT` (no page has text).
 */
export async function fetchPageIndexDocument(
  docId: string,
  options: FetchPageIndexOptions,
): Promise<PageIndexImport> {
  const client = openClient(docId, options);
  const docPath = `/doc/${encodeURIComponent(docId)}`;

  const metadataBody = await getJson(client, `${docPath}/metadata/`, "metadata");
  const metadata = parsePageIndexMetadata(metadataBody, shapeFailure(client, "metadata"));
  const metadataStatus = (metadataBody as Json).status;
  if (typeof metadataStatus === "string") requireCompleted(client, metadataStatus);

  const treeBody = await getJson(client, `${docPath}/?type=tree&summary=true`, "tree");
  const tree = parsePageIndexTree(
    completedResult(client, treeBody, "tree"),
    shapeFailure(client, "tree"),
  );

  const ocrBody = await getJson(client, `${docPath}/?type=ocr&format=page`, "OCR");
  const pages = parsePageIndexPages(
    completedResult(client, ocrBody, "OCR"),
    shapeFailure(client, "OCR"),
  );

  const raw: PageIndexRaw = { doc_id: docId, metadata, tree, pages };
  const document = pageIndexDocument(raw);
  return { raw: formatPageIndexRaw(raw), document, nameHint: pageIndexNameHint(document.title) };
}
