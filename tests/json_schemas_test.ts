/**
 * Every command's `--json` output is checked against its JSON Schema in
 * `schemas/` (validated with ajv), so a change to a field is a change to a
 * schema file, seen in review and documented in the README.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { ROOT, runQuire, type RunResult, spawnQuire, tempDir, writeFiles } from "./_helpers.ts";

const SCHEMAS = join(ROOT, "schemas");

async function loadValidators(): Promise<Map<string, ValidateFunction>> {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const files = [...Deno.readDirSync(SCHEMAS)].map((e) => e.name).filter((n) =>
    n.endsWith(".json")
  );
  for (const file of files) {
    ajv.addSchema(JSON.parse(await Deno.readTextFile(join(SCHEMAS, file))));
  }
  const validators = new Map<string, ValidateFunction>();
  for (const file of files) {
    const validate = ajv.getSchema(`https://quire.example/schemas/${file}`);
    assert.ok(validate, file);
    validators.set(file, validate);
  }
  return validators;
}

/** Runs `quire --json …` and checks stdout against `schema`; returns the parsed value. */
async function checked(
  validators: Map<string, ValidateFunction>,
  schema: string,
  args: string[],
  code = 0,
): Promise<unknown> {
  const result: RunResult = await runQuire([...args, "--json"]);
  assert.equal(result.code, code, `${args.join(" ")}: ${result.stderr}`);
  const value = JSON.parse(result.stdout);
  const validate = validators.get(schema);
  assert.ok(validate, schema);
  assert.ok(
    validate(value),
    `${args.join(" ")} against ${schema}: ${
      JSON.stringify(validate.errors, null, 2)
    }\n${result.stdout}`,
  );
  return value;
}

Deno.test("every command's --json output matches its schema in schemas/", async (t) => {
  const validators = await loadValidators();
  await using dir = await tempDir();
  const input = join(dir.path, "in");
  await writeFiles(input, {
    "a.md": "# Alpha\n\nAlpha text about harbours, linking [[b]].\n\n## Details\n\nMore alpha.\n",
    "b.md": "# Beta\n\nBeta text about harbours.\n",
    "copy.md": "# Beta\n\nBeta text about harbours.\n",
    "bad.bin": "\u0000\u0001binary",
  });
  const kb = join(dir.path, "kb");
  const at = ["--kb", kb];

  await t.step("init, add, recompile", async () => {
    await checked(validators, "init.json", ["init", kb]);
    // bad.bin inside the folder is skipped as unsupported; named on its own it fails.
    const added = await checked(
      validators,
      "add.json",
      [...at, "add", input, join(dir.path, "missing.md")],
      1,
    ) as { added: unknown[]; skipped: { reason: string }[]; failed: unknown[] };
    assert.deepEqual([added.added.length, added.failed.length], [2, 1]);
    assert.deepEqual(added.skipped.map((s) => s.reason).sort(), ["duplicate", "unsupported"]);
    await checked(validators, "add.json", [...at, "recompile", "a"]);
  });

  await t.step("search, query, list, status, lint, links", async () => {
    const hits = await checked(validators, "search.json", [...at, "search", "alpha"]) as {
      heading: string;
    }[];
    assert.equal(hits[0].heading, "Alpha");
    await checked(validators, "search.json", [...at, "search", "nothing-matches-this"]);
    await checked(validators, "query.json", [...at, "query", "what", "about", "harbours?"]);
    await checked(validators, "list.json", [...at, "list"]);
    await checked(validators, "status.json", [...at, "status"]);
    await checked(validators, "lint.json", [...at, "lint"]);
    await checked(validators, "links.json", [...at, "links", "b"]);
    await checked(validators, "links.json", [...at, "links", "index"]);
  });

  await t.step("sync --dry-run, sync, remove, recover", async () => {
    await Deno.remove(join(input, "bad.bin"));
    await Deno.writeTextFile(join(input, "c.md"), "# Gamma\n\nNew.\n");
    await checked(validators, "sync-plan.json", [...at, "sync", input, "--dry-run"]);
    await checked(validators, "sync.json", [...at, "sync", input]);
    await checked(validators, "remove.json", [...at, "remove", "c", "no-such-doc"], 1);
    await checked(validators, "recover.json", [...at, "recover"]);
    await checked(validators, "repair.json", [...at, "repair"]);
    await checked(validators, "repair.json", [...at, "repair", "--force"]);
  });

  await t.step("prepare, add --from-bundle", async () => {
    const bundle = join(dir.path, "bundle");
    await checked(validators, "prepare.json", [
      "prepare",
      input,
      "--shard",
      "1/1",
      "--out",
      bundle,
    ]);
    const added = await checked(validators, "add.json", [
      ...at,
      "add",
      "--from-bundle",
      bundle,
    ]) as {
      bundles: unknown[];
    };
    assert.equal(added.bundles.length, 1);
  });

  await t.step("watch prints one sync-shaped line per reconcile", async () => {
    const inbox = join(dir.path, "inbox");
    await writeFiles(inbox, { "w.md": "# Watched\n\nText.\n" });
    const child = spawnQuire([...at, "watch", inbox, "--json"]);
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    child.kill("SIGINT");
    while (!(await reader.read()).done) {
      // Drain stdout until the watch exits.
    }
    const stderr = await new Response(child.stderr).text();
    assert.equal((await child.status).code, 0, stderr);
    const validate = validators.get("sync.json")!;
    const line = JSON.parse(text.split("\n")[0]);
    assert.ok(validate(line), JSON.stringify(validate.errors));
  });

  await t.step("errors", async () => {
    await checked(validators, "error.json", [...at, "links", "no-such-page"], 1);
    await checked(validators, "error.json", [...at, "search", " "], 2);
    await checked(validators, "error.json", ["--kb", join(dir.path, "none"), "list"], 2);
  });

  await t.step("a schema rejects output with a field it does not list", () => {
    const validate = validators.get("init.json")!;
    assert.equal(validate({ root: "/x", created: true }), true);
    assert.equal(validate({ root: "/x", created: true, extra: 1 }), false);
  });
});
