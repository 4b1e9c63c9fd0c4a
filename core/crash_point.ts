/**
 * Named crash points for the crash tests. They are armed only by
 * environment variables:
 *
 * - `QUIRE_CRASH_AT=<point>[:<n>]`: the n-th time (default 1) the process
 *   reaches `<point>`, it kills itself with SIGKILL — no cleanup, no
 *   `finally`, exactly like a power cut or `kill -9`.
 * - `QUIRE_FAIL_AT=<point>[:<n>][,<point>[:<n>]…]`: the n-th time the process
 *   reaches `<point>`, the step throws an {@linkcode InjectedFault} (an I/O
 *   error that was not a crash), so tests can drive rollbacks and failed
 *   rollbacks.
 *
 * Unset, a crash point costs one comparison.
 *
 * | point | where |
 * | --- | --- |
 * | `journal-written` | the mutation's journal row is durable; nothing official changed yet |
 * | `snapshot-taken` | rollback copies of existing paths are made |
 * | `publish-partial` | the first staged file has been moved into place (or the first path deleted) |
 * | `published` | every path is published and fsynced; the commit marker is not written |
 * | `committed` | the commit marker transaction is durable; cleanup has not run |
 * | `cleaned` | rollback copies and staging are removed; the journal row is not yet deleted |
 * | `file-staged` | a file being replaced (`replaceFile`: the config at `init`, a shared page) is written and fsynced under a temporary name, not yet renamed |
 * | `rebuild-partial` | the first shared page of a rebuild has been written |
 * | `bundle-entry-written` | `quire prepare`: an entry of the bundle is written (in its temporary folder) |
 * | `bundle-manifest-written` | `quire prepare`: `bundle.json` is durable; the folder is not yet renamed into place |
 * | `rollback-partial` | a rollback has restored its first path |
 * | `repair-built` | `repair` has written the new registry in staging; the old one is untouched |
 * | `repair-aside` | `repair` has moved the old registry aside; the new one is not in place yet |
 * | `repair-replaced` | the new registry is in place; the shared pages are not rebuilt yet |
 *
 * @module
 */

/** The names of the crash points. */
export type CrashPointName =
  | "journal-written"
  | "snapshot-taken"
  | "publish-partial"
  | "published"
  | "committed"
  | "cleaned"
  | "file-staged"
  | "rebuild-partial"
  | "bundle-entry-written"
  | "bundle-manifest-written"
  | "rollback-partial"
  | "repair-built"
  | "repair-aside"
  | "repair-replaced";

/** Every crash point, in the order a mutation reaches them. */
export const CRASH_POINTS: readonly CrashPointName[] = [
  "journal-written",
  "snapshot-taken",
  "publish-partial",
  "published",
  "committed",
  "cleaned",
  "file-staged",
  "rebuild-partial",
  "bundle-entry-written",
  "bundle-manifest-written",
  "rollback-partial",
  "repair-built",
  "repair-aside",
  "repair-replaced",
];

/** The error a `QUIRE_FAIL_AT` fault throws. */
export class InjectedFault extends Error {
  constructor(point: string) {
    super(`injected fault at '${point}'`);
    this.name = "InjectedFault";
  }
}

interface Arming {
  point: string;
  at: number;
  action: "kill" | "throw";
}

let armed: Arming[] | undefined;
const hits = new Map<string, number>();

function parse(spec: string | undefined, action: Arming["action"]): Arming[] {
  if (!spec) return [];
  return spec.split(",").filter((s) => s !== "").map((item) => {
    const [point, count] = item.split(":");
    return { point, at: count ? Number(count) : 1, action };
  });
}

function arm(): Arming[] {
  try {
    return [
      ...parse(Deno.env.get("QUIRE_CRASH_AT"), "kill"),
      ...parse(Deno.env.get("QUIRE_FAIL_AT"), "throw"),
    ];
  } catch {
    return []; // No env permission (a worker): crash points are off.
  }
}

/**
 * Kills the process (or throws {@linkcode InjectedFault}) if the environment
 * arms this point for this hit.
 */
export function crashPoint(name: CrashPointName): void {
  armed ??= arm();
  if (armed.length === 0) return;
  const n = (hits.get(name) ?? 0) + 1;
  hits.set(name, n);
  for (const arming of armed) {
    if (arming.point !== name || arming.at !== n) continue;
    if (arming.action === "kill") Deno.kill(Deno.pid, "SIGKILL");
    throw new InjectedFault(name);
  }
}
