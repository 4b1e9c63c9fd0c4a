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
import type { PrepareReply, PrepareRequest } from "../core/protocol.ts";
import { type PrepareInput, sourceOf } from "../core/types.ts";
import { stageDocument } from "./prepare_document.ts";

function failure(index: number, input: PrepareInput, error: unknown): PrepareReply {
  const payload = toErrorPayload(error, sourceOf(input));
  return { type: error instanceof InputError ? "rejected" : "failed", index, error: payload };
}

/**
 * Does the work of one input; resolves once that work is done, with the
 * reply to send, which itself settles once the input's files are written.
 */
async function begin(message: PrepareRequest): Promise<Promise<PrepareReply>> {
  switch (message.type) {
    case "prepare": {
      const { index, input, stagingDir, stagingName, settings } = message;
      try {
        const { document, written } = await stageDocument(
          { index, input, stagingDir, stagingName },
          settings,
        );
        return written.then(
          (): PrepareReply => ({ type: "staged", index, document }),
          (error) => failure(index, input, error),
        );
      } catch (error) {
        return Promise.resolve(failure(index, input, error));
      }
    }
    case "shutdown":
      self.close();
      return new Promise(() => {});
    default: {
      const unknown: never = message;
      throw new Error(`Unknown request ${JSON.stringify(unknown)}`);
    }
  }
}

// Inputs are worked on one at a time, in the order they arrive: the pool
// sends the next input before this one is done, so that no time is lost
// between the two. The next one starts as soon as this one's files are
// being written (the writes overlap with the next input's work), and
// replies go out in order, each once its input's files are written.
let work: Promise<unknown> = Promise.resolve();
let replies: Promise<unknown> = Promise.resolve();
self.onmessage = (event: MessageEvent<PrepareRequest>) => {
  const started = work.then(() => begin(event.data));
  work = started.catch(() => {});
  replies = replies.catch(() => {}).then(async () => self.postMessage(await (await started)));
};
