/**
 * What a prepared document depends on, as data that can be compared across
 * machines: the compiler's identity, and a digest of every prepare setting
 * that can change what a worker produces. Prepared bundles record both, and
 * `add --from-bundle` compares them with the knowledge base's own settings.
 *
 * The digest covers every field of the prepare settings except those that
 * cannot change a prepared document's content: secrets (API keys), where
 * things are kept (the cache folder), how long or how often to try
 * (timeouts, retries, streaming, fail-fast), and what to do when the model
 * fails (a document compiled offline after a failure says so itself). A new setting is covered
 * unless it is added to that list.
 *
 * @module
 */

import type { PrepareSettings } from "../core/config.ts";
import { QUIRE_VERSION } from "../core/version.ts";
import { llmCompilerIdentity } from "./llm/compile_prompt.ts";
import { type CompilerIdentity, digestOf } from "./prepared_entry.ts";

/** Settings that never change a prepared document's content. */
const NOT_CONTENT = {
  top: ["cacheDir", "fetchTimeoutMs", "llmFallback"],
  llm: [
    "apiKey",
    "apiKeyEnv",
    "apiKeyState",
    "secrets",
    "timeoutSeconds",
    "retries",
    "stream",
    "failFastAfter",
  ],
  pageindex: ["apiKey"],
} as const;

/** The identity of the compiler these settings run. */
export function compilerIdentity(settings: PrepareSettings): CompilerIdentity {
  const concepts = {
    language: settings.language,
    conceptsPerDocument: settings.conceptsPerDocument,
  };
  if (settings.llm !== null) {
    return llmCompilerIdentity(settings.llm, concepts);
  }
  return {
    kind: "offline",
    quireVersion: QUIRE_VERSION,
    ...concepts,
    maxConceptsPerDocument: settings.conceptsMaxPerDocument,
  };
}

function without(value: object, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}

/** SHA-256 (hex) of the settings that can change a prepared document. */
export function prepareSettingsDigest(settings: PrepareSettings): string {
  const { llm, pageindex, ...rest } = settings;
  return digestOf({
    ...without(rest, NOT_CONTENT.top),
    llm: llm === null ? null : without(llm, NOT_CONTENT.llm),
    pageindex: without(pageindex, NOT_CONTENT.pageindex),
  });
}
