/**
 * A registered document as an input to prepare again from its stored
 * original (`raw/`), keeping its name and source: what `recompile` and the
 * batch's relinking pass feed the prepare pool. An original that is a
 * symbolic link is refused for that document: its bytes would come from
 * outside the knowledge base.
 *
 * @module
 */

import type { KbLayout } from "../core/layout.ts";
import type { StoredDocument } from "../core/queries.ts";
import type { DiscoveredInput } from "../prepare/mod.ts";

/** Returns the input that prepares `document` again from its original. */
export function storedInput(layout: KbLayout, document: StoredDocument): DiscoveredInput {
  const raw = `raw/${document.name}.${document.ext}`;
  let link: string | null = null;
  try {
    if (Deno.lstatSync(layout.resolve(raw)).isSymlink) {
      link = Deno.readLinkSync(layout.resolve(raw));
    }
  } catch {
    // Missing or unreadable: the worker reports it.
  }
  if (link !== null) {
    return {
      kind: "error",
      source: document.source,
      error: {
        code: "UNREADABLE",
        message:
          `Cannot recompile '${document.name}': its original '${raw}' is a symbolic link to '${link}'; Quire reads only the file itself (put it back in '${raw}', or add the document again)`,
        path: document.source,
      },
    };
  }
  return {
    kind: "input",
    source: document.source,
    input: {
      kind: "stored",
      path: layout.resolve(raw),
      source: document.source,
      origin: document.origin,
      type: document.type,
      nameHint: document.name,
    },
  };
}
