/**
 * The version of Quire, as recorded in prepared entries (see
 * `prepare/prepared_entry.ts`) and shown by `--version`. Keep it equal to
 * `deno.json`'s `version`.
 *
 * @module
 */

/** This build's version. */
export const QUIRE_VERSION = "0.1.0";
