/**
 * `quire links NAME`, read-only: the links written on a page and the pages
 * that link to it (backlinks). NAME is a document name (its summary page), a
 * page path inside `wiki/` (`concepts/x`, `explorations/y.md`) or a
 * wikilink as written. Like the other read commands it takes no lock.
 *
 * @module
 */

import { openRegistry, type PageLinks, pageLinks, resolveWikiPage } from "../core/mod.ts";
import { EXIT } from "./exit_code.ts";
import { locateKnowledgeBase } from "./locate_kb.ts";
import { type GlobalOptions, print } from "./output.ts";

function describeLinks(links: PageLinks): string {
  const lines = [`${links.page}`, "", `Links to (${links.outgoingTotal}):`];
  for (const link of links.outgoing) {
    const anchor = link.anchor === null ? "" : `#${link.anchor}`;
    lines.push(`  ${link.target}${anchor} → ${link.page ?? "(no such page)"}`);
  }
  if (links.outgoingTotal > links.outgoing.length) {
    lines.push(`  …and ${links.outgoingTotal - links.outgoing.length} more (--limit)`);
  }
  const total = `${links.backlinksCapped ? "more than " : ""}${links.backlinksTotal}`;
  lines.push("", `Linked from (${total}):`);
  for (const link of links.backlinks) lines.push(`  ${link.page}  ${link.title}`);
  if (links.backlinksTotal > links.backlinks.length) {
    lines.push(`  …and ${links.backlinksTotal - links.backlinks.length} more (--limit)`);
  }
  return lines.join("\n");
}

/** `quire links NAME`. */
export async function linksCommand(
  name: string,
  flags: { limit: number },
  options: GlobalOptions,
): Promise<number> {
  const layout = locateKnowledgeBase(options);
  const db = openRegistry(layout.registry, { readOnly: true });
  let links: PageLinks;
  try {
    links = await pageLinks(layout, db, resolveWikiPage(layout, db, name), {
      limit: flags.limit,
    });
  } finally {
    db.close();
  }
  if (options.json) print(JSON.stringify(links, null, 2));
  else print(describeLinks(links));
  return EXIT.ok;
}
