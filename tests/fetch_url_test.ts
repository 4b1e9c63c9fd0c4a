import assert from "node:assert/strict";
import type { InputError } from "../core/errors.ts";
import { convertDocument } from "../prepare/read/convert_document.ts";
import { dispositionFileName, fetchUrl, type FetchUrlOptions } from "../prepare/fetch/fetch_url.ts";
import { fixtureBytes, formatSettings } from "./_formats.ts";

const LIMITS: FetchUrlOptions = { maxBytes: 100_000, timeoutMs: 300 };
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2]);

interface TestServer extends AsyncDisposable {
  url: string;
}

/**
 * Starts the test site on 127.0.0.1. Handlers that stall wait until the
 * server closes, so shutting down never hangs.
 */
async function startServer(): Promise<TestServer> {
  const article = await fixtureBytes("article.html");
  const pdf = await fixtureBytes("outline.pdf");
  const closing = new AbortController();
  const stalled = () =>
    new Promise<void>((resolve) => {
      closing.signal.addEventListener("abort", () => resolve(), { once: true });
    });
  const handler = async (request: Request): Promise<Response> => {
    const { pathname } = new URL(request.url);
    const hops = /^\/hop\/(\d+)$/.exec(pathname);
    if (hops) {
      const left = Number(hops[1]);
      const location = left === 0 ? "../articles/lighthouses" : `/hop/${left - 1}`;
      return new Response(null, { status: 302, headers: { location } });
    }
    switch (pathname) {
      case "/articles/lighthouses":
        return new Response(article, { headers: { "content-type": "text/html; charset=utf-8" } });
      case "/guide.pdf":
        return new Response(pdf, { headers: { "content-type": "application/pdf" } });
      case "/download":
        return new Response(pdf, {
          headers: {
            "content-type": "application/pdf",
            "content-disposition": "attachment; filename*=UTF-8''..%2F..%2Fetc%2Friver%01guide.pdf",
          },
        });
      case "/to-ftp":
        return new Response(null, { status: 301, headers: { location: "ftp://files.example/x" } });
      case "/slow-headers":
        await stalled();
        return new Response("too late");
      case "/slow-body": {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode("<html><body>first part"));
          },
          pull: () => stalled(),
        });
        return new Response(body, { headers: { "content-type": "text/html" } });
      }
      case "/endless": {
        const chunk = new Uint8Array(16_384).fill(0x61);
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            controller.enqueue(chunk);
          },
        });
        return new Response(body, { headers: { "content-type": "text/plain" } });
      }
      case "/big":
        return new Response(new Uint8Array(250_000).fill(0x62), {
          headers: { "content-type": "text/plain" },
        });
      case "/logo":
        return new Response(PNG, { headers: { "content-type": "image/png" } });
      case "/blob":
        return new Response(Uint8Array.from({ length: 256 }, (_, i) => i), {
          headers: { "content-type": "application/octet-stream" },
        });
      default:
        return new Response("not here", { status: 404, statusText: "Not Found" });
    }
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    async [Symbol.asyncDispose]() {
      closing.abort();
      await server.shutdown();
    },
  };
}

async function fetchError(url: string, options: FetchUrlOptions = LIMITS): Promise<InputError> {
  try {
    await fetchUrl(url, options);
  } catch (error) {
    return error as InputError;
  }
  throw new Error(`fetchUrl('${url}') did not fail`);
}

Deno.test("fetchUrl() downloads an HTML page with its content type and a .html name", async () => {
  await using server = await startServer();
  const page = await fetchUrl(`${server.url}/articles/lighthouses`, LIMITS);
  assert.equal(page.contentType, "text/html; charset=utf-8");
  assert.equal(page.finalUrl, `${server.url}/articles/lighthouses`);
  assert.equal(page.fileName, "lighthouses.html");
  assert.match(new TextDecoder().decode(page.bytes), /<h1>How Lighthouses Work<\/h1>/);
});

Deno.test("fetchUrl() downloads a PDF that then reads with page markers", async () => {
  await using server = await startServer();
  const fetched = await fetchUrl(`${server.url}/guide.pdf`, LIMITS);
  assert.equal(fetched.fileName, "guide.pdf");
  assert.deepEqual(fetched.bytes, await fixtureBytes("outline.pdf"));
  const doc = await convertDocument({
    bytes: fetched.bytes,
    fileName: fetched.fileName,
    contentType: fetched.contentType,
    source: `${server.url}/guide.pdf`,
    url: fetched.finalUrl,
  }, formatSettings());
  assert.equal(doc.type, "pdf");
  assert.match(doc.markdown, /<!-- page 2 -->\n\n# Formation/);
});

Deno.test("fetchUrl() follows a chain of 3 redirects, resolving relative locations", async () => {
  await using server = await startServer();
  const page = await fetchUrl(`${server.url}/hop/2`, LIMITS);
  assert.equal(page.finalUrl, `${server.url}/articles/lighthouses`);
  assert.equal(page.fileName, "lighthouses.html");
  const doc = await convertDocument({
    bytes: page.bytes,
    fileName: page.fileName,
    contentType: page.contentType,
    source: `${server.url}/hop/2`,
    url: page.finalUrl,
  }, formatSettings());
  const index = Number(/\[keepers archive\]\(quire-link:(\d+)\)/.exec(doc.markdown)?.[1]);
  assert.deepEqual(doc.links?.[index], { target: `${server.url}/history/keepers`, anchor: null });
});

Deno.test("fetchUrl() gives up after 5 redirects", async () => {
  await using server = await startServer();
  const ok = await fetchUrl(`${server.url}/hop/4`, LIMITS);
  assert.equal(ok.finalUrl, `${server.url}/articles/lighthouses`);
  const error = await fetchError(`${server.url}/hop/5`);
  assert.equal(error.code, "FETCH");
  assert.equal(error.message, `Cannot fetch '${server.url}/hop/5': more than 5 redirects`);
});

Deno.test("fetchUrl() reports an HTTP error status", async () => {
  await using server = await startServer();
  const error = await fetchError(`${server.url}/nothing-here`);
  assert.equal(error.code, "FETCH");
  assert.equal(
    error.message,
    `Cannot fetch '${server.url}/nothing-here': the server answered 404 Not Found`,
  );
});

Deno.test("fetchUrl() refuses non-http schemes, also behind a redirect", async () => {
  const ftp = await fetchError("ftp://files.example.org/guide.pdf");
  assert.equal(ftp.code, "FETCH");
  assert.equal(
    ftp.message,
    "Cannot fetch 'ftp://files.example.org/guide.pdf': only http and https URLs are supported",
  );
  assert.equal(
    (await fetchError("not a url")).message,
    "Cannot fetch 'not a url': not a valid URL",
  );
  await using server = await startServer();
  const redirected = await fetchError(`${server.url}/to-ftp`);
  assert.equal(
    redirected.message,
    `Cannot fetch '${server.url}/to-ftp': it redirects to 'ftp://files.example/x', and only http and https URLs are supported`,
  );
});

Deno.test("fetchUrl() times out when the server sends no response", async () => {
  await using server = await startServer();
  const started = performance.now();
  const error = await fetchError(`${server.url}/slow-headers`);
  assert.equal(error.code, "TIMEOUT");
  assert.equal(
    error.message,
    `Cannot fetch '${server.url}/slow-headers': no response within 300 ms`,
  );
  assert.ok(performance.now() - started < 3000);
});

Deno.test("fetchUrl() times out when the body stalls", async () => {
  await using server = await startServer();
  const error = await fetchError(`${server.url}/slow-body`);
  assert.equal(error.code, "TIMEOUT");
  assert.equal(
    error.message,
    `Cannot fetch '${server.url}/slow-body': the server sent nothing for 300 ms`,
  );
});

Deno.test("fetchUrl() stops reading a streamed body at the size cap", async () => {
  await using server = await startServer();
  const error = await fetchError(`${server.url}/endless`);
  assert.equal(error.code, "TOO_LARGE");
  assert.equal(
    error.message,
    `Cannot fetch '${server.url}/endless': the body is over the limit of 100000 bytes`,
  );
});

Deno.test("fetchUrl() refuses a Content-Length over the cap before reading", async () => {
  await using server = await startServer();
  const error = await fetchError(`${server.url}/big`);
  assert.equal(error.code, "TOO_LARGE");
  assert.equal(
    error.message,
    `Cannot fetch '${server.url}/big': the body is 250000 bytes, over the limit of 100000`,
  );
});

Deno.test("fetchUrl() keeps only the last segment of a Content-Disposition file name", async () => {
  await using server = await startServer();
  const fetched = await fetchUrl(`${server.url}/download`, LIMITS);
  assert.equal(fetched.fileName, "riverguide.pdf");
});

Deno.test("fetchUrl() downloads a wrong content type that detection then refuses", async () => {
  await using server = await startServer();
  for (const [path, what] of [["/logo", "PNG image"], ["/blob", "binary data"]]) {
    const fetched = await fetchUrl(`${server.url}${path}`, LIMITS);
    await assert.rejects(
      () =>
        convertDocument({
          bytes: fetched.bytes,
          fileName: fetched.fileName,
          contentType: fetched.contentType,
          source: `${server.url}${path}`,
        }, formatSettings()),
      {
        code: "UNSUPPORTED_TYPE",
        message: `Cannot add '${server.url}${path}': unsupported type ${what}`,
      },
    );
  }
});

Deno.test("fetchUrl() names a download from the URL and its content type", async () => {
  const respond = (contentType: string): typeof fetch => () =>
    Promise.resolve(new Response("x", { headers: { "content-type": contentType } }));
  const name = async (url: string, contentType: string) =>
    (await fetchUrl(url, { ...LIMITS, fetch: respond(contentType) })).fileName;
  assert.equal(await name("https://example.org/", "text/html"), "index.html");
  assert.equal(await name("https://example.org/report", "application/pdf"), "report.pdf");
  assert.equal(await name("https://example.org/page.php", "text/html"), "page.php.html");
  assert.equal(await name("https://example.org/README.md", "text/plain"), "README.md");
  assert.equal(await name("https://example.org/notes", "text/markdown"), "notes.md");
  assert.equal(await name("https://example.org/data", "text/csv"), "data.csv");
  assert.equal(await name("https://example.org/a%20b.txt", "text/plain"), "a b.txt");
});

Deno.test("dispositionFileName() reads filename* before filename and unquotes", () => {
  assert.equal(
    dispositionFileName(`attachment; filename="plain.pdf"; filename*=UTF-8''%C3%85lesund.pdf`),
    "Ålesund.pdf",
  );
  assert.equal(dispositionFileName('inline; filename="say \\"hi\\".txt"'), 'say "hi".txt');
  assert.equal(dispositionFileName("attachment; filename=report.csv"), "report.csv");
  assert.equal(dispositionFileName("inline"), "");
});
