/**
 * Which errors stop a batch: a failed rollback, or a coordinator poisoned by
 * one. Every command that applies plans in a loop (`add`, `sync`,
 * `recompile`, `remove`) reports them the same way.
 *
 * @module
 */

import { CoordinatorPoisonedError, RollbackFailedError } from "../core/errors.ts";

/**
 * The message of an error that must stop a batch: a failed rollback, or a
 * coordinator poisoned by one. Null for any other error, which fails only
 * the input it concerns. Every command that applies plans in a loop (`add`,
 * `sync`, `recompile`, `remove`) reports it the same way: `rollbackFailed`
 * in its result, exit 4.
 */
export function rollbackFailure(error: unknown): string | null {
  return error instanceof RollbackFailedError || error instanceof CoordinatorPoisonedError
    ? error.message
    : null;
}
