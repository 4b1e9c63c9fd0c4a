/**
 * Helpers for the format reader tests: fixture bytes, reader inputs and
 * default prepare settings.
 *
 * @module
 */

import type { PrepareSettings } from "../core/config.ts";
import { defaultConfig, prepareSettings } from "../core/config.ts";
import type { ReaderInput } from "../prepare/read/detect_type.ts";

const FIXTURES = new URL("./fixtures/formats/", import.meta.url);

/** Reads a file from `tests/fixtures/formats/`. */
export function fixtureBytes(name: string): Promise<Uint8Array<ArrayBuffer>> {
  return Deno.readFile(new URL(name, FIXTURES));
}

/** A reader input for a fixture, named after it. */
export async function fixtureInput(name: string): Promise<ReaderInput> {
  return { bytes: await fixtureBytes(name), fileName: name, source: `fixtures/${name}` };
}

/** The default prepare settings (no LLM, no keys), with `overrides` applied. */
export function formatSettings(overrides: Partial<PrepareSettings> = {}): PrepareSettings {
  return { ...prepareSettings(defaultConfig(), { env: () => undefined }), ...overrides };
}

/** Encodes a string whose characters are all below U+0100 as Latin-1 bytes. */
export function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
