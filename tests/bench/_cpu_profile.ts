/**
 * Summaries of V8 `.cpuprofile` files, as written by
 * `deno run --cpu-prof --cpu-prof-dir=DIR` (one file per thread: the main
 * thread, then `…worker-N.cpuprofile` per Web Worker).
 *
 * For each thread: its wall time (profile start to end), its idle time (the
 * `(idle)` node: the event loop waiting), garbage collection, and the self
 * time of each function, grouped by function name and file (the line is
 * dropped so that one function's closures add up). Paths are shortened to
 * what follows `/main/`, `/node_modules/` or `/npm/` so the table stays
 * readable.
 *
 * @module
 */

import { basename, join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Self time of one function on one thread. */
export interface FunctionTime {
  /** `name (file)`. */
  label: string;
  /** Self time in milliseconds. */
  ms: number;
}

/** One thread's profile, summarised. */
export interface ThreadProfile {
  /** `main`, `worker-1`, … */
  thread: string;
  /** From the profile's start to its end, milliseconds. */
  wallMs: number;
  /** Time in the `(idle)` node, milliseconds. */
  idleMs: number;
  /** Time in `(garbage collector)`, milliseconds. */
  gcMs: number;
  /** Time in `(program)` (native code outside JavaScript, e.g. fsync), milliseconds. */
  programMs: number;
  /** Functions by self time, largest first. */
  functions: FunctionTime[];
  /**
   * Inclusive time (self plus callees) by function name alone, e.g.
   * `renderIndexPage`; a recursive function is counted once per sample.
   */
  inclusive: Map<string, number>;
}

function shortUrl(url: string): string {
  if (url === "") return "native";
  for (const marker of ["/main/", "/node_modules/", "/npm/registry.npmjs.org/"]) {
    const at = url.lastIndexOf(marker);
    if (at !== -1) return url.slice(at + marker.length);
  }
  return url.replace(/^file:\/\//, "");
}

/** Summarises one parsed profile. */
export function summariseProfile(profile: CpuProfile, thread: string): ThreadProfile {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let idle = 0;
  let gc = 0;
  let program = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    // timeDeltas[i] is the time before sample i; attribute the following delta to it.
    const us = profile.timeDeltas[i + 1] ?? 0;
    const frame = byId.get(profile.samples[i])!.callFrame;
    const name = frame.functionName || "(anonymous)";
    if (name === "(idle)") idle += us;
    else if (name === "(garbage collector)") gc += us;
    else if (name === "(program)") program += us;
    const label = name.startsWith("(") ? name : `${name} (${shortUrl(frame.url)})`;
    self.set(label, (self.get(label) ?? 0) + us);
    const onStack = new Set<string>();
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      onStack.add(byId.get(id)!.callFrame.functionName || "(anonymous)");
    }
    for (const fn of onStack) inclusive.set(fn, (inclusive.get(fn) ?? 0) + us);
  }
  const functions = [...self.entries()]
    .map(([label, us]) => ({ label, ms: us / 1000 }))
    .sort((a, b) => b.ms - a.ms);
  return {
    thread,
    wallMs: (profile.endTime - profile.startTime) / 1000,
    idleMs: idle / 1000,
    gcMs: gc / 1000,
    programMs: program / 1000,
    functions,
    inclusive: new Map([...inclusive].map(([fn, us]) => [fn, us / 1000])),
  };
}

/** Reads every `.cpuprofile` in `dir`; the main thread first, then workers by number. */
export async function readProfiles(dir: string): Promise<ThreadProfile[]> {
  const out: ThreadProfile[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith(".cpuprofile")) continue;
    const worker = /\.(worker-\d+)\.cpuprofile$/.exec(entry.name);
    const profile = JSON.parse(await Deno.readTextFile(join(dir, entry.name))) as CpuProfile;
    out.push(summariseProfile(profile, worker ? worker[1] : "main"));
  }
  const rank = (t: ThreadProfile) => t.thread === "main" ? 0 : Number(t.thread.slice(7));
  return out.sort((a, b) => rank(a) - rank(b));
}

/** The top `limit` functions of a thread, without the idle node. */
export function topFunctions(thread: ThreadProfile, limit: number): FunctionTime[] {
  return thread.functions.filter((f) => f.label !== "(idle)").slice(0, limit);
}

/** Inclusive time of function `name` (0 when it never ran), milliseconds. */
export function inclusiveMs(thread: ThreadProfile, name: string): number {
  return thread.inclusive.get(name) ?? 0;
}

if (import.meta.main) {
  // `deno run -A tests/bench/_cpu_profile.ts DIR [N]`: print each thread's top N functions.
  const [dir, n] = Deno.args;
  for (const thread of await readProfiles(dir)) {
    console.log(
      `${thread.thread} (${basename(dir)}): wall ${thread.wallMs.toFixed(0)} ms, ` +
        `idle ${thread.idleMs.toFixed(0)} ms, gc ${thread.gcMs.toFixed(0)} ms, ` +
        `program ${thread.programMs.toFixed(0)} ms`,
    );
    for (const f of topFunctions(thread, Number(n ?? 25))) {
      console.log(`  ${f.ms.toFixed(1).padStart(9)} ms  ${f.label}`);
    }
  }
}
