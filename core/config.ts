/**
 * `.quire/config.json`: the knowledge base's settings, with defaults for every
 * field, and the subset handed to prepare workers ({@linkcode PrepareSettings}).
 *
 * The file is JSON so that it needs no parser dependency and round-trips
 * exactly. Unknown keys are an error (a typo should not be silently ignored).
 * API keys never live in the file: it names the environment variable that
 * holds the key, and the key is read from the environment at run time.
 *
 * @module
 */

import { errorMessage, QuireError } from "./errors.ts";

/** Settings of an OpenAI-compatible chat-completions endpoint. */
export interface LlmConfig {
  /** Base URL up to and including `/v1`, e.g. `http://127.0.0.1:11434/v1`. */
  baseUrl: string;
  /** Model name sent in each request. */
  model: string;
  /** Name of the environment variable holding the API key; "" for none. @default "OPENAI_API_KEY" */
  apiKeyEnv: string;
  /** Seconds before one request is abandoned. @default 120 */
  timeoutSeconds: number;
  /** Extra attempts after a failed or invalid answer. @default 2 */
  retries: number;
}

/** Settings of the PageIndex Cloud import. */
export interface PageIndexConfig {
  /** @default "https://api.pageindex.ai" */
  baseUrl: string;
  /** @default "PAGEINDEX_API_KEY" */
  apiKeyEnv: string;
}

/** Everything `.quire/config.json` may hold. */
export interface QuireConfig {
  /** Language of the stop-word list for the offline compiler. @default "en" */
  language: string;
  /** Glob-like name patterns skipped when walking folders (`*` and `?`). */
  ignore: string[];
  limits: {
    /** Largest body accepted from a URL. @default 52428800 (50 MB) */
    maxFetchBytes: number;
    /** Connect and read timeout for URLs. @default 30 */
    fetchTimeoutSeconds: number;
    /** Pages from which a PDF also gets a section tree. @default 20 */
    sectionTreeMinPages: number;
    /** Rows of a CSV/TSV table written to the source page. @default 1000 */
    tableMaxRows: number;
    /** Seconds one input may take in a worker before it is failed. @default 600 */
    prepareTimeoutSeconds: number;
    /** Largest local file added; larger ones are refused before they are read. @default 536870912 (512 MiB) */
    maxInputBytes: number;
    /** Text converted per document (source page, search index); the rest is cut with a note. @default 4194304 (4 MiB) */
    maxTextBytes: number;
    /** What the parts of an archive (`.docx`) that Quire parses may inflate to. @default 8388608 (8 MiB) */
    maxInflatedBytes: number;
    /** Largest inflated-to-compressed ratio of one archive entry. @default 100 */
    maxCompressionRatio: number;
  };
  concepts: {
    /** Documents that must share a concept for it to get a page. @default 2 */
    minDocuments: number;
    /** Whether one document naming a concept prominently gives it a page. @default true */
    prominentMakesPage: boolean;
    /** Concepts kept per document. @default 8 */
    perDocument: number;
  };
  /** The LLM compiler; null means the offline compiler. @default null */
  llm: LlmConfig | null;
  pageindex: PageIndexConfig;
  /** Inbox folder for `watch` when none is given. @default null */
  inbox: string | null;
}

/** The settings a prepare worker needs: data only, keys already resolved. */
export interface PrepareSettings {
  language: string;
  maxFetchBytes: number;
  fetchTimeoutMs: number;
  sectionTreeMinPages: number;
  tableMaxRows: number;
  /** The input-size limits of `limits` (see {@linkcode QuireConfig}). */
  maxInputBytes: number;
  maxTextBytes: number;
  maxInflatedBytes: number;
  maxCompressionRatio: number;
  conceptsPerDocument: number;
  llm: (LlmConfig & { apiKey: string }) | null;
  /** What to do when the LLM keeps failing: fail the input, or compile offline. */
  llmFallback: "fail" | "offline";
  pageindex: { baseUrl: string; apiKey: string };
}

/** Returns a fresh copy of the default configuration. */
export function defaultConfig(): QuireConfig {
  return {
    language: "en",
    ignore: ["node_modules", "*.tmp", "*~"],
    limits: {
      maxFetchBytes: 50 * 1024 * 1024,
      fetchTimeoutSeconds: 30,
      sectionTreeMinPages: 20,
      tableMaxRows: 1000,
      prepareTimeoutSeconds: 600,
      maxInputBytes: 512 * 1024 * 1024,
      maxTextBytes: 4 * 1024 * 1024,
      maxInflatedBytes: 8 * 1024 * 1024,
      maxCompressionRatio: 100,
    },
    concepts: { minDocuments: 2, prominentMakesPage: true, perDocument: 8 },
    llm: null,
    pageindex: { baseUrl: "https://api.pageindex.ai", apiKeyEnv: "PAGEINDEX_API_KEY" },
    inbox: null,
  };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Merges `input` over `defaults`, checking every key exists and every value
 * has the default's type. `where` names the position for messages.
 */
function mergeChecked(defaults: Json, input: Json, where: string, file: string): Json {
  const out: Json = { ...defaults };
  for (const [key, value] of Object.entries(input)) {
    const path = where ? `${where}.${key}` : key;
    if (!(key in defaults)) {
      throw new QuireError("CONFIG", `Cannot read config '${file}': unknown key '${path}'`, {
        hint: `Remove '${path}' or check its spelling`,
      });
    }
    const base = defaults[key];
    if (isObject(base) && isObject(value)) {
      out[key] = mergeChecked(base, value, path, file);
    } else if (base === null || value === null || typeof base === typeof value) {
      if (Array.isArray(base) !== Array.isArray(value) && base !== null && value !== null) {
        throw badType(file, path, base);
      }
      out[key] = value;
    } else {
      throw badType(file, path, base);
    }
  }
  return out;
}

function badType(file: string, path: string, expected: unknown): QuireError {
  const kind = Array.isArray(expected) ? "an array" : `a ${typeof expected}`;
  return new QuireError("CONFIG", `Cannot read config '${file}': '${path}' must be ${kind}`, {
    hint: `Fix '${path}' in '${file}'`,
  });
}

function checkLlm(value: unknown, file: string): LlmConfig | null {
  if (value === null) return null;
  if (!isObject(value)) throw badType(file, "llm", {});
  const defaults: Json = {
    baseUrl: "",
    model: "",
    apiKeyEnv: "OPENAI_API_KEY",
    timeoutSeconds: 120,
    retries: 2,
  };
  const llm = mergeChecked(defaults, value, "llm", file) as unknown as LlmConfig;
  if (!/^https?:\/\//.test(llm.baseUrl) || llm.model === "") {
    throw new QuireError(
      "CONFIG",
      `Cannot read config '${file}': 'llm' needs an http(s) 'baseUrl' and a 'model'`,
      { hint: `Set both, or set "llm": null for the offline compiler` },
    );
  }
  return llm;
}

/** Whole-number ranges of the input-size limits (the bounds keep memory and time sane). */
const INPUT_LIMITS: Record<string, [number, number]> = {
  maxInputBytes: [1, 2 ** 40],
  maxTextBytes: [1024, 2 ** 31],
  maxInflatedBytes: [1024, 2 ** 40],
  maxCompressionRatio: [2, 100_000],
};

function checkInputLimits(config: QuireConfig, file: string): void {
  const limits = config.limits as unknown as Record<string, number>;
  for (const [key, [min, max]] of Object.entries(INPUT_LIMITS)) {
    const value = limits[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new QuireError(
        "CONFIG",
        `Cannot read config '${file}': 'limits.${key}' must be a whole number from ${min} to ${max}`,
        { hint: `Fix 'limits.${key}' in '${file}', or remove it to use the default` },
      );
    }
  }
}

/**
 * Parses the text of a config file. Missing keys take their defaults.
 * @throws {QuireError} `CONFIG` when the JSON is invalid or a key is unknown or mistyped.
 */
export function parseConfig(text: string, file: string): QuireConfig {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new QuireError(
      "CONFIG",
      `Cannot read config '${file}': ${errorMessage(error)}`,
      { hint: "Fix the JSON syntax, or delete the file to use the defaults", cause: error },
    );
  }
  if (!isObject(input)) throw badType(file, "(top level)", {});
  const { llm, ...rest } = input;
  const defaults = defaultConfig() as unknown as Json;
  const merged = mergeChecked(defaults, rest, "", file) as unknown as QuireConfig;
  merged.llm = checkLlm(llm ?? null, file);
  checkInputLimits(merged, file);
  return merged;
}

/** Renders a config as the file's text (stable key order, 2-space indent). */
export function formatConfig(config: QuireConfig): string {
  return JSON.stringify(config, null, 2) + "\n";
}

/**
 * Reads `.quire/config.json`; a missing file means the defaults.
 * @throws {QuireError} `CONFIG` for an unreadable or invalid file.
 */
export async function loadConfig(file: string): Promise<QuireConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return defaultConfig();
    throw new QuireError("CONFIG", `Cannot read config '${file}': ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return parseConfig(text, file);
}

/** Options of {@linkcode prepareSettings}. */
export interface PrepareSettingsOptions {
  /** Environment lookup, for tests. @default Deno.env.get */
  env?: (name: string) => string | undefined;
  /** Behaviour when the LLM fails after its retries. @default "fail" */
  llmFallback?: "fail" | "offline";
}

/** Derives the worker settings from a config, resolving API keys from the environment. */
export function prepareSettings(
  config: QuireConfig,
  options: PrepareSettingsOptions = {},
): PrepareSettings {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  const llm = config.llm === null
    ? null
    : { ...config.llm, apiKey: config.llm.apiKeyEnv ? env(config.llm.apiKeyEnv) ?? "" : "" };
  return {
    language: config.language,
    maxFetchBytes: config.limits.maxFetchBytes,
    fetchTimeoutMs: config.limits.fetchTimeoutSeconds * 1000,
    sectionTreeMinPages: config.limits.sectionTreeMinPages,
    tableMaxRows: config.limits.tableMaxRows,
    maxInputBytes: config.limits.maxInputBytes,
    maxTextBytes: config.limits.maxTextBytes,
    maxInflatedBytes: config.limits.maxInflatedBytes,
    maxCompressionRatio: config.limits.maxCompressionRatio,
    conceptsPerDocument: config.concepts.perDocument,
    llm,
    llmFallback: options.llmFallback ?? "fail",
    pageindex: {
      baseUrl: env("PAGEINDEX_BASE_URL") ?? config.pageindex.baseUrl,
      apiKey: env(config.pageindex.apiKeyEnv) ?? "",
    },
  };
}
