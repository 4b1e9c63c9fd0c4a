/**
 * A power cut, simulated. A SIGKILL loses nothing the process wrote (the
 * kernel still has it); a power cut loses whatever was not fsynced. Run with
 * `QUIRE_FS_TRACE=<file>`, Quire's main thread appends every file operation
 * of `core/durable_fs.ts` to the trace (`write`, `fsync`, `syncdir`,
 * `rename`, `link`, `mkdir`, `remove`). After the kill,
 * {@linkcode simulatePowerCut} does to the files the worst a power cut at
 * that instant could have done, given what the trace shows was made durable:
 *
 * - a directory entry change (a file created, renamed in, linked, a folder
 *   made, a path removed) counts only once its directory was fsynced after
 *   it; every other one is undone, newest first (a renamed file goes back
 *   where it came from; a path it replaced gets back the content of another
 *   name of the same file, such as a rollback copy, when there is one);
 * - file data counts only once the file was fsynced after its last write;
 *   every file still holding data that was not is truncated to zero bytes.
 *
 * A file that did not exist before the traced run (`existing`) and that the
 * trace first meets in an fsync, a rename or a write into it was created off
 * the trace, by a prepare worker: a new entry, and data, neither durable
 * until the trace says so.
 * Rename durability is judged by the destination directory (the source is
 * a staging folder, whose leftovers recovery removes). The registry is left
 * as SQLite left it: its own commits are `synchronous=FULL`, and SQLite's
 * crash safety is not re-tested here.
 *
 * @module
 */

import { dirname } from "node:path";

type Event = [op: string, ...paths: string[]];

interface Change {
  dir: string;
  kind: "create" | "rename" | "link" | "mkdir" | "remove";
  path: string;
  /** rename: where the file came from. */
  from?: string;
  /** The file now at `path` (not for mkdir/remove). */
  inode?: number;
  /** rename: the file `path` held before, if any. */
  previous?: number;
  durable: boolean;
}

/** What the simulated power cut did. */
export interface PowerCutReport {
  /** Paths whose entry changes were undone. */
  undone: string[];
  /** Files truncated because their data was not durable. */
  truncated: string[];
}

/** Lists the files under `root`, as absolute paths (the `existing` of a run about to start). */
export function filesUnder(root: string): Set<string> {
  const out = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) walk(path);
      else out.add(path);
    }
  };
  walk(root);
  return out;
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Applies the power cut the trace allows; see the module comment. */
export function simulatePowerCut(
  traceFile: string,
  options: {
    /** Absolute paths of the files that existed, durably, before the traced run. */
    existing: Set<string>;
  },
): PowerCutReport {
  const events = Deno.readTextFileSync(traceFile).split("\n").filter((l) => l !== "")
    .map((line) => JSON.parse(line) as Event);
  const inodeOf = new Map<string, number>();
  const durableData = new Map<number, boolean>();
  const changes: Change[] = [];
  let next = 1;
  const known = (path: string): number => {
    let inode = inodeOf.get(path);
    if (inode === undefined) {
      const created = !options.existing.has(path);
      inode = next++;
      inodeOf.set(path, inode);
      durableData.set(inode, !created);
      if (created) {
        changes.push({ dir: dirname(path), kind: "create", path, inode, durable: false });
      }
    }
    return inode;
  };
  for (const [op, a, b] of events) {
    switch (op) {
      case "write": {
        const inode = known(a);
        durableData.set(inode, false);
        break;
      }
      case "fsync":
        durableData.set(known(a), true);
        break;
      case "syncdir":
        for (const change of changes) if (change.dir === a) change.durable = true;
        break;
      case "rename": {
        const inode = known(a);
        changes.push({
          dir: dirname(b),
          kind: "rename",
          path: b,
          from: a,
          inode,
          previous: inodeOf.get(b),
          durable: false,
        });
        inodeOf.delete(a);
        inodeOf.set(b, inode);
        break;
      }
      case "link": {
        const inode = known(a);
        changes.push({ dir: dirname(b), kind: "link", path: b, inode, durable: false });
        inodeOf.set(b, inode);
        break;
      }
      case "mkdir":
        changes.push({ dir: dirname(a), kind: "mkdir", path: a, durable: false });
        break;
      case "remove":
        changes.push({ dir: dirname(a), kind: "remove", path: a, durable: false });
        for (const path of [...inodeOf.keys()]) {
          if (path === a || path.startsWith(a + "/")) inodeOf.delete(path);
        }
        break;
    }
  }

  const report: PowerCutReport = { undone: [], truncated: [] };
  const pathOfInode = (inode: number) =>
    [...inodeOf].find(([path, i]) => i === inode && exists(path))?.[0];
  for (const change of changes.toReversed()) {
    if (change.durable) continue;
    report.undone.push(change.path);
    switch (change.kind) {
      case "create":
      case "link":
        if (inodeOf.get(change.path) === change.inode) {
          Deno.removeSync(change.path, { recursive: true });
          inodeOf.delete(change.path);
        }
        break;
      case "mkdir":
        try {
          Deno.removeSync(change.path);
        } catch {
          // Not empty: something in it is durable.
        }
        break;
      case "rename": {
        if (exists(change.path) && inodeOf.get(change.path) === change.inode) {
          Deno.mkdirSync(dirname(change.from!), { recursive: true });
          Deno.renameSync(change.path, change.from!);
          inodeOf.delete(change.path);
          inodeOf.set(change.from!, change.inode!);
        }
        if (change.previous !== undefined) {
          const other = pathOfInode(change.previous);
          if (other !== undefined) {
            Deno.copyFileSync(other, change.path);
            inodeOf.set(change.path, change.previous);
          }
        }
        break;
      }
      case "remove":
        // Only a file still reachable under another name can come back.
        break;
    }
  }
  for (const [path, inode] of inodeOf) {
    if (durableData.get(inode) === false && exists(path) && Deno.lstatSync(path).isFile) {
      Deno.truncateSync(path, 0);
      report.truncated.push(path);
    }
  }
  return report;
}
