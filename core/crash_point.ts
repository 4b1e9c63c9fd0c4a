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
 * The coordinator commits mutations in groups (see `commit/mod.ts`), so most
 * points are reached once per group: the n-th hit is the n-th group, whose
 * size depends on timing unless `QUIRE_GROUP=<n>` (read by the batch runner)
 * fixes it. `publish-partial` and `document-recorded` are reached once per
 * mutation (document), in commit order, whatever the grouping.
 *
 * | point | where | reached once per |
 * | --- | --- | --- |
 * | `journal-written` | the group's journal rows are durable; nothing official changed yet | group |
 * | `snapshot-taken` | rollback copies of the group's existing paths are made and fsynced | group |
 * | `publish-partial` | a mutation's first staged file has been moved into place (or its first path deleted) | mutation |
 * | `published` | every path of the group is published and fsynced; the commit marker is not written | group |
 * | `document-recorded` | a mutation's registry change is written inside the (uncommitted) marker transaction | mutation |
 * | `committed` | the group's commit marker transaction is durable; cleanup has not run | group |
 * | `cleaned` | rollback copies and staging are removed; the journal rows are not yet deleted | group |
 * | `file-staged` | a file being replaced (`replaceFile`: the config at `init`) is written and fsynced under a temporary name, not yet renamed | file |
 * | `rebuild-partial` | the first shared page of a rebuild chunk is renamed into place (the directory not yet fsynced) | chunk of 256 pages |
 * | `rollback-partial` | a rollback has restored a mutation's first path | mutation rolled back |
 * | `bundle-entry-written` | `quire prepare`: an entry of the bundle is written (in its temporary folder) | entry |
 * | `bundle-manifest-written` | `quire prepare`: `bundle.json` is durable; the folder is not yet renamed into place | bundle |
 * | `repair-built` | `repair` has written the new registry in staging; the old one is untouched | repair |
 * | `repair-aside` | `repair` has moved the old registry aside; the new one is not in place yet | repair |
 * | `repair-replaced` | the new registry is in place; the shared pages are not rebuilt yet | repair |
 *
 * @module
 */

/** The names of the crash points. */
export type CrashPointName =
  | "journal-written"
  | "snapshot-taken"
  | "publish-partial"
  | "published"
  | "document-recorded"
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
