/**
 * Document names: filesystem-safe slugs, unique in the registry. A name never
 * comes unchecked from a file name, a URL or an HTTP header; it always passes
 * through {@linkcode safeName}, which yields lowercase letters, digits and
 * single `-` only (so `..`, `/`, control characters and names differing only
 * in case cannot occur), at most {@linkcode MAX_NAME_LENGTH} characters, and
 * never a name reserved by Windows.
 *
 * @module
 */

/** Longest name, in UTF-16 code units (well under every filesystem's limit). */
export const MAX_NAME_LENGTH = 64;

const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/;

/** Returns a safe slug for `hint`, or `fallback` when nothing usable is left. */
export function safeName(hint: string, fallback = "document"): string {
  let slug = hint.normalize("NFKC").toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length > MAX_NAME_LENGTH) {
    // Cut on a code point boundary, then drop a trailing dash.
    slug = Array.from(slug).slice(0, MAX_NAME_LENGTH).join("");
    while (slug.length > MAX_NAME_LENGTH) slug = Array.from(slug).slice(0, -1).join("");
    slug = slug.replace(/-+$/, "");
  }
  if (slug === "") return fallback;
  return RESERVED.test(slug) ? `${slug}-doc` : slug;
}

/**
 * Returns `base`, or `base-2`, `base-3`… whichever `isTaken` says is free.
 * Suffixed names are shortened so that they stay within the length limit.
 */
export function uniqueName(base: string, isTaken: (name: string) => boolean): string {
  if (!isTaken(base)) return base;
  for (let n = 2;; n++) {
    const suffix = `-${n}`;
    const stem = Array.from(base).slice(0, MAX_NAME_LENGTH - suffix.length).join("")
      .replace(/-+$/, "");
    const candidate = `${stem}${suffix}`;
    if (!isTaken(candidate)) return candidate;
  }
}

/** Returns the file name without directories and without its last extension. */
export function fileStem(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}
