/**
 * The one clock every timestamp Quire writes comes from. When
 * `SOURCE_DATE_EPOCH` is set (the reproducible-builds convention: whole
 * seconds since the Unix epoch), the clock is frozen at that instant, so the
 * same inputs give byte-identical `raw/` and `wiki/` trees.
 *
 * @module
 */

import { QuireError } from "./errors.ts";

/** Returns the current instant, or `SOURCE_DATE_EPOCH` when it is set. */
export function now(): Date {
  const epoch = Deno.env.get("SOURCE_DATE_EPOCH");
  if (epoch === undefined || epoch === "") return new Date();
  if (!/^\d{1,12}$/.test(epoch)) {
    throw new QuireError(
      "CONFIG",
      `Cannot use SOURCE_DATE_EPOCH '${epoch}': not a whole number of seconds`,
      {
        hint: "Set it to seconds since 1970-01-01 UTC (e.g. `date +%s`), or unset it",
      },
    );
  }
  return new Date(Number(epoch) * 1000);
}

/** Returns {@linkcode now} as an ISO 8601 UTC timestamp with second precision. */
export function timestamp(): string {
  return now().toISOString().replace(/\.\d{3}Z$/, "Z");
}
