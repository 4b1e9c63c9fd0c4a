import assert from "node:assert/strict";
import { describe, ProgressReporter } from "../cli/progress_reporter.ts";

Deno.test("ProgressReporter prints one plain line per input when not on a terminal", () => {
  const out: string[] = [];
  const reporter = new ProgressReporter({ live: false, write: (t) => out.push(t) });
  reporter.onEvent({
    kind: "added",
    name: "a",
    hash: "h",
    source: "/in/a.md",
    done: 1,
    total: 2,
    ms: 12,
  });
  reporter.onEvent({
    kind: "failed",
    source: "/in/b.xyz",
    error: "unsupported type .xyz",
    done: 2,
    total: 2,
    ms: 1,
  });
  reporter.finish();
  assert.deepEqual(out, [
    "added a (/in/a.md) 12 ms\n",
    "failed /in/b.xyz: unsupported type .xyz\n",
  ]);
});

Deno.test("ProgressReporter redraws one live line on a terminal and keeps errors on their own lines", () => {
  const out: string[] = [];
  const reporter = new ProgressReporter({ live: true, write: (t) => out.push(t), columns: 40 });
  reporter.onEvent({
    kind: "added",
    name: "alpha",
    hash: "h",
    source: "/a",
    done: 1,
    total: 3,
    ms: 5,
  });
  reporter.onEvent({ kind: "failed", source: "/b", error: "bad", done: 2, total: 3, ms: 5 });
  reporter.finish();
  const clear = "\r\x1b[2K";
  assert.ok(out[0].startsWith(`${clear}[1/3] alpha · `), JSON.stringify(out[0]));
  assert.equal(out[1], clear); // the live line is cleared before the error…
  assert.equal(out[2], "failed /b: bad\n"); // …which gets its own line,
  assert.ok(out[3].startsWith(`${clear}[2/3] /b`)); // and the live line comes back.
  assert.equal(out[4], "\r\x1b[2K");
  for (const line of out) {
    assert.ok(line.replace("\r\x1b[2K", "").length <= 40, JSON.stringify(line));
  }
});

Deno.test("ProgressReporter --quiet prints only failures", () => {
  const out: string[] = [];
  const reporter = new ProgressReporter({ live: false, quiet: true, write: (t) => out.push(t) });
  reporter.onEvent({
    kind: "skipped",
    source: "/a",
    reason: "duplicate",
    existing: "a",
    done: 1,
    total: 2,
    ms: 0,
  });
  reporter.onEvent({ kind: "failed", source: "/b", error: "bad", done: 2, total: 2, ms: 0 });
  assert.deepEqual(out, ["failed /b: bad\n"]);
  assert.equal(
    describe({ kind: "removed", name: "c", source: "/c", done: 1, total: 1, ms: 0 }),
    "removed c (/c)",
  );
});
