/**
 * The prepare worker's entry point. It runs with write permission to the
 * prepare staging area only (see `prepare_pool.ts`), answers each `prepare`
 * request with exactly one reply, and never throws out of its handler: an
 * `InputError` becomes `rejected`, anything else `failed`.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { InputError, toErrorPayload } from "../core/errors.ts";
import { emptyLlmReport } from "../core/llm_usage.ts";
import type { PrepareReply, PrepareRequest } from "../core/protocol.ts";
import { sourceOf } from "../core/types.ts";
import { prepareDocument } from "./prepare_document.ts";

function reply(message: PrepareReply): void {
  self.postMessage(message);
}

async function handle(message: PrepareRequest): Promise<void> {
  switch (message.type) {
    case "prepare": {
      const { index, input, settings } = message;
      // The model's use is reported with either reply: a failure costs tokens too.
      const report = emptyLlmReport();
      const llm = settings.llm === null ? undefined : report;
      try {
        const document = await prepareDocument(message, settings, report);
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

self.onmessage = (event: MessageEvent<PrepareRequest>) => {
  handle(event.data);
};
