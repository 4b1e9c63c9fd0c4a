import assert from "node:assert/strict";
import { join } from "node:path";
import { describeViolation, importsOf, layerViolations } from "./_layers.ts";
import { ROOT } from "./_helpers.ts";

Deno.test("layerViolations() finds no import that reaches upward or past a mod.ts in Quire's tree", async () => {
  const violations = await layerViolations(ROOT);
  assert.deepEqual(violations.map(describeViolation), []);
});

Deno.test("layerViolations() names the file, the import and the rule for each upward import of a fixture tree", async () => {
  const root = join(ROOT, "tests", "fixtures", "layers");
  const found = (await layerViolations(root)).map(describeViolation);
  assert.deepEqual(found, [
    "cli/run.ts: imports '../commit/plan.ts' (commit/plan.ts), but cli/ imports other folders only through their mod.ts (use commit/mod.ts)",
    "commit/plan.ts: imports '../prepare/read/read_thing.ts' (prepare/read/read_thing.ts), but commit/ imports only core/ and prepare/mod.ts",
    "core/types.ts: imports '../commit/plan.ts' (commit/plan.ts), but core/ imports nothing of ours outside core/",
    "prepare/read/read_thing.ts: imports '../../cli/run.ts' (cli/run.ts), but prepare/ imports only core/",
  ]);
});

Deno.test("importsOf() reads static, type-only, re-export, dynamic and worker-URL imports, not libraries", () => {
  const text = `
import assert from "node:assert/strict";
import type { A } from "./a.ts";
import {
  b,
  c,
} from "../b.ts";
export * from "./c.ts";
export { d } from './d.ts';
import "./side_effect.ts";
const e = await import("./e.ts");
const worker = new URL("./worker.ts", import.meta.url);
import TurndownService from "turndown";
`;
  assert.deepEqual(importsOf(text).sort(), [
    "../b.ts",
    "./a.ts",
    "./c.ts",
    "./d.ts",
    "./e.ts",
    "./side_effect.ts",
    "./worker.ts",
  ]);
});
