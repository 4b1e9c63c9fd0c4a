/**
 * Running the real CLI for benchmarks: `deno run -A --quiet main.ts …` as a
 * subprocess, timed as a whole with `performance.now()` (spawn to exit,
 * which includes Deno's startup).
 *
 * With `measure`, the command runs under `/usr/bin/time -v` (when it is
 * installed) for its exact maximum resident set size and CPU times; this
 * costs nothing measurable (checked: 3 alternating pairs of a 1,000-file add).
 *
 * With `threads`, the Deno process's threads are also sampled from
 * `/proc/<pid>/task/*` every {@linkcode POLL_MS} ms for CPU time per
 * thread: the main thread (`deno`), each Web Worker (`worker-N`), and V8's
 * platform threads (`V8 DefaultWorke…`: concurrent garbage collection and
 * compilation). A thread's last interval before it exits is missed. Sampling
 * made a 1,000-file add about 8% slower here (3 alternating triples, at
 * 50 and at 200 ms alike), so the benchmarks take their timings from runs
 * without it and sample one extra run for the split by thread.
 *
 * @module
 */

import { MAIN, ROOT } from "../_helpers.ts";

/** Default interval of the `/proc` sampling, milliseconds. */
export const POLL_MS = 50;

/** CPU time of one group of threads. */
export interface ThreadGroupCpu {
  /** `main`, `workers`, `v8-platform` or `other`. */
  group: string;
  /** Number of threads seen. */
  threads: number;
  /** User plus system CPU time, milliseconds. */
  cpuMs: number;
}

/** The outcome of one timed CLI run. */
export interface CliRun {
  /** Wall time from spawn to exit, milliseconds. */
  ms: number;
  code: number;
  stdout: string;
  /** The CLI's stderr (without `/usr/bin/time`'s report). */
  stderr: string;
  /** Maximum resident set size in KiB (`measure` only; null when unknown). */
  maxRssKib: number | null;
  /** User and system CPU of the process, milliseconds (`measure` only). */
  userMs: number | null;
  sysMs: number | null;
  /** CPU time by thread group (`threads` only, Linux; empty otherwise). */
  threadCpu: ThreadGroupCpu[];
}

/** Options of {@linkcode runCli}. */
export interface RunCliOptions {
  /** Measure memory and CPU with `/usr/bin/time -v` (see the module comment). @default false */
  measure?: boolean;
  /** Sample CPU per thread from /proc (see the module comment; slows the run). @default false */
  threads?: boolean;
  /** Extra `deno run` flags, e.g. `--cpu-prof`. @default [] */
  denoFlags?: string[];
  /** Working directory. @default the repository root */
  cwd?: string;
  /** Fail (throw) on a non-zero exit code. @default true */
  check?: boolean;
  /** The CLI entry point (a scratch copy, for A/B experiments). @default the repository's main.ts */
  main?: string;
  /** Interval of the `/proc` sampling, milliseconds. @default POLL_MS */
  pollMs?: number;
}

let timeAvailable: boolean | undefined;

async function hasGnuTime(): Promise<boolean> {
  if (timeAvailable === undefined) {
    try {
      await Deno.stat("/usr/bin/time");
      const { success } = await new Deno.Command("/usr/bin/time", {
        args: ["-v", "true"],
        stdout: "null",
        stderr: "null",
      }).output();
      timeAvailable = success;
    } catch {
      timeAvailable = false;
    }
  }
  return timeAvailable;
}

/** Finds the child of `parent` (the Deno process under `/usr/bin/time`). */
function childOf(parent: number): number | null {
  try {
    for (const entry of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      try {
        const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (Number(fields[1]) === parent) return Number(entry.name);
      } catch {
        // The process ended while we looked.
      }
    }
  } catch {
    // No /proc.
  }
  return null;
}

function threadGroup(name: string): string {
  if (name.startsWith("worker-")) return "workers";
  if (name.startsWith("V8 ")) return "v8-platform";
  if (name === "deno") return "main";
  return "other";
}

/** Samples per-thread CPU (clock ticks) of `pid` until `stop()` is called. */
function sampleThreads(pid: () => number | null, pollMs: number) {
  const ticks = new Map<string, { name: string; ticks: number }>();
  let stopped = false;
  const tick = () => {
    const id = pid();
    if (id === null) return;
    try {
      for (const entry of Deno.readDirSync(`/proc/${id}/task`)) {
        try {
          const stat = Deno.readTextFileSync(`/proc/${id}/task/${entry.name}/stat`);
          const close = stat.lastIndexOf(")");
          const name = stat.slice(stat.indexOf("(") + 1, close);
          const fields = stat.slice(close + 2).split(" ");
          ticks.set(entry.name, { name, ticks: Number(fields[11]) + Number(fields[12]) });
        } catch {
          // The thread ended between listing and reading.
        }
      }
    } catch {
      // The process ended.
    }
  };
  const loop = (async () => {
    while (!stopped) {
      tick();
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  })();
  return {
    async stop(): Promise<ThreadGroupCpu[]> {
      stopped = true;
      await loop;
      // The first tid is the main thread; other threads named `deno` (e.g.
      // the inspector or a helper) are counted as `other`.
      const main = [...ticks.keys()].map(Number).sort((a, b) => a - b)[0];
      const groups = new Map<string, ThreadGroupCpu>();
      for (const [tid, t] of ticks) {
        let group = threadGroup(t.name);
        if (group === "main" && Number(tid) !== main) group = "other";
        const g = groups.get(group) ?? { group, threads: 0, cpuMs: 0 };
        g.threads++;
        g.cpuMs += t.ticks * 10;
        groups.set(group, g);
      }
      const order = ["main", "workers", "v8-platform", "other"];
      return [...groups.values()].sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group));
    },
  };
}

function timeReport(stderr: string): { text: string; rss: number; user: number; sys: number } {
  const at = stderr.lastIndexOf("\tCommand being timed:");
  const report = at === -1 ? "" : stderr.slice(at);
  const field = (label: string) => {
    const match = new RegExp(`${label}: ([\\d.]+)`).exec(report);
    return match ? Number(match[1]) : NaN;
  };
  return {
    text: at === -1 ? stderr : stderr.slice(0, at),
    rss: field("Maximum resident set size \\(kbytes\\)"),
    user: field("User time \\(seconds\\)") * 1000,
    sys: field("System time \\(seconds\\)") * 1000,
  };
}

/** The `deno run` command line of the CLI (only `denoFlags` and `main` of the options count). */
export function cliCommand(args: string[], options: RunCliOptions = {}): string[] {
  return [
    Deno.execPath(),
    "run",
    "-A",
    "--quiet",
    ...(options.denoFlags ?? []),
    options.main ?? MAIN,
    ...args,
  ];
}

/**
 * Runs `quire <args>` once and times it.
 * @throws {Error} with the CLI's stderr when it exits non-zero and `check` is on.
 */
export async function runCli(args: string[], options: RunCliOptions = {}): Promise<CliRun> {
  const gnuTime = (options.measure ?? false) && await hasGnuTime();
  const argv = cliCommand(args, options);
  const [program, ...rest] = gnuTime ? ["/usr/bin/time", "-v", ...argv] : argv;
  const started = performance.now();
  const child = new Deno.Command(program, {
    args: rest,
    cwd: options.cwd ?? ROOT,
    env: { NO_COLOR: "1", QUIRE_KB: "" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let denoPid: number | null = gnuTime ? null : child.pid;
  const sampler = options.threads && Deno.build.os === "linux"
    ? sampleThreads(() => (denoPid ??= childOf(child.pid)), options.pollMs ?? POLL_MS)
    : null;
  const output = await child.output();
  const ms = performance.now() - started;
  const threadCpu = sampler ? await sampler.stop() : [];
  const decoder = new TextDecoder();
  let stderr = decoder.decode(output.stderr);
  let maxRssKib: number | null = null;
  let userMs: number | null = null;
  let sysMs: number | null = null;
  if (gnuTime) {
    const report = timeReport(stderr);
    stderr = report.text;
    maxRssKib = Number.isFinite(report.rss) ? report.rss : null;
    userMs = Number.isFinite(report.user) ? report.user : null;
    sysMs = Number.isFinite(report.sys) ? report.sys : null;
  }
  const run = {
    ms,
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr,
    maxRssKib,
    userMs,
    sysMs,
    threadCpu,
  };
  if ((options.check ?? true) && output.code !== 0) {
    throw new Error(`quire ${args.join(" ")} exited with ${output.code}:\n${stderr}`);
  }
  return run;
}

/** Copies a directory tree with `cp -a` (hard to beat for a 10,000-document kb). */
export async function copyTree(from: string, to: string): Promise<void> {
  const { success, stderr } = await new Deno.Command("cp", {
    args: ["-a", from, to],
    stderr: "piped",
  }).output();
  if (!success) {
    throw new Error(`cp -a '${from}' '${to}' failed: ${new TextDecoder().decode(stderr)}`);
  }
}

/** Removes a path recursively, ignoring a missing one. */
export async function removeTree(path: string): Promise<void> {
  await Deno.remove(path, { recursive: true }).catch(() => {});
}
