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

import { checkNumbers } from "./config_ranges.ts";
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
  /**
   * Output budget of one call (`max_tokens`). An answer cut off at it is
   * retried with twice the budget (up to 4×, within `contextTokens`).
   * @default 2048
   */
  maxTokens: number;
  /** The model's context window; nothing Quire sends exceeds it (estimated). @default 8192 */
  contextTokens: number;
  /** Ask for the answer as a stream of server-sent events. @default false */
  stream: boolean;
  /** Connection-level failures in a row after which a batch stops calling the model. @default 3 */
  failFastAfter: number;
}

/** The defaults of every optional `llm` key. */
export const LLM_DEFAULTS: Omit<LlmConfig, "baseUrl" | "model"> = {
  apiKeyEnv: "OPENAI_API_KEY",
  timeoutSeconds: 120,
  retries: 2,
  maxTokens: 2048,
  contextTokens: 8192,
  stream: false,
  failFastAfter: 3,
};

/** Returns an LLM config with every optional key at its default. */
export function llmConfig(
  fields: Partial<LlmConfig> & Pick<LlmConfig, "baseUrl" | "model">,
): LlmConfig {
  return { ...LLM_DEFAULTS, ...fields };
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
    /** Concepts kept for a document of up to 1,000 words (longer ones get more). @default 8 */
    perDocument: number;
    /** Most concepts kept for any document, however long (offline compiler). @default 20 */
    maxPerDocument: number;
  };
  /** The LLM compiler; null means the offline compiler. @default null */
  llm: LlmConfig | null;
  pageindex: PageIndexConfig;
  cache: {
    /** Largest size of the prepared-results cache (`.quire/cache/`); oldest dropped first. @default 1073741824 (1 GiB) */
    maxBytes: number;
  };
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
  /** Cap on concepts per document when the offline compiler scales with length. */
  conceptsMaxPerDocument: number;
  llm: LlmSettings | null;
  /** What to do when the LLM keeps failing: fail the input, or compile offline. */
  llmFallback: "fail" | "offline";
  pageindex: { baseUrl: string; apiKey: string };
  /** Where prepared results are cached (`.quire/cache/`); null for no cache. */
  cacheDir: string | null;
}

/** Whether the API key variable gave a key: "none" when no variable is named. */
export type ApiKeyState = "set" | "unset" | "empty" | "none";

/** The LLM settings a worker gets: the config plus the resolved key. */
export interface LlmSettings extends LlmConfig {
  /** The key, trimmed of surrounding whitespace (what is sent); "" for none. */
  apiKey: string;
  /** Whether `apiKeyEnv` gave a key, for messages on 401/403. */
  apiKeyState: ApiKeyState;
  /** Every form of the key to hide from messages (as set and trimmed), longest first. */
  secrets: string[];
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
    concepts: { minDocuments: 2, prominentMakesPage: true, perDocument: 8, maxPerDocument: 20 },
    llm: null,
    pageindex: { baseUrl: "https://api.pageindex.ai", apiKeyEnv: "PAGEINDEX_API_KEY" },
    cache: { maxBytes: 1024 * 1024 * 1024 },
    inbox: null,
  };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Merges `input` over `defaults`, checking every key exists (own keys only,
 * so `__proto__` is an unknown key) and every value has the default's type.
 * A `null` default (`inbox`) takes a string or null. `where` names the
 * position for messages.
 */
function mergeChecked(defaults: Json, input: Json, where: string, file: string): Json {
  const out: Json = { ...defaults };
  for (const [key, value] of Object.entries(input)) {
    const path = where ? `${where}.${key}` : key;
    if (!Object.hasOwn(defaults, key)) {
      throw new QuireError("CONFIG", `Cannot read config '${file}': unknown key '${path}'`, {
        hint: `Remove '${path}' or check its spelling`,
      });
    }
    const base = defaults[key];
    if (isObject(base)) {
      if (!isObject(value)) throw badType(file, path, "an object");
      out[key] = mergeChecked(base, value, path, file);
    } else if (base === null) {
      if (value !== null && typeof value !== "string") {
        throw badType(file, path, "a string or null");
      }
      out[key] = value;
    } else if (Array.isArray(base)) {
      if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
        throw badType(file, path, "an array of strings");
      }
      out[key] = value;
    } else {
      if (typeof value !== typeof base) throw badType(file, path, `a ${typeof base}`);
      out[key] = value;
    }
  }
  return out;
}

function badType(file: string, path: string, kind: string): QuireError {
  return new QuireError("CONFIG", `Cannot read config '${file}': '${path}' must be ${kind}`, {
    hint: `Fix '${path}' in '${file}'`,
  });
}

function checkLlm(value: unknown, file: string): LlmConfig | null {
  if (value === null) return null;
  if (!isObject(value)) throw badType(file, "llm", "an object or null");
  const defaults: Json = { baseUrl: "", model: "", ...LLM_DEFAULTS };
  const merged = mergeChecked(defaults, value, "llm", file);
  checkNumbers(merged, "llm", file);
  const llm = merged as unknown as LlmConfig;
  if (!/^https?:\/\//.test(llm.baseUrl) || llm.model === "") {
    throw new QuireError(
      "CONFIG",
      `Cannot read config '${file}': 'llm' needs an http(s) 'baseUrl' and a 'model'`,
      { hint: `Set both, or set "llm": null for the offline compiler` },
    );
  }
  checkLlmBudgets(llm, file);
  return llm;
}

/** The output and context budgets must be whole numbers that leave room for a document. */
function checkLlmBudgets(llm: LlmConfig, file: string): void {
  const bad = (key: string, rule: string) =>
    new QuireError("CONFIG", `Cannot read config '${file}': 'llm.${key}' ${rule}`, {
      hint: `Fix 'llm.${key}' in '${file}'`,
    });
  // Whole numbers and their ranges are checked by NUMBER_RULES; here, only the room left.
  if (llm.contextTokens < llm.maxTokens + MIN_INPUT_TOKENS) {
    throw bad(
      "contextTokens",
      `(${llm.contextTokens}) must leave room for the document: at least 'llm.maxTokens' + ${MIN_INPUT_TOKENS} (${
        llm.maxTokens + MIN_INPUT_TOKENS
      })`,
    );
  }
}

/** The least room for the prompt that `llm.contextTokens` must leave beside `llm.maxTokens`. */
export const MIN_INPUT_TOKENS = 1024;

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
  if (!isObject(input)) throw badType(file, "(top level)", "an object");
  const { llm, ...rest } = input;
  const defaults = defaultConfig() as unknown as Json;
  const checked = mergeChecked(defaults, rest, "", file);
  checkNumbers(checked, "", file);
  const merged = checked as unknown as QuireConfig;
  if (!/^https?:\/\/./.test(merged.pageindex.baseUrl)) {
    throw new QuireError(
      "CONFIG",
      `Cannot read config '${file}': 'pageindex.baseUrl' must be an http(s) URL, not '${merged.pageindex.baseUrl}'`,
      { hint: `Fix 'pageindex.baseUrl' in '${file}'` },
    );
  }
  merged.llm = checkLlm(llm ?? null, file);
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
  /** Where prepared results are cached. @default null (no cache) */
  cacheDir?: string | null;
}

/**
 * Resolves the API key: it is sent trimmed (a value ending in a space or
 * `\r` would otherwise never match what a server echoes), and both the value
 * as set and the trimmed key are redacted from messages.
 */
function llmSettings(llm: LlmConfig, env: (name: string) => string | undefined): LlmSettings {
  const raw = llm.apiKeyEnv ? env(llm.apiKeyEnv) : undefined;
  const apiKey = raw?.trim() ?? "";
  const apiKeyState: ApiKeyState = llm.apiKeyEnv === ""
    ? "none"
    : raw === undefined
    ? "unset"
    : apiKey === ""
    ? "empty"
    : "set";
  const secrets = [...new Set([raw ?? "", apiKey])].filter((s) => s.trim() !== "")
    .sort((a, b) => b.length - a.length);
  return { ...llm, apiKey, apiKeyState, secrets };
}

/** Derives the worker settings from a config, resolving API keys from the environment. */
export function prepareSettings(
  config: QuireConfig,
  options: PrepareSettingsOptions = {},
): PrepareSettings {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  const llm = config.llm === null ? null : llmSettings(config.llm, env);
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
    conceptsMaxPerDocument: config.concepts.maxPerDocument,
    llm,
    llmFallback: options.llmFallback ?? "fail",
    pageindex: {
      baseUrl: env("PAGEINDEX_BASE_URL") ?? config.pageindex.baseUrl,
      apiKey: env(config.pageindex.apiKeyEnv) ?? "",
    },
    cacheDir: options.cacheDir ?? null,
  };
}
