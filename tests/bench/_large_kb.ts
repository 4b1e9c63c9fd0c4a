/**
 * The large knowledge base of the `growth` and `search` cases: 10,000
 * generated markdown and text documents (200 B to 20 KB, log-uniform),
 * added with the real CLI in a few big batches (`add DIR --jobs 2 --quiet`).
 * It is built once, on first use, in a temporary folder that disposing the
 * object removes, so that `run.ts` can share one between the two cases.
 *
 * Each file ends with two made-up keywords, one unique to it and one shared
 * by 25 files (`writeTextCorpus`'s `tags`), for rare-term searches.
 *
 * Sizes are smaller than the `jobs` corpus (which goes to 200 KB) because
 * what this knowledge base is for is the number of documents, and a build
 * of about two minutes.
 *
 * @module
 */

import { join } from "node:path";
import { removeTree, runCli } from "./_bench_cli.ts";
import { writeTextCorpus } from "./_bench_corpus.ts";

/** Options of {@linkcode LargeKb}. */
export interface LargeKbOptions {
  /** Documents in the knowledge base. @default 10_000 */
  documents?: number;
  /** Number of `add` commands it is built with. @default 4 */
  batches?: number;
  /** `--jobs` of those commands. @default 2 */
  jobs?: number;
}

/** One `add` of the build. */
export interface BuildBatch {
  /** Documents in the knowledge base after it. */
  after: number;
  /** Documents it added. */
  added: number;
  /** Wall time, milliseconds. */
  ms: number;
}

/** A built large knowledge base. */
export interface LargeKbInfo {
  /** The knowledge base's root folder. */
  path: string;
  /** Number of documents in it. */
  documents: number;
  /** Total bytes of the generated inputs. */
  inputBytes: number;
  /** The `add` commands of the build. */
  batches: BuildBatch[];
}

/** Document sizes of the large knowledge base (and of the documents added to it). */
export const LARGE_KB_SIZES = { minBytes: 200, maxBytes: 20_000 } as const;

/** A large knowledge base, built on first use and removed on dispose. */
export class LargeKb implements AsyncDisposable {
  #options: Required<LargeKbOptions>;
  #root: string | undefined;
  #built: Promise<LargeKbInfo> | undefined;

  constructor(options: LargeKbOptions = {}) {
    this.#options = { documents: 10_000, batches: 4, jobs: 2, ...options };
  }

  /** Number of documents it holds (or will hold once built). */
  get documents(): number {
    return this.#options.documents;
  }

  /** Builds the knowledge base the first time; later calls return the same one. */
  build(): Promise<LargeKbInfo> {
    this.#built ??= this.#build();
    return this.#built;
  }

  async #build(): Promise<LargeKbInfo> {
    const { documents, batches: count, jobs } = this.#options;
    this.#root = await Deno.makeTempDir({ prefix: "quire-bench-large-" });
    const kb = join(this.#root, "kb");
    const per = Math.ceil(documents / count);
    const batches: BuildBatch[] = [];
    let inputBytes = 0;
    for (let b = 0; b < count; b++) {
      const size = Math.min(per, documents - b * per);
      const dir = join(this.#root, `input-${b}`);
      const corpus = await writeTextCorpus(dir, {
        count: size,
        seed: 1000 + b,
        prefix: `kb${b}`,
        tags: true,
        ...LARGE_KB_SIZES,
      });
      inputBytes += corpus.bytes;
      const run = await runCli([
        "--kb",
        kb,
        "add",
        dir,
        "--jobs",
        String(jobs),
        "--quiet",
        "--json",
      ]);
      const added = (JSON.parse(run.stdout) as { added: unknown[] }).added.length;
      if (added !== size) {
        throw new Error(`The large kb's batch ${b} added ${added} of ${size} documents`);
      }
      batches.push({ after: (batches.at(-1)?.after ?? 0) + added, added, ms: run.ms });
      // The knowledge base keeps its own copy of each input (raw/).
      await removeTree(dir);
    }
    return { path: kb, documents, inputBytes, batches };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#built !== undefined) await this.#built.catch(() => {});
    if (this.#root !== undefined) await removeTree(this.#root);
  }
}
