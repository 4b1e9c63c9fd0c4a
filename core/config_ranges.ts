/**
 * The range of every numeric setting of `.quire/config.json`, checked when
 * the config is read (`config.ts`), so that a value out of range is a
 * clear error naming the key, never a strange behaviour later.
 *
 * @module
 */

import { QuireError } from "./errors.ts";

/** A parsed JSON object. */
type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What a numeric setting may hold. */
interface NumberRule {
  integer: boolean;
  min: number;
  /** True when `min` itself is not allowed (a timeout of 0). */
  aboveMin?: boolean;
  max: number;
}

/** The longest timer `setTimeout` keeps (2^31 - 1 ms); a longer one would fire at once. */
const MAX_SECONDS = 2_147_483;
const COUNT: NumberRule = { integer: true, min: 1, max: Number.MAX_SAFE_INTEGER };
const SECONDS: NumberRule = { integer: false, min: 0, aboveMin: true, max: MAX_SECONDS };

/**
 * The range of every numeric setting, by path. A number without a rule here
 * must be finite and above 0.
 */
const NUMBER_RULES: Record<string, NumberRule> = {
  "limits.maxFetchBytes": COUNT,
  "limits.fetchTimeoutSeconds": SECONDS,
  "limits.sectionTreeMinPages": COUNT,
  "limits.tableMaxRows": COUNT,
  "limits.prepareTimeoutSeconds": SECONDS,
  // The input-size limits: bounds that keep memory and time sane.
  "limits.maxInputBytes": { integer: true, min: 1, max: 2 ** 40 },
  "limits.maxTextBytes": { integer: true, min: 1024, max: 2 ** 31 },
  "limits.maxInflatedBytes": { integer: true, min: 1024, max: 2 ** 40 },
  "limits.maxCompressionRatio": { integer: true, min: 2, max: 100_000 },
  "concepts.minDocuments": COUNT,
  "concepts.perDocument": { integer: true, min: 0, max: 1000 },
  "concepts.maxPerDocument": { integer: true, min: 0, max: 1000 },
  "cache.maxBytes": { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER },
  "llm.timeoutSeconds": SECONDS,
  "llm.retries": { integer: true, min: 0, max: 100 },
  "llm.maxTokens": { integer: true, min: 64, max: 10_000_000 },
  "llm.contextTokens": { integer: true, min: 1, max: 100_000_000 },
  "llm.failFastAfter": { integer: true, min: 1, max: 1000 },
};
const ANY_NUMBER: NumberRule = { integer: false, min: 0, aboveMin: true, max: Number.MAX_VALUE };

function describeRule(rule: NumberRule): string {
  const low = rule.aboveMin ? `above ${rule.min}` : `from ${rule.min}`;
  if (rule.integer) return `a whole number ${low} to ${rule.max}`;
  return rule.max === Number.MAX_VALUE ? `a number ${low}` : `a number ${low} up to ${rule.max}`;
}

/** Checks every number of a merged config (or `llm` section) against its rule. */
export function checkNumbers(values: Json, where: string, file: string): void {
  for (const [key, value] of Object.entries(values)) {
    const path = where ? `${where}.${key}` : key;
    if (isObject(value)) {
      checkNumbers(value, path, file);
      continue;
    }
    if (typeof value !== "number") continue;
    const rule = NUMBER_RULES[path] ?? ANY_NUMBER;
    const ok = Number.isFinite(value) && (!rule.integer || Number.isInteger(value)) &&
      (rule.aboveMin ? value > rule.min : value >= rule.min) && value <= rule.max;
    if (!ok) {
      throw new QuireError(
        "CONFIG",
        `Cannot read config '${file}': '${path}' must be ${describeRule(rule)}, not ${value}`,
        { hint: `Fix '${path}' in '${file}', or remove it to use the default` },
      );
    }
  }
}
