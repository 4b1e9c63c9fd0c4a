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
  // An explicit recovery also reads the whole registry (quick_check), so a
  // damaged one is reported rather than found to need no recovery.
  await using session = await openChangeSession(layout, { ...options, verify: true });
  return session.recovery;
}
