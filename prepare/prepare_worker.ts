/**
 * The prepare worker's entry point. It runs with write permission to the
 * prepare staging area only (see `prepare_pool.ts`), answers each `prepare`
 * request with exactly one reply, in the order the requests came, and never
 * throws out of its handler: an `InputError` becomes `rejected`, anything
 * else `failed`.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { InputError, toErrorPayload } from "../core/errors.ts";
import { emptyLlmReport } from "../core/llm_usage.ts";
import type { PrepareReply, PrepareRequest } from "../core/protocol.ts";
import { sourceOf } from "../core/types.ts";
import { prepareDocument } from "./prepare_document.ts";

/** When this worker last answered (epoch ms): the pool's timer for its next input starts then. */
let lastFinished = 0;

function reply(message: PrepareReply): void {
  self.postMessage(message);
  lastFinished = Date.now();
}

async function handle(message: PrepareRequest): Promise<void> {
  switch (message.type) {
    case "prepare": {
      const { index, input, stagingDir, stagingName, settings } = message;
      // The model's use is reported with either reply: a failure costs tokens too.
      const report = emptyLlmReport();
      const llm = settings.llm === null ? undefined : report;
      try {
        const document = await prepareDocument(
          {
            index,
            input,
            stagingDir,
            stagingName,
            deadline: Math.max(message.sentAt, lastFinished) + message.modelBudgetMs,
            llmBlocked: message.llmBlocked,
          },
          settings,
          report,
        );
        reply({ type: "staged", index, document, llm });
      } catch (error) {
        const payload = toErrorPayload(error, sourceOf(input));
        const type = error instanceof InputError ? "rejected" : "failed";
        reply({ type, index, error: payload, llm });
      }
      return;
    }
    case "shutdown":
      self.close();
      return;
    default: {
      const unknown: never = message;
      throw new Error(`Unknown request ${JSON.stringify(unknown)}`);
    }
  }
}

// Requests are handled one at a time, in the order they arrive: the pool
// sends the next inputs before this one is done, so that no time is lost
// between two of them while the main thread is busy.
let queue = Promise.resolve();
self.onmessage = (event: MessageEvent<PrepareRequest>) => {
  queue = queue.then(() => handle(event.data));
};
