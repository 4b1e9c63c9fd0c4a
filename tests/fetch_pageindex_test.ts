import assert from "node:assert/strict";
import { InputError } from "../core/errors.ts";
import type { Section } from "../core/types.ts";
import {
  fetchPageIndexDocument,
  type FetchPageIndexOptions,
  retryAfterMs,
} from "../prepare/fetch/fetch_pageindex.ts";
import {
  pageIndexDisplayName,
  pageIndexNameHint,
  type PageIndexNode,
  pageIndexSections,
} from "../prepare/fetch/pageindex_document.ts";
import {
  FAKE_DOC_ANNUAL,
  FAKE_DOC_BAD_SHAPE,
  FAKE_DOC_FAILED,
  FAKE_DOC_HANDBOOK,
  FAKE_DOC_LARGE,
  FAKE_DOC_NOT_JSON,
  FAKE_DOC_PROCESSING,
  FAKE_DOC_UNKNOWN,
  FAKE_PAGEINDEX_KEY,
  type FakePageIndex,
  fakePageIndexDocs,
  startFakePageIndex,
} from "./_fake_pageindex.ts";

type Json = Record<string, unknown>;

/** Options for the fake, recording sleeps instead of waiting. */
function optionsFor(fake: FakePageIndex, sleeps: number[] = []): FetchPageIndexOptions {
  return {
    baseUrl: fake.baseUrl,
    apiKey: FAKE_PAGEINDEX_KEY,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
}

/** Runs `fn`, expecting an InputError; returns it. */
async function inputError(fn: () => Promise<unknown>): Promise<InputError> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${error}`);
    return error;
  }
  assert.fail("expected an InputError, but the call succeeded");
}

/** A fetch answering from canned bodies by route; records the URLs asked for. */
function cannedFetch(answers: { metadata?: unknown; tree?: unknown; ocr?: unknown }) {
  const doc = fakePageIndexDocs()[FAKE_DOC_HANDBOOK];
  const bodies: Record<string, unknown> = {
    metadata: { id: "pi-x", status: "completed", ...doc.metadata },
    tree: { doc_id: "pi-x", status: "completed", result: doc.tree },
    ocr: { doc_id: "pi-x", status: "completed", result: doc.pages },
    ...answers,
  };
  const urls: string[] = [];
  const fetch = (input: string | URL | Request): Promise<Response> => {
    const url = String(input);
    urls.push(url);
    const route = url.includes("/metadata/")
      ? "metadata"
      : url.includes("type=tree")
      ? "tree"
      : "ocr";
    return Promise.resolve(new Response(JSON.stringify(bodies[route]), { status: 200 }));
  };
  return { fetch: fetch as typeof globalThis.fetch, urls };
}

function cannedOptions(fetch: typeof globalThis.fetch): FetchPageIndexOptions {
  return { baseUrl: "http://pageindex.invalid", apiKey: "pi-secret", fetch };
}

function outline(sections: Section[]): string[] {
  const lines: string[] = [];
  const walk = (list: Section[]) => {
    for (const s of list) {
      lines.push(`${"  ".repeat(s.level - 1)}${s.title} ${s.startPage}-${s.endPage}`);
      walk(s.children);
    }
  };
  walk(sections);
  return lines;
}

Deno.test("fetchPageIndexDocument() writes page markers, title and blank pages in order", async () => {
  await using fake = startFakePageIndex();
  const { document } = await fetchPageIndexDocument(FAKE_DOC_ANNUAL, optionsFor(fake));
  assert.equal(document.type, "pageindex");
  assert.equal(document.ext, "json");
  assert.equal(document.title, "Annual Report (2023)");
  assert.equal(document.pageCount, 6);
  assert.deepEqual(document.warnings, []);
  assert.deepEqual(document.facts, {
    "PageIndex DOC_ID": FAKE_DOC_ANNUAL,
    "Uploaded": "2026-08-01T10:00:00.123000",
  });
  assert.equal(
    document.markdown,
    [
      "# Annual Report (2023)",
      "<!-- page 1 -->",
      "# Annual Report 2023",
      "Letter from the chair. The year was steady.",
      "<!-- page 2 -->",
      "## Highlights",
      "Revenue grew by 4 percent.",
      "<!-- page 3 -->",
      "<!-- page 4 -->",
      "## Monitoring Vulnerabilities",
      "Household debt is stable.",
      "## Stress Tests",
      "All banks passed.",
      "<!-- page 5 -->",
      "## Outlook",
      "Rates are expected to fall.",
      "<!-- page 6 -->",
      "## Appendix",
      "Tables and sources.",
    ].join("\n\n") + "\n",
  );
});

Deno.test("fetchPageIndexDocument() puts a non-null description under the title", async () => {
  await using fake = startFakePageIndex();
  const { document, nameHint } = await fetchPageIndexDocument(FAKE_DOC_HANDBOOK, optionsFor(fake));
  assert.ok(document.markdown.startsWith(
    "# Employee Handbook\n\nHow we work together at Example Corp.\n\n<!-- page 1 -->\n\n# Welcome",
  ));
  assert.equal(nameHint, "Employee-Handbook");
  assert.deepEqual(outline(document.sections), ["Welcome 1-1", "Leave 2-3"]);
});

Deno.test("fetchPageIndexDocument() builds the section tree with page ranges and summaries", async () => {
  await using fake = startFakePageIndex();
  const { document } = await fetchPageIndexDocument(FAKE_DOC_ANNUAL, optionsFor(fake));
  assert.deepEqual(outline(document.sections), [
    "Overview 1-2",
    "  Letter from the chair 1-1",
    "  Highlights 2-2",
    "Financial Stability 3-5",
    "  Monitoring Vulnerabilities 4-4",
    "  Stress Tests 4-4",
    "  Outlook 5-5",
    "Appendix 6-6",
  ]);
  const [overview, stability, appendix] = document.sections;
  assert.equal(overview.summary, "The report opens with the chair's letter and the highlights.");
  assert.equal(overview.children[0].summary, "The chair calls the year steady.");
  assert.equal(stability.summary, "How the system held up.");
  assert.deepEqual(stability.children[2].children, []);
  assert.deepEqual(appendix, {
    title: "Appendix",
    level: 1,
    startPage: 6,
    endPage: 6,
    summary: "Tables and sources.",
    children: [],
  });
});

Deno.test("fetchPageIndexDocument() derives the name hint from the last path segment", async () => {
  await using fake = startFakePageIndex();
  const { nameHint } = await fetchPageIndexDocument(FAKE_DOC_ANNUAL, optionsFor(fake));
  assert.equal(nameHint, "Annual-Report-2023");
});

Deno.test("pageIndexDisplayName() and pageIndexNameHint() follow PAGEINDEX.md §4.5", () => {
  const cases: [string, string, string][] = [
    ["reports\\2023/Annual Report (2023).pdf", "Annual Report (2023)", "Annual-Report-2023"],
    ["dir/archive.tar.gz", "archive.tar", "archive-tar"],
    ["folder/name.pdf/", "name", "name"],
    [".bashrc", ".bashrc", "bashrc"],
    ["Ｒｅｐｏｒｔ①.pdf", "Ｒｅｐｏｒｔ①", "Report1"],
    ["Café — Über_notes.PDF", "Café — Über_notes", "Café-Über_notes"],
    ["***.pdf", "***", "document"],
    ["", "pi-abc", "pi-abc"],
  ];
  for (const [name, display, hint] of cases) {
    assert.equal(pageIndexDisplayName(name, "pi-abc"), display, name);
    assert.equal(pageIndexNameHint(display), hint, name);
  }
});

Deno.test("fetchPageIndexDocument() sends three GETs with the api_key header and encoded id", async () => {
  const odd = "pi odd/id";
  await using fake = startFakePageIndex({
    documents: { [odd]: fakePageIndexDocs()[FAKE_DOC_HANDBOOK] },
  });
  const options = { ...optionsFor(fake), baseUrl: fake.baseUrl + "/" };
  await fetchPageIndexDocument(odd, options);
  assert.deepEqual(fake.requests.map((r) => [r.method, r.path, r.search, r.apiKey]), [
    ["GET", "/doc/pi%20odd%2Fid/metadata/", "", FAKE_PAGEINDEX_KEY],
    ["GET", "/doc/pi%20odd%2Fid/", "?type=tree&summary=true", FAKE_PAGEINDEX_KEY],
    ["GET", "/doc/pi%20odd%2Fid/", "?type=ocr&format=page", FAKE_PAGEINDEX_KEY],
  ]);
});

Deno.test("fetchPageIndexDocument() returns identical raw bytes for the same remote content", async () => {
  await using fake = startFakePageIndex();
  const first = await fetchPageIndexDocument(FAKE_DOC_ANNUAL, optionsFor(fake));
  const second = await fetchPageIndexDocument(FAKE_DOC_ANNUAL, optionsFor(fake));
  assert.deepEqual(second.raw, first.raw);

  // The same content with every object's keys in reverse order.
  const reverse = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(reverse)
      : typeof value === "object" && value !== null
      ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverse(v)]))
      : value;
  const reversing = async (input: string | URL | Request, init?: RequestInit) => {
    const response = await fetch(input, init);
    return new Response(JSON.stringify(reverse(await response.json())), { status: 200 });
  };
  const third = await fetchPageIndexDocument(FAKE_DOC_ANNUAL, {
    ...optionsFor(fake),
    fetch: reversing as typeof fetch,
  });
  assert.deepEqual(third.raw, first.raw);

  const text = new TextDecoder().decode(first.raw);
  assert.ok(text.endsWith("}\n"));
  assert.ok(text.startsWith('{\n  "doc_id": "pi-cmfakeannual2023report01",\n  "metadata": {\n'));
  const raw = JSON.parse(text);
  assert.deepEqual(Object.keys(raw), ["doc_id", "metadata", "tree", "pages"]);
  assert.deepEqual(raw.metadata, {
    name: "reports\\2023/Annual Report (2023).pdf",
    description: null,
    pageNum: 6,
    createdAt: "2026-08-01T10:00:00.123000",
  });
  assert.deepEqual(raw.tree[2], {
    title: "Appendix",
    node_id: "0008",
    page_index: 6,
    summary: "Tables and sources.",
  });
  assert.deepEqual(raw.pages[3].images, [{ path: "fig1.png", width: 640, height: 480 }]);
  assert.equal(raw.pages[4].markdown, "## Outlook\r\n\r\nRates are expected to fall.\r\n");
});

Deno.test("fetchPageIndexDocument() fails with REMOTE before any request when no key is set", async () => {
  await using fake = startFakePageIndex();
  const error = await inputError(() =>
    fetchPageIndexDocument(FAKE_DOC_ANNUAL, { ...optionsFor(fake), apiKey: "" })
  );
  assert.equal(error.code, "REMOTE");
  assert.equal(error.path, `pageindex-cloud:${FAKE_DOC_ANNUAL}`);
  assert.equal(
    error.message,
    `Cannot import 'pageindex-cloud:${FAKE_DOC_ANNUAL}': no PageIndex API key is set; ` +
      "set the environment variable PAGEINDEX_API_KEY",
  );
  assert.equal(fake.requests.length, 0);
});

Deno.test("fetchPageIndexDocument() fails with REMOTE naming the env var when the key is refused", async () => {
  await using fake = startFakePageIndex();
  const sleeps: number[] = [];
  const wrong = "pi-wrong-key-987";
  const error = await inputError(() =>
    fetchPageIndexDocument(FAKE_DOC_ANNUAL, { ...optionsFor(fake, sleeps), apiKey: wrong })
  );
  assert.equal(error.code, "REMOTE");
  assert.equal(
    error.message,
    `Cannot import 'pageindex-cloud:${FAKE_DOC_ANNUAL}': PageIndex refused the API key ` +
      "(HTTP 401); set a valid key in the environment variable PAGEINDEX_API_KEY",
  );
  assert.ok(!error.message.includes(wrong));
  assert.equal(fake.requests.length, 1);
  assert.deepEqual(sleeps, []);
});

Deno.test("fetchPageIndexDocument() fails with REMOTE when the DOC_ID is unknown", async () => {
  await using fake = startFakePageIndex();
  const error = await inputError(() => fetchPageIndexDocument(FAKE_DOC_UNKNOWN, optionsFor(fake)));
  assert.equal(error.code, "REMOTE");
  assert.equal(
    error.message,
    `Cannot import 'pageindex-cloud:${FAKE_DOC_UNKNOWN}': PageIndex does not know the DOC_ID ` +
      `'${FAKE_DOC_UNKNOWN}' (HTTP 404)`,
  );
  assert.equal(fake.requests.length, 1);
});

Deno.test("fetchPageIndexDocument() fails with NOT_READY while the document is processing", async () => {
  await using fake = startFakePageIndex();
  const error = await inputError(() =>
    fetchPageIndexDocument(FAKE_DOC_PROCESSING, optionsFor(fake))
  );
  assert.equal(error.code, "NOT_READY");
  assert.equal(
    error.message,
    `Cannot import 'pageindex-cloud:${FAKE_DOC_PROCESSING}': the document is still processing ` +
      "(status 'processing')",
  );
  assert.equal(fake.requests.length, 1);

  const failed = await inputError(() => fetchPageIndexDocument(FAKE_DOC_FAILED, optionsFor(fake)));
  assert.equal(failed.code, "NOT_READY");
  assert.match(failed.message, /PageIndex could not process the document \(status 'failed'\)$/);
});

Deno.test("fetchPageIndexDocument() checks the tree and OCR status before reading result", async () => {
  const tree = cannedFetch({ tree: { doc_id: "pi-x", status: "processing" } });
  const error = await inputError(() => fetchPageIndexDocument("pi-x", cannedOptions(tree.fetch)));
  assert.equal(error.code, "NOT_READY");
  assert.equal(tree.urls.length, 2);

  const ocr = cannedFetch({ ocr: { doc_id: "pi-x", status: "queued", result: [] } });
  const ocrError = await inputError(() => fetchPageIndexDocument("pi-x", cannedOptions(ocr.fetch)));
  assert.equal(ocrError.code, "NOT_READY");
  assert.match(ocrError.message, /still processing \(status 'queued'\)$/);
});

Deno.test("fetchPageIndexDocument() fails with REMOTE on a non-JSON or misshapen answer", async () => {
  await using fake = startFakePageIndex();
  const notJson = await inputError(() =>
    fetchPageIndexDocument(FAKE_DOC_NOT_JSON, optionsFor(fake))
  );
  assert.equal(notJson.code, "REMOTE");
  assert.equal(
    notJson.message,
    `Cannot import 'pageindex-cloud:${FAKE_DOC_NOT_JSON}': the PageIndex tree answer is not JSON ` +
      "(it starts with '<html><body>Bad gateway page</body></html>')",
  );
  const badShape = await inputError(() =>
    fetchPageIndexDocument(FAKE_DOC_BAD_SHAPE, optionsFor(fake))
  );
  assert.equal(badShape.code, "REMOTE");
  assert.match(
    badShape.message,
    /: the PageIndex tree answer has an unexpected shape \(result is not a list\)$/,
  );

  const cases: [Json, RegExp][] = [
    [{ metadata: [1, 2] }, /metadata answer has an unexpected shape \(it is not a JSON object\)$/],
    [{ tree: { result: [] } }, /tree answer has an unexpected shape \(it has no 'status'\)$/],
    [
      { ocr: { status: "completed" } },
      /OCR answer .*\(it has status 'completed' but no 'result'\)/,
    ],
    [
      {
        tree: {
          status: "completed",
          result: [{
            title: "A",
            page_index: 1,
            nodes: [{ title: "B", page_index: 1 }, {
              title: "C",
            }],
          }],
        },
      },
      /tree answer has an unexpected shape \(result\[0\]\.nodes\[1\]\.page_index is not a page number\)$/,
    ],
    [
      { ocr: { status: "completed", result: [{ markdown: 7 }] } },
      /\(result\[0\]\.markdown is not a string\)$/,
    ],
  ];
  for (const [answers, pattern] of cases) {
    const canned = cannedFetch(answers);
    const error = await inputError(() =>
      fetchPageIndexDocument("pi-x", cannedOptions(canned.fetch))
    );
    assert.equal(error.code, "REMOTE");
    assert.match(error.message, pattern);
  }
});

Deno.test("fetchPageIndexDocument() keeps the API key out of error messages", async () => {
  const echo = (() =>
    Promise.resolve(
      new Response(JSON.stringify({ error: "key pi-secret may not read this folder" }), {
        status: 403,
      }),
    )) as typeof fetch;
  const error = await inputError(() => fetchPageIndexDocument("pi-x", cannedOptions(echo)));
  assert.equal(error.code, "REMOTE");
  assert.equal(
    error.message,
    "Cannot import 'pageindex-cloud:pi-x': PageIndex answered HTTP 403 to the metadata request " +
      "(key *** may not read this folder)",
  );
});

Deno.test("fetchPageIndexDocument() honours Retry-After on 429 and then succeeds", async () => {
  await using fake = startFakePageIndex({ failFirst: 2, retryAfter: "3" });
  const sleeps: number[] = [];
  const { document } = await fetchPageIndexDocument(FAKE_DOC_HANDBOOK, optionsFor(fake, sleeps));
  assert.equal(document.title, "Employee Handbook");
  assert.deepEqual(sleeps, [3000, 3000]);
  assert.equal(fake.requests.length, 5);
  assert.deepEqual(fake.requests.slice(0, 3).map((r) => r.path), [
    `/doc/${FAKE_DOC_HANDBOOK}/metadata/`,
    `/doc/${FAKE_DOC_HANDBOOK}/metadata/`,
    `/doc/${FAKE_DOC_HANDBOOK}/metadata/`,
  ]);
});

Deno.test("fetchPageIndexDocument() backs off 1 s then 2 s without Retry-After", async () => {
  await using fake = startFakePageIndex({ failFirst: 2 });
  const sleeps: number[] = [];
  await fetchPageIndexDocument(FAKE_DOC_HANDBOOK, optionsFor(fake, sleeps));
  assert.deepEqual(sleeps, [1000, 2000]);
});

Deno.test("fetchPageIndexDocument() fails with FETCH when 503 outlasts the retries", async () => {
  await using fake = startFakePageIndex({ failFirst: 99, failStatus: 503 });
  const sleeps: number[] = [];
  const error = await inputError(() =>
    fetchPageIndexDocument(FAKE_DOC_HANDBOOK, optionsFor(fake, sleeps))
  );
  assert.equal(error.code, "FETCH");
  assert.equal(
    error.message,
    `Cannot import 'pageindex-cloud:${FAKE_DOC_HANDBOOK}': PageIndex answered HTTP 503 to the ` +
      "metadata request (3 attempts)",
  );
  assert.deepEqual(sleeps, [1000, 2000]);
  assert.equal(fake.requests.length, 3);

  const once = await inputError(() =>
    fetchPageIndexDocument(FAKE_DOC_HANDBOOK, { ...optionsFor(fake), retries: 0 })
  );
  assert.match(once.message, /\(1 attempt\)$/);
  assert.equal(fake.requests.length, 4);
});

Deno.test("fetchPageIndexDocument() retries network errors, then fails with FETCH", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const sleeps: number[] = [];
  const error = await inputError(() =>
    fetchPageIndexDocument("pi-x", {
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey: "pi-secret",
      sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    })
  );
  assert.equal(error.code, "FETCH");
  assert.ok(
    error.message.startsWith(
      `Cannot import 'pageindex-cloud:pi-x': cannot reach PageIndex at http://127.0.0.1:${port} (3 attempts: `,
    ),
    error.message,
  );
  assert.ok(!error.message.includes("pi-secret"));
  assert.deepEqual(sleeps, [1000, 2000]);
});

Deno.test("fetchPageIndexDocument() fails with TIMEOUT when every attempt times out", async () => {
  let calls = 0;
  const hang = ((_input: string | URL | Request, init?: RequestInit) => {
    calls++;
    return new Promise<Response>((_resolve, reject) => {
      init!.signal!.addEventListener("abort", () => reject(init!.signal!.reason));
    });
  }) as typeof fetch;
  const sleeps: number[] = [];
  const error = await inputError(() =>
    fetchPageIndexDocument("pi-x", {
      ...cannedOptions(hang),
      timeoutMs: 20,
      retries: 1,
      sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    })
  );
  assert.equal(error.code, "TIMEOUT");
  assert.equal(
    error.message,
    "Cannot import 'pageindex-cloud:pi-x': PageIndex did not answer the metadata request " +
      "within 0.02 s (2 attempts)",
  );
  assert.equal(calls, 2);
  assert.deepEqual(sleeps, [1000]);
});

Deno.test("fetchPageIndexDocument() refuses an empty DOC_ID and a non-http base URL", async () => {
  const canned = cannedFetch({});
  const empty = await inputError(() => fetchPageIndexDocument("", cannedOptions(canned.fetch)));
  assert.equal(empty.code, "REMOTE");
  assert.equal(empty.message, "Cannot import 'pageindex-cloud:': '' is not a PageIndex DOC_ID");
  const dots = await inputError(() => fetchPageIndexDocument("..", cannedOptions(canned.fetch)));
  assert.equal(dots.code, "REMOTE");
  const base = await inputError(() =>
    fetchPageIndexDocument("pi-x", { ...cannedOptions(canned.fetch), baseUrl: "ftp://x" })
  );
  assert.equal(
    base.message,
    "Cannot import 'pageindex-cloud:pi-x': the PageIndex base URL 'ftp://x' is not http(s)",
  );
  assert.equal(canned.urls.length, 0);
});

Deno.test("fetchPageIndexDocument() fails with NO_TEXT when every page is blank", async () => {
  const doc = fakePageIndexDocs()[FAKE_DOC_HANDBOOK];
  doc.pages = doc.pages.map((page) => ({ ...page, markdown: " \n" }));
  await using fake = startFakePageIndex({ documents: { "pi-blank": doc } });
  const error = await inputError(() => fetchPageIndexDocument("pi-blank", optionsFor(fake)));
  assert.equal(error.code, "NO_TEXT");
  assert.equal(
    error.message,
    "Cannot import 'pageindex-cloud:pi-blank': PageIndex returned no page text",
  );
});

Deno.test("fetchPageIndexDocument() warns when pageNum and the OCR pages disagree", async () => {
  const doc = fakePageIndexDocs()[FAKE_DOC_HANDBOOK];
  doc.metadata.pageNum = 5;
  doc.pages = [...doc.pages].reverse();
  await using fake = startFakePageIndex({ documents: { "pi-short": doc } });
  const { document } = await fetchPageIndexDocument("pi-short", optionsFor(fake));
  assert.equal(document.pageCount, 5);
  assert.deepEqual(document.warnings, ["PageIndex reports 5 pages but returned text up to page 3"]);
  assert.deepEqual(outline(document.sections), ["Welcome 1-1", "Leave 2-5"]);
  assert.ok(
    document.markdown.indexOf("<!-- page 1 -->") < document.markdown.indexOf("<!-- page 3 -->"),
  );
});

Deno.test("fetchPageIndexDocument() imports a 1500-page document in one OCR request", async () => {
  await using fake = startFakePageIndex();
  const started = performance.now();
  const { document, raw } = await fetchPageIndexDocument(FAKE_DOC_LARGE, optionsFor(fake));
  const ms = performance.now() - started;
  assert.equal(fake.requests.length, 3);
  assert.equal(document.pageCount, 1500);
  let previous = -1;
  for (const page of [1, 2, 750, 1499, 1500]) {
    const at = document.markdown.indexOf(
      `<!-- page ${page} -->\n\nPage ${page} of the large manual.`,
    );
    assert.ok(at > previous, `page ${page}`);
    previous = at;
  }
  assert.equal(document.markdown.match(/<!-- page \d+ -->/g)?.length, 1500);
  assert.equal(document.sections.length, 50);
  const lines = outline(document.sections);
  assert.equal(lines.length, 200);
  assert.deepEqual(lines.slice(0, 4), [
    "Chapter 1 1-30",
    "  Section 1.1 1-10",
    "  Section 1.2 11-20",
    "  Section 1.3 21-30",
  ]);
  assert.deepEqual(lines.slice(-2), ["  Section 50.2 1481-1490", "  Section 50.3 1491-1500"]);
  assert.equal(JSON.parse(new TextDecoder().decode(raw)).pages.length, 1500);
  assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
});

Deno.test("pageIndexSections() extends a parent to its last descendant and stays linear", () => {
  const tree: PageIndexNode[] = [
    {
      title: "A",
      node_id: "1",
      page_index: 1,
      nodes: [{ title: "A1", node_id: "2", page_index: 8 }],
    },
    { title: "  ", node_id: "3", page_index: 5 },
  ];
  assert.deepEqual(outline(pageIndexSections(tree, 9)), [
    "A 1-8",
    "  A1 8-8",
    "Untitled section 5-9",
  ]);

  const many: PageIndexNode[] = [];
  for (let i = 1; i <= 200_000; i++) many.push({ title: `S${i}`, node_id: null, page_index: i });
  const started = performance.now();
  const sections = pageIndexSections(many, 200_000);
  const ms = performance.now() - started;
  assert.equal(sections[199_999].endPage, 200_000);
  assert.equal(sections[0].endPage, 1);
  assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
});

Deno.test("retryAfterMs() reads seconds and HTTP dates, capped at 60 s", () => {
  assert.equal(retryAfterMs(null), undefined);
  assert.equal(retryAfterMs("0"), 0);
  assert.equal(retryAfterMs(" 2 "), 2000);
  assert.equal(retryAfterMs("3600"), 60_000);
  assert.equal(retryAfterMs("soon"), undefined);
  const now = Date.parse("Wed, 21 Oct 2026 07:28:00 GMT");
  assert.equal(retryAfterMs("Wed, 21 Oct 2026 07:28:05 GMT", now), 5000);
  assert.equal(retryAfterMs("Wed, 21 Oct 2026 07:27:00 GMT", now), 0);
});

Deno.test("startFakePageIndex() serves the §5 routes with and without a trailing slash", async () => {
  await using fake = startFakePageIndex();
  const get = async (path: string, key: string | null = FAKE_PAGEINDEX_KEY) => {
    const response = await fetch(fake.baseUrl + path, {
      headers: key === null ? {} : { api_key: key },
    });
    return { status: response.status, body: await response.json() };
  };
  const id = FAKE_DOC_HANDBOOK;
  for (const path of [`/doc/${id}/metadata`, `/doc/${id}/metadata/`]) {
    const { status, body } = await get(path);
    assert.equal(status, 200);
    assert.equal(body.name, "Employee Handbook.pdf");
    assert.equal(body.status, "completed");
  }
  const plain = await get(`/doc/${id}?type=tree`);
  assert.equal(plain.body.result[0].summary, undefined);
  const summarised = await get(`/doc/${id}/?type=tree&summary=true`);
  assert.equal(summarised.body.result[0].summary, "A welcome from the founders.");
  const raw = await get(`/doc/${id}?type=ocr&format=raw`);
  assert.equal(typeof raw.body.result, "string");
  const nodes = await get(`/doc/${id}/?type=ocr&format=node`);
  assert.deepEqual(nodes.body.result[1], {
    title: "Leave",
    level: 1,
    page_index: 2,
    text: "Leave text.",
  });
  const list = await get("/docs/?limit=2&offset=1");
  assert.equal(list.body.documents.length, 2);
  assert.equal(list.body.total, 7);
  assert.equal((await get(`/doc/${FAKE_DOC_PROCESSING}/?type=ocr`)).body.result, undefined);
  assert.equal((await get(`/doc/${id}/metadata`, null)).status, 401);
  assert.equal((await get(`/doc/${id}/metadata`, "pi-wrong")).status, 401);
  assert.deepEqual(await get(`/doc/${FAKE_DOC_UNKNOWN}/`), {
    status: 404,
    body: { error: "Document not found", errorCode: "NOT_FOUND" },
  });
  assert.equal(fake.requests.length, 11);
});

Deno.test("fetchPageIndexDocument() refuses a tree nested deeper than 100 levels", async () => {
  let deep: Json = { title: "leaf", page_index: 1 };
  for (let i = 0; i < 120; i++) deep = { title: `n${i}`, page_index: 1, nodes: [deep] };
  const canned = cannedFetch({ tree: { status: "completed", result: [deep] } });
  const error = await inputError(() => fetchPageIndexDocument("pi-x", cannedOptions(canned.fetch)));
  assert.equal(error.code, "REMOTE");
  assert.match(error.message, /is nested deeper than 100 levels\)$/);
});

/** A fetch whose OCR answer is an endless stream of chunks; counts the bytes pulled. */
function endlessOcrFetch(options: { declare?: number } = {}) {
  const canned = cannedFetch({});
  const pulled = { bytes: 0 };
  const chunk = new TextEncoder().encode(`{"pages": "${"x".repeat(16 * 1024)}`);
  const fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (!String(input).includes("type=ocr")) return canned.fetch(input, init);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled.bytes += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const headers = options.declare === undefined
      ? undefined
      : { "content-length": String(options.declare) };
    return Promise.resolve(new Response(body, { status: 200, headers }));
  };
  return { fetch: fetch as typeof globalThis.fetch, pulled };
}

Deno.test("fetchPageIndexDocument() stops reading the OCR answer at maxBytes (TOO_LARGE)", async () => {
  const { fetch, pulled } = endlessOcrFetch();
  const maxBytes = 200_000;
  const error = await inputError(() =>
    fetchPageIndexDocument("pi-x", { ...cannedOptions(fetch), maxBytes })
  );
  assert.equal(error.code, "TOO_LARGE");
  assert.equal(
    error.message,
    "Cannot import 'pageindex-cloud:pi-x': the PageIndex OCR answer is over the limit of 200000 bytes (limits.maxFetchBytes)",
  );
  // Reading stopped at the cap: at most a couple of chunks past it were pulled.
  assert.ok(pulled.bytes > maxBytes && pulled.bytes < maxBytes + 3 * 16_500, `${pulled.bytes}`);
});

Deno.test("fetchPageIndexDocument() refuses a declared Content-Length over maxBytes before reading", async () => {
  const { fetch, pulled } = endlessOcrFetch({ declare: 10_000_000 });
  const error = await inputError(() =>
    fetchPageIndexDocument("pi-x", { ...cannedOptions(fetch), maxBytes: 1_000_000 })
  );
  assert.equal(error.code, "TOO_LARGE");
  assert.match(error.message, /OCR answer is over the limit of 1000000 bytes/);
  assert.ok(pulled.bytes <= 3 * 16_500, `${pulled.bytes}`);
});

Deno.test("fetchPageIndexDocument() caps the real server's answers and accepts those under the cap", async () => {
  await using fake = startFakePageIndex();
  const error = await inputError(() =>
    fetchPageIndexDocument(FAKE_DOC_LARGE, { ...optionsFor(fake), maxBytes: 50_000 })
  );
  assert.equal(error.code, "TOO_LARGE");
  assert.match(error.message, /the PageIndex OCR answer is over the limit of 50000 bytes/);
  // Not retried: metadata, tree, then the one OCR request.
  assert.equal(fake.requests.length, 3);
  const ok = await fetchPageIndexDocument(FAKE_DOC_HANDBOOK, {
    ...optionsFor(fake),
    maxBytes: 50_000,
  });
  assert.equal(ok.document.pageCount, 3);
});
