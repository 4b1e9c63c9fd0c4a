/**
 * The MCP server's read side: one knowledge base and one read-only registry
 * connection, opened on first use and kept for the session. It takes no lock:
 * each query is one statement over a consistent WAL snapshot, so reads never
 * wait for a writer (an `add` in another process) and see each of its
 * documents once its commit marker lands.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { type KbLayout, openRegistry } from "../../core/mod.ts";

/** Read access to one knowledge base for the MCP tools. */
export class KbReader {
  readonly layout: KbLayout;
  /** Seconds `save_note` waits for a busy lock. */
  readonly waitSeconds: number;
  #db: DatabaseSync | undefined;

  constructor(layout: KbLayout, waitSeconds: number) {
    this.layout = layout;
    this.waitSeconds = waitSeconds;
  }

  /**
   * The read-only registry connection.
   * @throws {QuireError} `REGISTRY` when it cannot be opened (it is retried on the next call).
   */
  get db(): DatabaseSync {
    this.#db ??= openRegistry(this.layout.registry, { readOnly: true });
    return this.#db;
  }

  /** Closes the connection. */
  close(): void {
    this.#db?.close();
    this.#db = undefined;
  }
}
