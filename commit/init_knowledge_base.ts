/**
 * `quire init`: creates a knowledge base, or completes one whose creation was
 * interrupted. The `.quire/` folder and the lock file come first; everything
 * else is created under the exclusive lock. Folders, the config and the
 * registry are created only when missing (an existing config is never
 * overwritten), and `wiki/AGENTS.md` is published through the coordinator
 * like any other page, so running `init` twice changes nothing the second
 * time.
 *
 * @module
 */

import { join } from "node:path";
import { defaultConfig, formatConfig } from "../core/config.ts";
import { ensureDirectory, exists, replaceFile, writeFileDurably } from "../core/durable_fs.ts";
import { QuireError } from "../core/errors.ts";
import { AGENTS_PAGE, INDEX_PAGE, type KbLayout, LOG_PAGE } from "../core/layout.ts";
import { AGENTS_TEXT } from "./pages/agents_text.ts";
import { openChangeSession } from "./change_session.ts";

/** What `init` did. */
export interface InitResult {
  root: string;
  /** False when the knowledge base already existed and was complete. */
  created: boolean;
}

/** Options of {@linkcode initKnowledgeBase}. */
export interface InitOptions {
  /** Seconds to wait for a busy lock. @default 0 */
  waitSeconds?: number;
}

/**
 * Creates (or completes) the knowledge base at `layout.root`.
 * @throws {QuireError} `USAGE` when the path exists and is not a folder.
 */
export async function initKnowledgeBase(
  layout: KbLayout,
  options: InitOptions = {},
): Promise<InitResult> {
  try {
    if (!(await Deno.stat(layout.root)).isDirectory) {
      throw new QuireError("USAGE", `Cannot init '${layout.root}': it is a file, not a folder`, {
        hint: "Choose a folder path",
      });
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const fresh = !exists(layout.registry);
  ensureDirectory(layout.quire);
  await using session = await openChangeSession(layout, options);
  for (const dir of ["raw", "wiki/sources", "wiki/summaries", "wiki/concepts"]) {
    ensureDirectory(layout.resolve(dir));
  }
  ensureDirectory(layout.staging);
  if (!exists(layout.config)) {
    replaceFile(layout.config, formatConfig(defaultConfig()), join(layout.staging, "init"));
  }
  const needsAgents = !exists(layout.resolve(AGENTS_PAGE));
  if (needsAgents || fresh) {
    const staging = join(layout.staging, "init");
    ensureDirectory(staging);
    const changes = [];
    if (needsAgents) {
      writeFileDurably(join(staging, "AGENTS.md"), AGENTS_TEXT);
      changes.push({ path: AGENTS_PAGE, staged: ".quire/staging/init/AGENTS.md" });
    }
    await session.coordinator.apply({
      kind: "init",
      target: layout.root,
      staging: ".quire/staging/init",
      changes,
      record: { op: "none" },
      log: { op: "init", name: "", detail: "knowledge base created" },
      rebuild: [INDEX_PAGE, LOG_PAGE],
    });
    await session.rebuild();
  }
  return { root: layout.root, created: fresh || needsAgents };
}
