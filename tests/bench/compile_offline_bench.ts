import { compileOffline } from "../../prepare/compile/compile_offline.ts";
import type { ConvertedDocument } from "../../core/types.ts";
import { generateMarkdown } from "../_offline_corpus.ts";

function doc(markdown: string): ConvertedDocument {
  return {
    type: "markdown",
    ext: "md",
    title: "",
    markdown,
    sections: [],
    warnings: [],
    facts: {},
  };
}

const oneMb = doc(generateMarkdown(1024 * 1024));
const fiveMb = doc(generateMarkdown(5 * 1024 * 1024, { seed: 2 }));

Deno.bench("compileOffline() on 1 MB of markdown", () => {
  compileOffline(oneMb);
});

Deno.bench("compileOffline() on 5 MB of markdown", { n: 5 }, () => {
  compileOffline(fiveMb);
});
