/**
 * The command-line program: commander wiring for every command, its flags
 * and their parsers. Each action resolves to an exit code through `setExit`;
 * errors are thrown to `main.ts`, which turns them into messages.
 *
 * Startup: each action imports its command's module when it runs (a
 * literal `import()`, which `deno compile` includes), so a command loads
 * only what it uses: `--help`, `--version` and the read commands load
 * neither `commit/` nor `prepare/`, and no command loads the document
 * readers, the offline compiler's word list, yaml or the MCP SDK before it
 * needs them (tests/startup_imports_test.ts checks this; `deno task bench
 * -- startup` measures it).
 *
 * @module
 */

import { Command, InvalidArgumentError } from "commander";
import { now, QUIRE_VERSION } from "../core/mod.ts";
import type { AddFlags, BatchFlags } from "./batch_commands.ts";
import type { PrepareFlags } from "./prepare_command.ts";
import type { GlobalOptions } from "./output.ts";

function parseJobs(value: string): number {
  if (value === "auto") return navigator.hardwareConcurrency || 1;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 256) {
    throw new InvalidArgumentError("expected a whole number from 1 to 256, or 'auto'");
  }
  return Number(value);
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds < 0) {
    throw new InvalidArgumentError("expected a number of seconds (0 or more)");
  }
  return seconds;
}

function parseLimit(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) {
    throw new InvalidArgumentError("expected a whole number from 1 to 1000");
  }
  return Number(value);
}

/** Adds `--follow-symlinks` (add, sync, watch). */
function withFollowSymlinks(command: Command): Command {
  return command.option(
    "--follow-symlinks",
    "in walked folders, also follow symlinks whose target is outside the folder",
  );
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError("expected a whole number");
  }
  return Number(value);
}

/** Adds the prepare options shared by add, sync, watch and recompile. */
function withBatchOptions(command: Command): Command {
  return command
    .option("-j, --jobs <n>", "prepare workers: a number or 'auto' (CPUs)", parseJobs, 1)
    .option(
      "--timeout <seconds>",
      "give up on one input after this long (default: config, 600)",
      parseSeconds,
    )
    .option(
      "--fallback <mode>",
      "when the LLM keeps failing: 'fail' the input or compile it 'offline' (listed as a warning)",
      (value) => {
        if (value !== "offline" && value !== "fail") {
          throw new InvalidArgumentError("expected 'offline' or 'fail'");
        }
        return value;
      },
    );
}

/** Builds the command-line program; each action resolves to an exit code. */
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command()
    .name("quire")
    .description(
      "Compile documents (files, folders, web pages, remote documents) into a markdown knowledge base with [[wikilinks]].",
    )
    .version(QUIRE_VERSION)
    .exitOverride()
    .showSuggestionAfterError()
    .option(
      "--kb <dir>",
      "the knowledge base (default: $QUIRE_KB, else the nearest parent with .quire/)",
    )
    .option("--json", "print the result as JSON on stdout (human text goes to stderr)")
    .option("-q, --quiet", "print only errors and the summary")
    .option(
      "--wait <seconds>",
      "wait this long for a busy lock instead of failing (exit 3)",
      parseSeconds,
    );

  // The clock is checked before any command touches anything (SOURCE_DATE_EPOCH).
  const run = (body: () => Promise<number> | number) => async () => {
    now();
    setExit(await body());
  };
  const globals = (command: Command) => command.optsWithGlobals() as GlobalOptions;

  program.command("init")
    .description("create a knowledge base (default: --kb, $QUIRE_KB, or the current folder)")
    .argument("[dir]", "folder to create it in")
    .action((dir: string | undefined, _flags, command: Command) =>
      run(async () => (await import("./change_commands.ts")).initCommand(dir, globals(command)))()
    );

  withFollowSymlinks(withBatchOptions(
    program.command("add")
      .description(
        "add files, folders (recursively) and http(s) URLs; updates documents whose source changed",
      )
      .argument("[inputs...]", "files, folders or URLs"),
  ))
    .option(
      "--dry-run",
      "print what would be added and, with a model, how many documents would be sent, how many are cached, and an estimate of input tokens",
    )
    .option(
      "--from-pageindex-cloud <docId>",
      "import a document processed by PageIndex Cloud (repeatable; key from $PAGEINDEX_API_KEY)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      "--from-bundle <dir>",
      "commit bundles made by `quire prepare` (repeatable; further bundle folders may follow as arguments), in global input order",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      "--accept-compiler",
      "with --from-bundle: commit bundles prepared with another compiler or settings than this knowledge base's",
    )
    .action((inputs: string[], flags: AddFlags, command: Command) =>
      run(async () =>
        (await import("./batch_commands.ts")).addCommand(inputs, flags, globals(command))
      )()
    );

  withBatchOptions(
    program.command("prepare")
      .description(
        "prepare one shard of the inputs into a bundle, to commit later with `add --from-bundle` (uses the knowledge base's config when there is one)",
      )
      .argument("<inputs...>", "files, folders or URLs: the same on every shard")
      .requiredOption("--out <dir>", "the bundle folder to create (new or empty)")
      .option(
        "--shard <i/n>",
        "prepare shard I of N (default: $QUIRE_SHARD or a CI or cluster engine's variables, else 1/1)",
      ),
  ).action((inputs: string[], flags: PrepareFlags, command: Command) =>
    run(async () =>
      (await import("./prepare_command.ts")).prepareCommand(inputs, flags, globals(command))
    )()
  );

  program.command("remove")
    .description("remove documents (by name or content-hash prefix) and their pages")
    .argument("<names...>", "document names or hash prefixes (4+ hex digits)")
    .action((names: string[], _flags, command: Command) =>
      run(async () =>
        (await import("./change_commands.ts")).removeCommand(names, globals(command))
      )()
    );

  withFollowSymlinks(withBatchOptions(
    program.command("sync")
      .description(
        "mirror a folder: add new files, update changed ones, remove documents whose file under it is gone",
      )
      .argument("<dir>", "the folder to mirror")
      .option("--dry-run", "print the plan and change nothing"),
  )).action((dir: string, flags: BatchFlags & { dryRun?: boolean }, command: Command) =>
    run(async () =>
      (await import("./batch_commands.ts")).syncCommand(dir, flags, globals(command))
    )()
  );

  withFollowSymlinks(withBatchOptions(
    program.command("watch")
      .description(
        "keep the knowledge base in step with an inbox folder (default: the config's inbox) until Ctrl-C",
      )
      .argument("[dir]", "the inbox folder"),
  )).action((dir: string | undefined, flags: BatchFlags, command: Command) =>
    run(async () =>
      (await import("./batch_commands.ts")).watchCommand(dir, flags, globals(command))
    )()
  );

  withBatchOptions(
    program.command("recompile")
      .description("rebuild documents' pages from their stored originals (all when no names)")
      .argument("[names...]", "document names or hash prefixes")
      .option(
        "--fallbacks",
        "only the documents compiled offline because the model failed (compiler offline-fallback)",
      ),
  ).action((names: string[], flags: BatchFlags & { fallbacks?: boolean }, command: Command) =>
    run(async () =>
      (await import("./batch_commands.ts")).recompileCommand(names, flags, globals(command))
    )()
  );

  program.command("search")
    .description("full-text search: ranked documents with a snippet and the page to open")
    .argument("<words...>", 'the query ("exact phrase", OR, prefix*)')
    .option("-n, --limit <n>", "most results", parseLimit, 10)
    .action((words: string[], flags: { limit: number }, command: Command) =>
      run(async () =>
        (await import("./read_commands.ts")).searchCommand(words, flags, globals(command))
      )()
    );

  program.command("query")
    .description(
      "answer a question from the most relevant pages with the configured LLM, citing them (search results without an LLM)",
    )
    .argument("<question...>", "the question")
    .option("-n, --limit <n>", "most documents considered", parseLimit, 10)
    .option("--save", "save the answer to wiki/explorations/")
    .action((words: string[], flags: { limit: number; save?: boolean }, command: Command) =>
      run(async () =>
        (await import("./query_command.ts")).queryCommand(words, flags, globals(command))
      )()
    );

  program.command("links")
    .description("the links on a page and the pages that link to it (backlinks)")
    .argument("<name>", "a document name, a page path inside wiki/ (concepts/x) or a [[wikilink]]")
    .option("-n, --limit <n>", "most links listed each way", parseLimit, 100)
    .action((name: string, flags: { limit: number }, command: Command) =>
      run(async () =>
        (await import("./links_command.ts")).linksCommand(name, flags, globals(command))
      )()
    );

  program.command("mcp")
    .description(
      "serve the knowledge base to LLM agents over MCP (stdio): search, read_page, list_documents, document_outline, links, status, save_note; pages as quire://wiki/ resources (--wait: how long save_note waits for a busy lock, default 10 s)",
    )
    .action((_flags, command: Command) =>
      run(async () => (await import("./mcp/mcp_command.ts")).mcpCommand(globals(command)))()
    );

  program.command("lint")
    .description(
      "check links, orphans, files vs registry, leftover staging and journals (exit 1 on problems)",
    )
    .action((_flags, command: Command) =>
      run(async () => (await import("./read_commands.ts")).lintCommand(globals(command)))()
    );

  program.command("list")
    .description("list documents by name: name, type, size, added")
    .option("--limit <n>", "at most N documents (default: all)", parseCount)
    .option("--offset <n>", "skip the first N documents", parseCount, 0)
    .action((flags: { limit?: number; offset: number }, command: Command) =>
      run(async () => (await import("./read_commands.ts")).listCommand(flags, globals(command)))()
    );

  program.command("status")
    .description("counts, size on disk, pending journals, last operation")
    .action((_flags, command: Command) =>
      run(async () => (await import("./read_commands.ts")).statusCommand(globals(command)))()
    );

  program.command("recover")
    .description(
      "roll back or finish interrupted changes, rebuild derived pages, remove stale staging",
    )
    .action((_flags, command: Command) =>
      run(async () => (await import("./change_commands.ts")).recoverCommand(globals(command)))()
    );

  program.command("repair")
    .description(
      "rebuild a missing or damaged registry from the files in raw/ and wiki/ (the old one is kept aside)",
    )
    .option("--force", "rebuild it even when it is whole")
    .action((flags: { force?: boolean }, command: Command) =>
      run(async () =>
        (await import("./change_commands.ts")).repairCommand(flags, globals(command))
      )()
    );

  return program;
}
