/**
 * A fake PageIndex Cloud server for tests: a real HTTP server on 127.0.0.1,
 * random port, serving the read routes of `/work/shared/PAGEINDEX.md` §5 from
 * fixtures, and recording every request.
 *
 * ```ts
 * await using pageindex = startFakePageIndex();
 * const result = await fetchPageIndexDocument(FAKE_DOC_ANNUAL, {
 *   baseUrl: pageindex.baseUrl, apiKey: FAKE_PAGEINDEX_KEY });
 * // or, end to end: PAGEINDEX_BASE_URL=<baseUrl> PAGEINDEX_API_KEY=<key>
 * //   quire add --from-pageindex-cloud <FAKE_DOC_ANNUAL>
 * ```
 *
 * Routes (each with or without a trailing slash), all GET:
 * - `/doc/:id/metadata` → `{id, name, description, status, createdAt, pageNum, folderId}`
 * - `/doc/:id?type=tree[&summary=true]` → `{doc_id, status, retrieval_ready, result}`;
 *   summaries (`summary` on leaves, `prefix_summary` on parents) only with `summary=true`
 * - `/doc/:id?type=ocr[&format=page|raw|node]` → `{doc_id, status, retrieval_ready, result}`
 * - `/docs?limit=N&offset=M` → `{documents, total, limit, offset}` (shape is a guess)
 *
 * A missing or wrong `api_key` header gets 401, an unknown id 404, a document
 * not "completed" `{doc_id, status}` without `result`. With `failFirst`, the
 * first N requests get `failStatus` (429 by default) and then all is normal.
 * Fixture documents can be replaced or added through `documents` while the
 * server runs (for "the remote content changed" tests).
 *
 * @module
 */

type Json = Record<string, unknown>;

/** The API key the fake accepts unless told otherwise. */
export const FAKE_PAGEINDEX_KEY = "pi-fake-key-0123456789";

/**
 * 6 pages, name `reports\2023/Annual Report (2023).pdf`, description null.
 * Tree: Overview p1 (Letter from the chair p1, Highlights p2); Financial
 * Stability p3 (Monitoring Vulnerabilities p4 without `nodes`, Stress Tests
 * p4, Outlook p5 with `nodes: []`); Appendix p6. Page 3 is blank, page 4 has
 * images, page 5 has CRLF line ends.
 */
export const FAKE_DOC_ANNUAL = "pi-cmfakeannual2023report01";
/** 3 pages, name `Employee Handbook.pdf`, with a description; two leaf sections. */
export const FAKE_DOC_HANDBOOK = "pi-cmfakehandbook000000001";
/** 1500 generated pages, `Large Manual.pdf`: 50 chapters of 30 pages, 3 sections each. */
export const FAKE_DOC_LARGE = "pi-cmfakelarge1500pages001";
/** Status "processing" everywhere; tree and OCR answers have no `result`. */
export const FAKE_DOC_PROCESSING = "pi-cmfakeprocessing0000001";
/** Status "failed" everywhere. */
export const FAKE_DOC_FAILED = "pi-cmfakefailed00000000001";
/** Completed, but its tree answer is an HTML page sent with status 200. */
export const FAKE_DOC_NOT_JSON = "pi-cmfakenotjson000000001";
/** Completed, but its tree `result` is an object instead of a list. */
export const FAKE_DOC_BAD_SHAPE = "pi-cmfakebadshape00000001";
/** Not served: every route answers 404. */
export const FAKE_DOC_UNKNOWN = "pi-cmfakeunknown000000001";

/** One fixture document, in wire shapes. */
export interface FakePageIndexDoc {
  /** `name`, `description`, `pageNum`, `createdAt` (id, status and folderId are added). */
  metadata: { name: string; description: string | null; pageNum: number; createdAt: string };
  /** @default "completed" */
  status?: string;
  /** Tree nodes as sent with `summary=true` (`text`, `summary` / `prefix_summary`, `nodes`). */
  tree: Json[];
  /** OCR pages: `{page_index, markdown, images}`. */
  pages: Json[];
  /** Raw body texts sent with 200 instead of the normal answer. */
  override?: { metadata?: string; tree?: string; ocr?: string };
}

/** One request the server received. */
export interface FakePageIndexRequest {
  method: string;
  /** URL path as sent, e.g. `/doc/pi-x/metadata/`. */
  path: string;
  /** Query string as sent, with its `?`, or "". */
  search: string;
  /** The `api_key` header, or null. */
  apiKey: string | null;
}

/** Options of {@linkcode startFakePageIndex}. */
export interface FakePageIndexOptions {
  /** The accepted key. @default FAKE_PAGEINDEX_KEY */
  apiKey?: string;
  /** Answer this many first requests with `failStatus`. @default 0 */
  failFirst?: number;
  /** Status of those failures. @default 429 */
  failStatus?: number;
  /** `Retry-After` header sent with the failures; none when undefined. */
  retryAfter?: string;
  /** Extra or replacement documents, by DOC_ID. */
  documents?: Record<string, FakePageIndexDoc>;
}

/** A running fake; close it (or `await using` it) before the test ends. */
export interface FakePageIndex {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:40123`. */
  baseUrl: string;
  /** Every request received, in order. */
  requests: FakePageIndexRequest[];
  /** The documents served, by DOC_ID; may be changed while running. */
  documents: Map<string, FakePageIndexDoc>;
  /** Stops the server. Safe to call twice. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function leaf(title: string, nodeId: string, page: number, summary: string): Json {
  return { title, node_id: nodeId, page_index: page, text: `${title} text.`, summary };
}

function annualReport(): FakePageIndexDoc {
  return {
    metadata: {
      name: "reports\\2023/Annual Report (2023).pdf",
      description: null,
      pageNum: 6,
      createdAt: "2026-08-01T10:00:00.123000",
    },
    tree: [
      {
        title: "Overview",
        node_id: "0001",
        page_index: 1,
        text: "Overview text.",
        prefix_summary: "The report opens with the chair's letter and the highlights.",
        nodes: [
          leaf("Letter from the chair", "0002", 1, "The chair calls the year steady."),
          leaf("Highlights", "0003", 2, "Revenue grew by four percent."),
        ],
      },
      {
        title: "Financial Stability",
        node_id: "0004",
        page_index: 3,
        text: "Financial stability text.",
        prefix_summary: "How the system held up.",
        nodes: [
          leaf("Monitoring Vulnerabilities", "0005", 4, "Household debt is stable."),
          leaf("Stress Tests", "0006", 4, "All banks passed."),
          { ...leaf("Outlook", "0007", 5, "Rates are expected to fall."), nodes: [] },
        ],
      },
      leaf("Appendix", "0008", 6, "Tables and sources."),
    ],
    pages: [
      {
        page_index: 1,
        markdown: "# Annual Report 2023\n\nLetter from the chair. The year was steady.\n",
        images: [],
      },
      { page_index: 2, markdown: "## Highlights\n\nRevenue grew by 4 percent.", images: [] },
      { page_index: 3, markdown: "  \n\n ", images: [] },
      {
        page_index: 4,
        markdown: "## Monitoring Vulnerabilities\n\nHousehold debt is stable.\n\n" +
          "## Stress Tests\n\nAll banks passed.",
        images: [{ path: "fig1.png", width: 640, height: 480 }, { caption: "no path" }],
      },
      { page_index: 5, markdown: "## Outlook\r\n\r\nRates are expected to fall.\r\n", images: [] },
      { page_index: 6, markdown: "## Appendix\n\nTables and sources.", images: [] },
    ],
  };
}

function handbook(): FakePageIndexDoc {
  return {
    metadata: {
      name: "Employee Handbook.pdf",
      description: "How we work together at Example Corp.",
      pageNum: 3,
      createdAt: "2026-08-02T09:30:00.000000",
    },
    tree: [
      leaf("Welcome", "0001", 1, "A welcome from the founders."),
      leaf("Leave", "0002", 2, "Holidays and sick leave."),
    ],
    pages: [
      { page_index: 1, markdown: "# Welcome\n\nWelcome to Example Corp.", images: [] },
      { page_index: 2, markdown: "# Leave\n\nEveryone gets 25 days of holiday.", images: [] },
      { page_index: 3, markdown: "Sick leave needs a note after three days.", images: [] },
    ],
  };
}

function largeManual(): FakePageIndexDoc {
  const tree: Json[] = [];
  const pages: Json[] = [];
  for (let chapter = 1; chapter <= 50; chapter++) {
    const first = (chapter - 1) * 30 + 1;
    const nodes = [0, 1, 2].map((s) =>
      leaf(`Section ${chapter}.${s + 1}`, "", first + s * 10, `Section ${chapter}.${s + 1}.`)
    );
    tree.push({
      title: `Chapter ${chapter}`,
      node_id: "",
      page_index: first,
      text: `Chapter ${chapter} text.`,
      prefix_summary: `Chapter ${chapter} has three sections.`,
      nodes,
    });
  }
  let id = 0;
  for (const chapter of tree) {
    chapter.node_id = String(++id).padStart(4, "0");
    for (const node of chapter.nodes as Json[]) node.node_id = String(++id).padStart(4, "0");
  }
  for (let page = 1; page <= 1500; page++) {
    pages.push({
      page_index: page,
      markdown: `Page ${page} of the large manual. It covers topic ${page % 17} in some depth, ` +
        `with enough words to look like a real page of running text.`,
      images: [],
    });
  }
  return {
    metadata: {
      name: "Large Manual.pdf",
      description: "A generated manual of 1500 pages.",
      pageNum: 1500,
      createdAt: "2026-08-03T12:00:00.000000",
    },
    tree,
    pages,
  };
}

/** Returns fresh copies of the built-in fixture documents, by DOC_ID. */
export function fakePageIndexDocs(): Record<string, FakePageIndexDoc> {
  const annual = annualReport();
  return {
    [FAKE_DOC_ANNUAL]: annual,
    [FAKE_DOC_HANDBOOK]: handbook(),
    [FAKE_DOC_LARGE]: largeManual(),
    [FAKE_DOC_PROCESSING]: { ...handbook(), status: "processing" },
    [FAKE_DOC_FAILED]: { ...handbook(), status: "failed" },
    [FAKE_DOC_NOT_JSON]: {
      ...handbook(),
      override: { tree: "<html><body>Bad gateway page</body></html>" },
    },
    [FAKE_DOC_BAD_SHAPE]: {
      ...handbook(),
      override: { tree: JSON.stringify({ doc_id: "x", status: "completed", result: { a: 1 } }) },
    },
  };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function withoutSummaries(nodes: Json[]): Json[] {
  return nodes.map(({ summary: _s, prefix_summary: _p, nodes: children, ...rest }) =>
    Array.isArray(children) ? { ...rest, nodes: withoutSummaries(children) } : rest
  );
}

function flattenNodes(nodes: Json[], level: number, out: Json[]): Json[] {
  for (const node of nodes) {
    out.push({ title: node.title, level, page_index: node.page_index, text: node.text });
    if (Array.isArray(node.nodes)) flattenNodes(node.nodes as Json[], level + 1, out);
  }
  return out;
}

function metadataOf(id: string, doc: FakePageIndexDoc): Json {
  const { name, description, pageNum, createdAt } = doc.metadata;
  const status = doc.status ?? "completed";
  return { id, name, description, status, createdAt, pageNum, folderId: null };
}

function answerDoc(id: string, doc: FakePageIndexDoc, params: URLSearchParams): Response {
  const type = params.get("type") ?? "tree";
  if (type !== "tree" && type !== "ocr") {
    return json(400, { error: `Invalid type '${type}'`, errorCode: "INVALID_INPUT" });
  }
  const status = doc.status ?? "completed";
  const override = type === "tree" ? doc.override?.tree : doc.override?.ocr;
  if (override !== undefined) return new Response(override, { status: 200 });
  if (status !== "completed") return json(200, { doc_id: id, status });
  const envelope = { doc_id: id, status, retrieval_ready: true };
  if (type === "tree") {
    const tree = params.get("summary") === "true" ? doc.tree : withoutSummaries(doc.tree);
    return json(200, { ...envelope, result: tree });
  }
  const format = params.get("format") ?? "page";
  if (format === "page") return json(200, { ...envelope, result: doc.pages });
  if (format === "raw") {
    return json(200, { ...envelope, result: doc.pages.map((p) => p.markdown).join("\n\n") });
  }
  if (format === "node") return json(200, { ...envelope, result: flattenNodes(doc.tree, 1, []) });
  return json(400, { error: `Invalid format '${format}'`, errorCode: "INVALID_INPUT" });
}

function answerList(documents: Map<string, FakePageIndexDoc>, params: URLSearchParams): Response {
  const limit = Number(params.get("limit") ?? "50");
  const offset = Number(params.get("offset") ?? "0");
  if (!Number.isInteger(limit) || limit < 1 || limit > 100 || !Number.isInteger(offset)) {
    return json(400, { error: "limit must be 1-100", errorCode: "INVALID_INPUT" });
  }
  const all = [...documents].map(([id, doc]) => metadataOf(id, doc));
  return json(200, {
    documents: all.slice(offset, offset + limit),
    total: all.length,
    limit,
    offset,
  });
}

/** Starts the fake on a random port of 127.0.0.1. */
export function startFakePageIndex(options: FakePageIndexOptions = {}): FakePageIndex {
  const apiKey = options.apiKey ?? FAKE_PAGEINDEX_KEY;
  const documents = new Map(Object.entries({ ...fakePageIndexDocs(), ...options.documents }));
  const requests: FakePageIndexRequest[] = [];
  let failuresLeft = options.failFirst ?? 0;

  const handler = (request: Request): Response => {
    const url = new URL(request.url);
    const key = request.headers.get("api_key");
    requests.push({ method: request.method, path: url.pathname, search: url.search, apiKey: key });
    if (failuresLeft > 0) {
      failuresLeft--;
      const headers: Record<string, string> = options.retryAfter === undefined
        ? {}
        : { "retry-after": options.retryAfter };
      return json(
        options.failStatus ?? 429,
        { error: "Slow down", errorCode: "RATE_LIMITED" },
        headers,
      );
    }
    if (request.method !== "GET") return json(405, { error: "Method not allowed" });
    if (key !== apiKey) {
      return json(401, { error: "Invalid or missing API key", errorCode: "UNAUTHORIZED" });
    }
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, "") : url.pathname;
    if (path === "/docs") return answerList(documents, url.searchParams);
    const match = /^\/doc\/([^/]+)(\/metadata)?$/.exec(path);
    let id = "";
    try {
      id = match ? decodeURIComponent(match[1]) : "";
    } catch {
      return json(400, { error: "Bad document id", errorCode: "INVALID_INPUT" });
    }
    const doc = documents.get(id);
    if (doc === undefined) {
      return json(404, { error: "Document not found", errorCode: "NOT_FOUND" });
    }
    if (match![2] !== undefined) {
      const override = doc.override?.metadata;
      return override === undefined
        ? json(200, metadataOf(id, doc))
        : new Response(override, { status: 200 });
    }
    return answerDoc(id, doc, url.searchParams);
  };

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  let closing: Promise<void> | undefined;
  const close = () => closing ??= server.shutdown();
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}`,
    requests,
    documents,
    close,
    [Symbol.asyncDispose]: close,
  };
}
