/**
 * `quire mcp` end to end: the server runs as a subprocess and the MCP SDK's
 * own client drives it over stdio, as an agent's client would.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { acquireExclusiveLock } from "../commit/lock.ts";
import { kbLayout } from "../core/layout.ts";
import {
  collect,
  read,
  registryDocuments,
  runQuire,
  spawnQuire,
  tempDir,
  treeState,
  writeFiles,
} from "./_helpers.ts";
import { KbReader } from "../cli/mcp/kb_reader.ts";
import { listResources } from "../cli/mcp/wiki_resources.ts";
import { connectMcp } from "./_mcp_client.ts";
import { buildSampleKb } from "./_sample_kb.ts";

interface ListedTool {
  name: string;
  inputSchema: { properties?: Record<string, unknown>; required?: string[] };
}
interface ListedResource {
  uri: string;
  title?: string;
}

const TOOLS = {
  document_outline: ["name"],
  links: ["path"],
  list_documents: ["limit", "offset"],
  read_page: ["heading", "pages", "path"],
  save_note: ["answer", "question"],
  search: ["limit", "query"],
  status: [],
};

/** A paged source (markers as the PDF reader writes them) and a long page. */
const EXTRA_DOCS: Record<string, string> = {
  "paged.md": [1, 2, 3, 4, 5].map((n) => `<!-- page ${n} -->\n\nPage ${n} talks of quasars.\n`)
    .join("\n"),
  "long.md": `# Long\n\n${"A line of padding text for the budget.\n".repeat(2000)}`,
};

Deno.test("quire mcp serves the knowledge base to an MCP client over stdio", async (t) => {
  await using dir = await tempDir();
  const kb = await buildSampleKb(dir.path);
  await writeFiles(join(dir.path, "extra"), EXTRA_DOCS);
  assert.equal((await runQuire(["--kb", kb, "add", join(dir.path, "extra")])).code, 0);
  await Deno.writeTextFile(join(dir.path, "secret.md"), "outside the wiki");
  await Deno.symlink(join(dir.path, "secret.md"), join(kb, "wiki", "escape.md"));
  await using mcp = await connectMcp(kb);
  const { client } = mcp;

  await t.step(
    "initialize names the server; tools have exactly the agreed names and arguments",
    async () => {
      assert.equal(client.getServerVersion()?.name, "quire");
      assert.match(client.getInstructions() ?? "", /read_page/);
      const tools = (await client.listTools()).tools as ListedTool[];
      const found = Object.fromEntries(
        tools.map((tool) => [tool.name, Object.keys(tool.inputSchema.properties ?? {}).sort()]),
      );
      assert.deepEqual(found, TOOLS);
      const search = tools.find((tool) => tool.name === "search");
      assert.deepEqual(search?.inputSchema.required, ["query"]);
    },
  );

  await t.step("resources list every page, paged, and read as markdown", async () => {
    const listed = await client.listResources();
    const resources = listed.resources as ListedResource[];
    const nextCursor = listed.nextCursor;
    assert.equal(nextCursor, undefined);
    const uris = resources.map((r) => r.uri);
    for (
      const page of ["index.md", "log.md", "summaries/solar.md", "sources/solar.md"]
    ) assert.ok(uris.includes(`quire://wiki/${page}`), page);
    assert.ok(uris.some((uri: string) => uri.startsWith("quire://wiki/concepts/")));
    assert.equal(
      resources.find((r) => r.uri.endsWith("summaries/solar.md"))?.title,
      "Solar Energy Basics",
    );
    const read = await client.readResource({ uri: "quire://wiki/summaries/solar.md" });
    const content = read.contents[0] as { text: string; mimeType: string };
    assert.equal(content.mimeType, "text/markdown");
    assert.equal(content.text, await Deno.readTextFile(join(kb, "wiki/summaries/solar.md")));
    const templates = await client.listResourceTemplates();
    assert.equal(templates.resourceTemplates[0].uriTemplate, "quire://wiki/{+path}");
    await assert.rejects(
      client.readResource({ uri: "quire://wiki/../.quire/config.json" }),
      /outside the knowledge base's wiki/,
    );
    await assert.rejects(
      client.readResource({ uri: "quire://wiki/nothing.md" }),
      /Cannot find page/,
    );
  });

  await t.step("search ranks documents and says which section to open", async () => {
    const found = await mcp.call("search", { query: "photovoltaic" });
    assert.equal(found.isError, false);
    assert.match(found.text, /^1 results for "photovoltaic"/);
    assert.match(found.text, /1\. Solar Energy Basics \(document solar, score \d+\.\d{3}\)/);
    assert.match(found.text, /open: read_page \{"path":"sources\/solar","heading":"/);
    assert.match(found.text, /«photovoltaic»/);
    const paged = await mcp.call("search", { query: "quasars", limit: 1 });
    assert.match(paged.text, /open: read_page \{"path":"sources\/paged","pages":"1"\}/);
    // Not FTS5 syntax: the same query language as `quire search`, so this is plain text.
    const odd = await mcp.call("search", { query: "wind^ (turbine) NOT:" });
    assert.equal(odd.isError, false);
    assert.match(odd.text, /Wind Turbines/);
  });

  await t.step("search refuses an empty query and an oversized limit as tool errors", async () => {
    const empty = await mcp.call("search", { query: " --- " });
    assert.equal(empty.isError, true);
    assert.match(empty.text, /no word to search for/);
    const big = await mcp.call("search", { query: "solar", limit: 5000 });
    assert.equal(big.isError, true);
    assert.match(big.text, /limit/);
    const wrong = await mcp.call("search", { limit: 3 });
    assert.equal(wrong.isError, true);
  });

  await t.step("read_page reads by path, wikilink, name, heading and pages", async () => {
    const summary = await read(join(kb, "wiki/summaries/solar.md"));
    for (
      const path of ["summaries/solar", "wiki/summaries/solar.md", "[[summaries/solar]]", "solar"]
    ) {
      const page = await mcp.call("read_page", { path });
      assert.equal(page.text, `page: wiki/summaries/solar.md\n\n${summary}`, path);
    }
    const section = await mcp.call("read_page", {
      path: "sources/solar",
      heading: "photovoltaic cells",
    });
    assert.equal(
      section.text,
      "page: wiki/sources/solar.md § photovoltaic cells\n\n## Photovoltaic Cells\n\n" +
        "A photovoltaic cell is made of silicon. Battery storage keeps the energy for the night.\n",
    );
    const anchored = await mcp.call("read_page", { path: "[[sources/solar#Photovoltaic Cells]]" });
    assert.match(
      anchored.text,
      /^page: wiki\/sources\/solar\.md § Photovoltaic Cells\n\n## Photovoltaic/,
    );
    // A document name with a heading its summary lacks reads its full text.
    const byName = await mcp.call("read_page", {
      path: "solar",
      heading: "Installation: Roofs & Costs",
    });
    assert.match(byName.text, /Installation costs dropped sharply/);
    const pages = await mcp.call("read_page", { path: "paged", pages: "2-3" });
    assert.equal(
      pages.text,
      "page: wiki/sources/paged.md, pages 2-3\n\n<!-- page 2 -->\n\nPage 2 talks of quasars.\n\n" +
        "<!-- page 3 -->\n\nPage 3 talks of quasars.\n",
    );
    const long = await mcp.call("read_page", { path: "sources/long" });
    assert.ok(long.text.length < 41000);
    assert.match(
      long.text,
      /\n\n\[cut: showed \d+ of \d+ characters; read one section with heading/,
    );
  });

  await t.step(
    "read_page fails as a tool error on unknown pages and anything outside the wiki",
    async () => {
      const cases: [Record<string, string>, RegExp][] = [
        [{ path: "no-such-page" }, /NOT_FOUND.*no page of the wiki/],
        [{ path: "../.quire/config.json" }, /outside the knowledge base's wiki/],
        [{ path: "summaries/../../raw/solar.md" }, /outside the knowledge base's wiki/],
        [{ path: join(kb, "wiki/index.md") }, /outside the knowledge base's wiki/],
        [{ path: "/etc/passwd" }, /outside the knowledge base's wiki/],
        [{ path: "..\\..\\etc\\passwd" }, /outside the knowledge base's wiki/],
        [{ path: ".quire/config" }, /outside the knowledge base's wiki/],
        [{ path: "escape" }, /outside the knowledge base's wiki/],
        [
          { path: "sources/solar", heading: "Nope" },
          /no heading|Cannot find heading "Nope".*"Photovoltaic Cells"/,
        ],
        [{ path: "sources/solar", pages: "1" }, /it has no page markers/],
        [{ path: "sources/paged", pages: "9-12" }, /its pages run from 1 to 5/],
        [{ path: "sources/paged", pages: "3-x" }, /expected N or N-M/],
        [{ path: "sources/paged", pages: "1", heading: "x" }, /heading or pages, not both/],
      ];
      for (const [args, message] of cases) {
        const result = await mcp.call("read_page", args);
        assert.equal(result.isError, true, JSON.stringify(args));
        assert.match(result.text, message, JSON.stringify(args));
      }
      const nothing = await mcp.call("read_page", {});
      assert.equal(nothing.isError, true);
    },
  );

  await t.step("list_documents pages through the documents; its limits are checked", async () => {
    const first = await mcp.call("list_documents", { limit: 2 });
    assert.match(first.text, /^Documents 1–2 of 7 \(name \| title \| type \| added \| source\):\n/);
    assert.match(first.text, /\nbattery \| Battery storage for renewable energy \| text \| /);
    assert.match(first.text, /\[more: call list_documents with offset 2\]$/);
    const last = await mcp.call("list_documents", { limit: 50, offset: 6 });
    assert.match(last.text, /^Documents 7–7 of 7/);
    assert.doesNotMatch(last.text, /more:/);
    const past = await mcp.call("list_documents", { offset: 100 });
    assert.equal(past.text, "No documents past offset 100; there are 7.");
    for (const args of [{ limit: 100000 }, { limit: 0 }, { offset: -1 }, { limit: 1.5 }]) {
      assert.equal((await mcp.call("list_documents", args)).isError, true, JSON.stringify(args));
    }
  });

  await t.step(
    "document_outline shows the section tree; an unknown name is a tool error",
    async () => {
      const outline = await mcp.call("document_outline", { name: "guide" });
      assert.match(outline.text, /^Field Guide to Headings \(document guide, markdown\)\n/);
      assert.match(outline.text, /\n {2}- Setext Heading Here\n/);
      const paged = await mcp.call("document_outline", { name: "paged" });
      assert.match(paged.text, /full text: sources\/paged/);
      const unknown = await mcp.call("document_outline", { name: "nope" });
      assert.equal(unknown.isError, true);
      assert.match(unknown.text, /Cannot outline 'nope': no document has this name/);
    },
  );

  await t.step("links lists both ways; status reports counts", async () => {
    const links = await mcp.call("links", { path: "solar" });
    assert.match(links.text, /^page: wiki\/summaries\/solar\.md\n\nlinks to \(\d+\):\n/);
    assert.match(links.text, /- sources\/solar → wiki\/sources\/solar\.md/);
    assert.equal((await mcp.call("links", { path: "../x" })).isError, true);
    assert.equal((await mcp.call("links", { path: "nope" })).isError, true);
    const status = await mcp.call("status");
    assert.match(status.text, /\ndocuments: 7 \(/);
    assert.match(status.text, /\nrecovery pending: no$/);
  });

  await t.step("save_note writes an exploration through the coordinator", async () => {
    const saved = await mcp.call("save_note", {
      question: "What stores solar energy?",
      answer: "Batteries do; see [[summaries/battery]] and [[summaries/made-up]].",
    });
    assert.equal(saved.isError, false, saved.text);
    assert.match(
      saved.text,
      /^saved: wiki\/explorations\/what-stores-solar-energy\.md .*citations: summaries\/battery$/,
    );
    const page = await read(join(kb, "wiki/explorations/what-stores-solar-energy.md"));
    assert.ok(page.endsWith("Batteries do; see [[summaries/battery]] and summaries/made-up.\n"));
    const battery = await mcp.call("links", { path: "battery" });
    assert.match(
      battery.text,
      /- wiki\/explorations\/what-stores-solar-energy\.md \(What stores solar energy\?\)/,
    );
    assert.match(
      await read(join(kb, "wiki/summaries/battery.md")),
      /## Linked from\n\n- \[\[explorations\/what-stores-solar-energy\|/,
    );
    assert.equal((await mcp.call("save_note", { question: "", answer: "x" })).isError, true);
  });
});

Deno.test("quire mcp reads while another process holds the lock; save_note waits, then fails as a tool error", async () => {
  await using dir = await tempDir();
  const kb = await buildSampleKb(dir.path);
  await using mcp = await connectMcp(kb, ["--wait", "1"]);
  const lock = await acquireExclusiveLock(kbLayout(kb));
  try {
    const found = await mcp.call("search", { query: "turbine" });
    assert.match(found.text, /Wind Turbines/);
    assert.match((await mcp.call("status")).text, /\nchange in progress: yes, pid \d+/);
    const started = performance.now();
    const busy = await mcp.call("save_note", { question: "Locked?", answer: "Yes." });
    assert.ok(performance.now() - started >= 900, "save_note should wait about --wait seconds");
    assert.equal(busy.isError, true);
    assert.match(
      busy.text,
      /^error \(LOCKED\): Cannot lock knowledge base .*: another Quire process \(pid \d+/,
    );
    assert.match(busy.text, /\nhint: Wait for it to finish/);
  } finally {
    await lock.release();
  }
  const saved = await mcp.call("save_note", { question: "Locked?", answer: "No longer." });
  assert.equal(saved.isError, false, saved.text);
});

Deno.test("quire mcp answers during a concurrent add and sees each document once its commit lands", async () => {
  await using dir = await tempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < 120; i++) {
    files[`doc-${String(i).padStart(3, "0")}.md`] =
      `# Report ${i}\n\nThe lighthouse keeper wrote report ${i} about the harbour.\n`;
  }
  await writeFiles(join(dir.path, "in"), files);
  const kb = join(dir.path, "kb");
  assert.equal((await runQuire(["init", kb])).code, 0);
  await using mcp = await connectMcp(kb);
  const count = async () => {
    const listed = await mcp.call("list_documents", { limit: 1 });
    assert.equal(listed.isError, false, listed.text);
    const match = /of (\d+) /.exec(listed.text);
    return match ? Number(match[1]) : 0;
  };
  const add = spawnQuire(["--kb", kb, "add", join(dir.path, "in")]);
  const finished = collect(add);
  let done = false;
  finished.then(() => (done = true));
  const seen: number[] = [];
  while (!done) {
    const before = await count();
    const hits = await mcp.call("search", { query: "lighthouse", limit: 50 });
    assert.equal(hits.isError, false, hits.text);
    const results = Number(/^(\d+) results/.exec(hits.text)?.[1] ?? 0);
    // Every document the search finds was committed: its summary is on disk.
    for (const name of hits.text.matchAll(/\(document (doc-\d+), score/g)) {
      await Deno.stat(join(kb, "wiki", "summaries", `${name[1]}.md`));
    }
    assert.ok(results >= Math.min(before, 50), `${results} hits, ${before} documents listed`);
    seen.push(before);
  }
  const result = await finished;
  assert.equal(result.code, 0, result.stderr);
  assert.ok(seen.length > 0);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1], `counts ${seen}`);
  assert.equal(await count(), 120);
  assert.equal(registryDocuments(kb).length, 120);

  // The resource list, 7 at a time, holds every page of the wiki exactly once.
  const reader = new KbReader(kbLayout(kb), 0);
  try {
    const uris: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listResources(reader, cursor, 7);
      assert.ok(page.resources.length <= 7);
      uris.push(...page.resources.map((r) => r.uri));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    const onDisk = await treeState(kb);
    const pages = Object.keys(onDisk).filter((p) => p.startsWith("wiki/") && p.endsWith(".md"))
      .map((p) => `quire://wiki/${p.slice("wiki/".length)}`);
    assert.deepEqual([...uris].sort(), pages.sort());
    assert.equal(new Set(uris).size, uris.length);
  } finally {
    reader.close();
  }
});

Deno.test("quire mcp without a knowledge base fails before serving, with exit 2", async () => {
  await using dir = await tempDir();
  const result = await runQuire(["--kb", join(dir.path, "none"), "mcp"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /Cannot open knowledge base .*: it has no '\.quire' folder/);
  assert.equal(result.stdout, "");
});
