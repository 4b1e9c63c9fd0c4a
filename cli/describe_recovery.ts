/**
 * The one line that says what a recovery did, shown by `recover` and by
 * every changing command whose lock found an interrupted change.
 *
 * @module
 */

import type { RecoveryReport } from "../commit/mod.ts";

/** Describes a recovery report in one line. */
export function describeRecovery(report: RecoveryReport): string {
  const parts = [];
  if (report.rolledBack.length) parts.push(`rolled back ${report.rolledBack.join(", ")}`);
  if (report.completed.length) parts.push(`completed ${report.completed.join(", ")}`);
  if (report.pagesRebuilt) parts.push(`rebuilt ${report.pagesRebuilt} shared pages`);
  if (report.stagingRemoved.length) {
    parts.push(`removed ${report.stagingRemoved.length} staging entries`);
  }
  return parts.length
    ? `Recovered an interrupted change: ${parts.join("; ")}`
    : "Nothing to recover";
}
