/**
 * A small sample knowledge base for the read-side tests (search, lint,
 * query, saved explorations), built by the real CLI from a few documents
 * chosen to exercise ranking (a title hit against a body hit, a phrase
 * against scattered words) and heading anchors (headings with inline
 * markdown, entities, setext underlines, duplicates).
 *
 * @module
 */

import { cp } from "node:fs/promises";
import { join } from "node:path";
import { runQuire, writeFiles } from "./_helpers.ts";

/** The sample documents: file name → content. */
export const SAMPLE_DOCS: Record<string, string> = {
  "solar.md": `# Solar Energy Basics

Solar panels convert sunlight into electricity using **photovoltaic** cells.

## Photovoltaic Cells

A photovoltaic cell is made of silicon. Battery storage keeps the energy for the night.

## Installation: Roofs & Costs

Installation costs dropped sharply. Roof orientation matters.

\`\`\`
[[not-a-link-in-code]]
\`\`\`
`,
  "wind.md": `# Wind Turbines

Wind turbines convert the kinetic energy of wind into electricity. The storage of a
battery smooths the supply. Turbine blades are made of fiberglass. A heliostat is
not a turbine, and a heliostat field is not a wind farm.

## Offshore Wind

Offshore wind farms have stronger and steadier winds.
`,
  "heliostat.md": `# Heliostat Arrays

Concentrated solar plants point mirrors at a tower. A heliostat tracks the sun.
`,
  "battery.txt": `Battery storage for renewable energy

Lithium-ion batteries store electricity from solar panels and wind turbines.
Battery storage is central to a renewable grid.
`,
  "guide.md": `# Field *Guide* to Headings

Text under the title.

## Using \`fetch()\` **fast**

Body.

Setext Heading Here
-------------------

## Heading with &amp; entity

## Trailing hashes ##

## 1. Numbered: colon, "quotes" & more

## Same

## Same
`,
};

/** Writes {@linkcode SAMPLE_DOCS} under `<root>/docs`, adds them to `<root>/kb`; returns the kb path. */
export async function buildSampleKb(root: string): Promise<string> {
  const docs = join(root, "docs");
  const kb = join(root, "kb");
  await writeFiles(docs, SAMPLE_DOCS);
  const result = await runQuire(["--kb", kb, "add", docs]);
  if (result.code !== 0) {
    throw new Error(`quire add failed (exit ${result.code}):\n${result.stderr}`);
  }
  return kb;
}

/** Copies a knowledge base folder (to break a copy without rebuilding the sample). */
export async function copyKb(from: string, to: string): Promise<string> {
  await cp(from, to, { recursive: true });
  return to;
}
