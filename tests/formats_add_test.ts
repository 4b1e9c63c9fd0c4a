/**
 * Every format through the whole pipeline (workers with their restricted
 * permissions, the coordinator, the pages), and URLs from a real local server.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { read, registryDocuments, runQuireJson, tempDir } from "./_helpers.ts";
import type { AddResult } from "../commit/mod.ts";

const FIXTURES = join(import.meta.dirname!, "fixtures", "formats");

Deno.test("add reads every fixture format in workers and refuses the broken ones per file", async () => {
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  const inputs = [...Deno.readDirSync(FIXTURES)]
    .map((e) => e.name)
    .filter((name) => !name.endsWith(".sh") && !name.endsWith(".ts"))
    .sort()
    .map((name) => join(FIXTURES, name));
  const { code, json, stderr } = await runQuireJson<AddResult>([
    "--kb",
    kb,
    "add",
    "--jobs",
    "2",
    ...inputs,
  ]);
  assert.equal(code, 1, stderr);
  const failed = Object.fromEntries(json.failed.map((f) => [f.source.split("/").pop(), f.code]));
  assert.deepEqual(failed, {
    "encrypted.pdf": "ENCRYPTED",
    "scanned.pdf": "NO_TEXT",
    "truncated.pdf": "CORRUPT",
  });
  const types = Object.fromEntries(
    registryDocuments(kb).map((d) => [d.name, d.source.split(".").pop()]),
  );
  assert.ok(Object.keys(types).includes("handbook"), JSON.stringify(types));
  assert.equal(json.added.length, inputs.length - 3);

  const handbook = await read(join(kb, "wiki", "sources", "handbook.md"));
  assert.match(handbook, /^# Harbour Operations/m);
  assert.match(handbook, /\| Berth \| Vessel \| Arrival \|/);
  const article = await read(join(kb, "wiki", "summaries", "article.md"));
  assert.match(article, /type: "html"/);
  const outline = await read(join(kb, "wiki", "sources", "outline.md"));
  assert.match(outline, /<!-- page 2 -->/);
  const people = await read(join(kb, "wiki", "summaries", "people.md"));
  assert.match(people, /type: "csv"/);
  assert.match(people, /- columns: /);
  const latin = await read(join(kb, "wiki", "summaries", "latin1.md"));
  assert.match(latin, /Warning: read as windows-1252/);
});

Deno.test("add fetches URLs in the workers: new, unchanged and changed pages", async () => {
  let body =
    "<html><head><title>Tide Tables Explained</title></head><body><nav>Home | About</nav>" +
    "<article><h1>Tide Tables Explained</h1><p>Tide tables predict the height of the sea. " +
    "Harbour masters publish tide tables every year for every port.</p></article></body></html>";
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/tides") {
      return new Response(body, { headers: { "content-type": "text/html; charset=utf-8" } });
    }
    if (path === "/moved") return Response.redirect(new URL("/tides", request.url), 302);
    return new Response("not here", { status: 404 });
  });
  await using dir = await tempDir();
  const kb = join(dir.path, "kb");
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    const first = await runQuireJson<AddResult>([
      "--kb",
      kb,
      "add",
      `${base}/tides`,
      `${base}/missing`,
    ]);
    assert.equal(first.code, 1, first.stderr);
    assert.deepEqual(first.json.added.map((d) => [d.name, d.source]), [[
      "tide-tables-explained",
      `${base}/tides`,
    ]]);
    assert.equal(first.json.failed[0].code, "FETCH");
    assert.match(first.json.failed[0].error, /404/);
    const source = await read(join(kb, "wiki", "sources", "tide-tables-explained.md"));
    assert.match(source, /Tide tables predict the height of the sea\./);
    assert.doesNotMatch(source, /Home \| About/);
    assert.equal(await read(join(kb, "raw", "tide-tables-explained.html")), body);

    const again = await runQuireJson<AddResult>(["--kb", kb, "add", `${base}/tides`]);
    assert.equal(again.code, 0);
    assert.deepEqual(again.json.skipped.map((s) => s.reason), ["duplicate"]);

    body = body.replace("every year", "every month");
    const changed = await runQuireJson<AddResult>(["--kb", kb, "add", `${base}/tides`]);
    assert.deepEqual(changed.json.updated.map((d) => d.name), ["tide-tables-explained"]);
  } finally {
    await server.shutdown();
  }
});
