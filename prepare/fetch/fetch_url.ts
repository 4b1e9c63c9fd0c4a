/**
 * Downloads one web page or document for `add <url>`, within limits: only
 * http and https, redirects followed by hand (each hop checked), a timeout
 * for the response headers and an idle timeout between body chunks, and a
 * size cap enforced while streaming, so the body is never buffered beyond
 * `maxBytes`. Every error path cancels the body and clears its timer.
 *
 * Choices made where the spec was silent:
 * - A redirect to a non-http(s) URL is refused like a non-http(s) input.
 * - The file name comes from `Content-Disposition` (`filename*` before
 *   `filename`), else the URL path's last segment, else "index". Only its
 *   last path segment is kept, control characters and leading dots are
 *   removed, and it is cut to 200 characters. It only serves to pick a
 *   reader; the coordinator still chooses the stored name.
 * - When the content type maps to a format and the name's extension does
 *   not fit it, that format's extension is appended (`report` →
 *   `report.pdf`, `page.php` → `page.php.html`). `text/plain` fits any text
 *   extension (`.md`, `.csv`…), since servers send markdown as text/plain.
 *
 * @module
 */

import { errorMessage, InputError } from "../../core/errors.ts";

/** Options of {@linkcode fetchUrl}. */
export interface FetchUrlOptions {
  /** Largest body accepted, in bytes (after content decoding). */
  maxBytes: number;
  /** Milliseconds to wait for the response headers, and then between two body chunks. */
  timeoutMs: number;
  /** Redirects followed before giving up. @default 5 */
  maxRedirects?: number;
  /** The fetch function, for tests. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** A downloaded body and what is known about it. */
export interface FetchedUrl {
  bytes: Uint8Array;
  /** The `Content-Type` header as sent, or "". */
  contentType: string;
  /** The URL after redirects. */
  finalUrl: string;
  /** A file name for type detection (see the module notes). */
  fileName: string;
}

const TIMED_OUT = Symbol("timed out");
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const HTML = ["html", "htm", "xhtml"];
const TEXT = ["txt", "text", "md", "markdown", "csv", "tsv"];
const EXTENSIONS: Record<string, { ext: string; fits: string[] }> = {
  "text/html": { ext: "html", fits: HTML },
  "application/xhtml+xml": { ext: "html", fits: HTML },
  "application/pdf": { ext: "pdf", fits: ["pdf"] },
  "text/markdown": { ext: "md", fits: ["md", "markdown"] },
  "text/x-markdown": { ext: "md", fits: ["md", "markdown"] },
  "text/plain": { ext: "txt", fits: TEXT },
  "text/csv": { ext: "csv", fits: ["csv"] },
  "text/tab-separated-values": { ext: "tsv", fits: ["tsv"] },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
    ext: "docx",
    fits: ["docx"],
  },
};

function fetchError(url: string, state: string, cause?: unknown): InputError {
  return new InputError("FETCH", `Cannot fetch '${url}': ${state}`, url, { cause });
}

function httpUrl(target: string, input: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(target);
  } catch {
    throw fetchError(input, "not a valid URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    const what = target === input ? "" : `it redirects to '${target}', and `;
    throw fetchError(input, `${what}only http and https URLs are supported`);
  }
  return parsed;
}

/** Races `promise` against a timer that is always cleared. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  // The loser may still reject later; that must not become an unhandled rejection.
  promise.catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {});
}

async function readBody(
  response: Response,
  controller: AbortController,
  options: FetchUrlOptions,
  url: string,
): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (true) {
      const result = await within(reader.read(), options.timeoutMs);
      if (result === TIMED_OUT) {
        throw new InputError(
          "TIMEOUT",
          `Cannot fetch '${url}': the server sent nothing for ${options.timeoutMs} ms`,
          url,
        );
      }
      if (result.done) break;
      total += result.value.length;
      if (total > options.maxBytes) {
        throw new InputError(
          "TOO_LARGE",
          `Cannot fetch '${url}': the body is over the limit of ${options.maxBytes} bytes`,
          url,
        );
      }
      chunks.push(result.value);
    }
  } catch (error) {
    controller.abort();
    await reader.cancel().catch(() => {});
    if (error instanceof InputError) throw error;
    throw fetchError(url, `the connection failed while reading (${errorMessage(error)})`);
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** Keeps a name's last path segment without control characters or leading dots. */
export function safeFileName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? "";
  // deno-lint-ignore no-control-regex
  const clean = last.replace(/[\x00-\x1f\x7f]/g, "").trim().replace(/^[.\s]+/, "");
  if (clean.length <= 200) return clean;
  const ext = /\.[\w-]{1,10}$/.exec(clean)?.[0] ?? "";
  return clean.slice(0, 200 - ext.length) + ext;
}

function decodePercent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The file name a `Content-Disposition` header gives, or "". */
export function dispositionFileName(header: string): string {
  const extended = /filename\*\s*=\s*([\w-]*)'[^']*'([^;]+)/i.exec(header);
  if (extended) return decodePercent(extended[2].trim().replace(/^"(.*)"$/, "$1"));
  const plain = /filename\s*=\s*(?:"((?:\\.|[^"\\])*)"|([^;]+))/i.exec(header);
  if (!plain) return "";
  return plain[1] !== undefined ? plain[1].replace(/\\(.)/g, "$1") : plain[2].trim();
}

/** Chooses the file name of a download; see the module notes. */
export function fileNameFor(url: URL, headers: Headers): string {
  const disposition = safeFileName(dispositionFileName(headers.get("content-disposition") ?? ""));
  const segment = url.pathname.split("/").filter((part) => part !== "").pop() ?? "";
  const name = disposition || safeFileName(decodePercent(segment)) || "index";
  const mime = (headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const wanted = EXTENSIONS[mime];
  const ext = /\.([^.]+)$/.exec(name)?.[1].toLowerCase() ?? "";
  return wanted && !wanted.fits.includes(ext) ? `${name}.${wanted.ext}` : name;
}

async function request(
  fetchFn: typeof fetch,
  target: URL,
  options: FetchUrlOptions,
  url: string,
): Promise<{ response: Response; controller: AbortController }> {
  const controller = new AbortController();
  const pending = fetchFn(target.href, {
    redirect: "manual",
    signal: controller.signal,
    headers: { "accept": "text/html,application/pdf,text/*;q=0.9,*/*;q=0.5" },
  });
  let result: Response | typeof TIMED_OUT;
  try {
    result = await within(pending, options.timeoutMs);
  } catch (error) {
    throw fetchError(url, `the request failed (${errorMessage(error)})`, error);
  }
  if (result === TIMED_OUT) {
    controller.abort();
    pending.then(discard, () => {});
    throw new InputError(
      "TIMEOUT",
      `Cannot fetch '${url}': no response within ${options.timeoutMs} ms`,
      url,
    );
  }
  return { response: result, controller };
}

/**
 * Downloads `url` within the limits of `options`.
 * @throws {InputError} `FETCH` (bad URL or scheme, HTTP error, too many
 * redirects, network failure), `TIMEOUT` or `TOO_LARGE`.
 */
export async function fetchUrl(url: string, options: FetchUrlOptions): Promise<FetchedUrl> {
  const maxRedirects = options.maxRedirects ?? 5;
  const fetchFn = options.fetch ?? fetch;
  let target = httpUrl(url, url);
  for (let hop = 0;; hop++) {
    const { response, controller } = await request(fetchFn, target, options, url);
    const location = response.headers.get("location");
    if (REDIRECTS.has(response.status) && location !== null) {
      await discard(response);
      if (hop >= maxRedirects) throw fetchError(url, `more than ${maxRedirects} redirects`);
      target = httpUrl(new URL(location, target).href, url);
      continue;
    }
    if (!response.ok) {
      await discard(response);
      const status = `${response.status} ${response.statusText}`.trim();
      throw fetchError(url, `the server answered ${status}`);
    }
    const length = Number(response.headers.get("content-length") ?? "");
    if (length > options.maxBytes) {
      await discard(response);
      throw new InputError(
        "TOO_LARGE",
        `Cannot fetch '${url}': the body is ${length} bytes, over the limit of ${options.maxBytes}`,
        url,
      );
    }
    const bytes = await readBody(response, controller, options, url);
    return {
      bytes,
      contentType: response.headers.get("content-type") ?? "",
      finalUrl: target.href,
      fileName: fileNameFor(target, response.headers),
    };
  }
}
