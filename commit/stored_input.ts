/**
 * A registered document as an input to prepare again from its stored
 * original (`raw/`), keeping its name and source: what `recompile` and the
 * batch's relinking pass feed the prepare pool.
 *
 * @module
 */

import type { KbLayout } from "../core/layout.ts";
import type { StoredDocument } from "../core/queries.ts";
import type { DiscoveredInput } from "../prepare/mod.ts";

/** Returns the input that prepares `document` again from its original. */
export function storedInput(layout: KbLayout, document: StoredDocument): DiscoveredInput {
  return {
    kind: "input",
    source: document.source,
    input: {
      kind: "stored",
      path: layout.resolve(`raw/${document.name}.${document.ext}`),
      source: document.source,
      origin: document.origin,
      type: document.type,
      nameHint: document.name,
    },
  };
}
