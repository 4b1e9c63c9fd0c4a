/**
 * The one wording of the `TOO_LARGE` input error, so that every size guard
 * (a file over `limits.maxInputBytes`, an archive that inflates too much)
 * names the limit and the config key that sets it.
 *
 * @module
 */

import { InputError } from "../core/errors.ts";

/** A byte count for messages: `512 MiB`, `1.5 MiB`, `64 KiB`, `900 bytes`. */
export function mebibytes(bytes: number): string {
  const [value, unit] = bytes >= 1024 * 1024
    ? [bytes / (1024 * 1024), "MiB"]
    : bytes >= 1024
    ? [bytes / 1024, "KiB"]
    : [bytes, "bytes"];
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}

/**
 * A `TOO_LARGE` error for `source`: "Cannot read '<source>': <what> more
 * than <limit> (limits.<key> in .quire/config.json)", with `what` such as
 * "it inflates to"; a ratio limit reads "more than 100 times its
 * compressed size".
 */
export function tooLarge(
  source: string,
  what: string,
  limit: { value: number; key: string; unit?: "bytes" | "times" },
): InputError {
  const amount = limit.unit === "times"
    ? `${limit.value} times its compressed size`
    : mebibytes(limit.value);
  return new InputError(
    "TOO_LARGE",
    `Cannot read '${source}': ${what} more than ${amount} (limits.${limit.key} in .quire/config.json)`,
    source,
  );
}
