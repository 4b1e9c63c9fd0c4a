/**
 * `quire recover`: takes the exclusive lock, which runs the recovery drain,
 * and reports what it did. Running it on a clean knowledge base does nothing.
 *
 * @module
 */

import type { KbLayout } from "../core/layout.ts";
import { openChangeSession } from "./change_session.ts";
import type { RecoveryReport } from "./recover.ts";

/** Options of {@linkcode runRecovery}. */
export interface RunRecoveryOptions {
  /** Seconds to wait for a busy lock. @default 0 */
  waitSeconds?: number;
}

/** Runs recovery on demand and returns its report. */
export async function runRecovery(
  layout: KbLayout,
  options: RunRecoveryOptions = {},
): Promise<RecoveryReport> {
  await using session = await openChangeSession(layout, options);
  return session.recovery;
}
