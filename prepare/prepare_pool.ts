/**
 * The prepare pool: `jobs` Web Workers that prepare inputs in parallel,
 * while the caller consumes the results strictly in input order.
 *
 * - **Order and memory.** {@linkcode PreparePool.prepareInOrder} yields the
 *   outcome of input 0, then 1, then 2…, whatever order workers finish in.
 *   At most `bound` inputs (default 2 × jobs) are planned ahead of the one
 *   the caller is consuming, so prepared-but-uncommitted results never grow
 *   with the number of inputs, and one slow document stops dispatching
 *   rather than letting the buffer grow.
 * - **Isolation.** Each worker runs with write permission to the prepare
 *   staging area only (and no permission to run programs or load native
 *   code), and receives nothing but its input, its staging name (in the
 *   batch's staging directory) and the settings: it is never given the knowledge base's paths or the
 *   registry, and could not write them if it tried. It may read files (its
 *   input, its modules) and the environment (libraries consult variables
 *   such as `NODE_ENV`), and use the network (URLs, the LLM, PageIndex).
 * - **Pipelining.** Each worker is sent several inputs and works through
 *   them one at a time, in order, so that it starts its next input at once
 *   instead of waiting for the main thread to read its reply and send
 *   another (the main thread may be busy committing a group for a few
 *   milliseconds). How many: enough for about {@linkcode PIPELINE_MS} of
 *   work at the average time an input has taken so far, between 2 and
 *   `depth` (default 16). So tiny notes queue deep, and large PDFs two at a
 *   time, which keeps the workers' shares of the batch even.
 * - **Failures.** A worker that throws, dies or does not answer within
 *   `timeoutMs` of starting an input fails that input only: the worker is
 *   terminated and replaced, the inputs queued behind it are sent again, and
 *   the batch goes on. (A worker that exits without a word, e.g. with
 *   `self.close()`, raises no event in Deno, so it is caught by the timeout.)
 * - **A failing model.** Workers are separate isolates, so the pool keeps
 *   the model's state for the batch in {@linkcode PreparePool.llm} (an
 *   `LlmCircuit`: the summed usage, and whether a dead endpoint made it stop
 *   calling the model). Once it has stopped, every input dispatched carries
 *   `llmBlocked`, and its worker fails it at once without a call (or
 *   compiles it offline with `--fallback offline`); inputs already in
 *   flight finish as they will.
 * - **Model deadline.** Each input is told to stop calling the model a
 *   little before the pool's timeout (a fifth of it, between 0.25 s and
 *   30 s, is kept for the offline fallback and the files), so a slow model
 *   is a model failure that can fall back, not a timeout of the input.
 * - **Staging.** Every input's files go straight into `stagingRoot` (created
 *   by the pool), named `<index>-<slug>-<random>.<role>` (see
 *   `stagedFiles`): no directory per input to create and remove. The pool
 *   removes an input's files when it fails; a staged result's files belong
 *   to the caller from then on.
 *
 * @module
 */

import type { PrepareSettings } from "../core/config.ts";
import { removeIfExists } from "../core/durable_fs.ts";
import type { ErrorPayload } from "../core/errors.ts";
import { LlmCircuit } from "./llm_circuit.ts";
import { safeName } from "../core/naming.ts";
import type { PrepareReply, PrepareRequest } from "../core/protocol.ts";
import { type PrepareInput, sourceOf, type StagedDocument, stagedFiles } from "../core/types.ts";

/** Milliseconds of work each worker is given ahead (see the module comment). */
export const PIPELINE_MS = 25;

/** Options of {@linkcode PreparePool}. */
export interface PreparePoolOptions {
  /** Number of workers. */
  jobs: number;
  /** Milliseconds one input may take before its worker is replaced. */
  timeoutMs: number;
  /** Absolute directory where every input's staged files go (see `stagedFiles`). */
  stagingRoot: string;
  /** Settings handed to every worker. */
  settings: PrepareSettings;
  /** Inputs planned ahead of the one being consumed. @default 2 * jobs */
  bound?: number;
  /** Most inputs sent to one worker at a time (it works through them in order). @default 16 */
  depth?: number;
  /** The worker module (tests substitute misbehaving ones). @default prepare_worker.ts */
  workerUrl?: URL;
}

/** An input settled without a worker (e.g. skipped by the caller's cheap check). */
export interface Settled<T> {
  kind: "settled";
  index: number;
  value: T;
}

/** The outcome of one input, in input order. */
export type PoolOutcome<T> =
  | { kind: "staged"; index: number; document: StagedDocument }
  | { kind: "failed"; index: number; error: ErrorPayload }
  | Settled<T>;

/** Counters for tests and progress. */
export interface PoolStats {
  /** Largest number of inputs planned but not yet consumed at any time. */
  maxAhead: number;
  /** Largest number of finished results waiting to be consumed at any time. */
  maxWaiting: number;
  /** Workers started, including replacements. */
  workersStarted: number;
}

interface Task {
  index: number;
  input: PrepareInput;
  stagingDir: string;
  stagingName: string;
}

/** The share of the prepare timeout kept for the fallback and the files: a fifth, 0.25–30 s. */
function deadlineReserveMs(timeoutMs: number): number {
  return Math.min(30_000, Math.max(250, timeoutMs / 5));
}

interface Slot {
  worker: Worker;
  /** Inputs sent to this worker, oldest (the one it works on) first. */
  tasks: Task[];
  /** The time-out of the first task. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** A pool of prepare workers; dispose it to terminate them. */
export class PreparePool implements Disposable {
  #options: Required<PreparePoolOptions>;
  #slots: Slot[] = [];
  #queue: Task[] = [];
  #results = new Map<number, PoolOutcome<never>>();
  #wake: (() => void) | undefined;
  /** Callers of {@linkcode waitReady}, woken by the next outcome. */
  #waiting: (() => void)[] = [];
  #stopped = false;
  /** Moving average of the time an input takes in a worker, milliseconds. */
  #averageMs: number | undefined;
  /** Counters for tests and progress. */
  readonly stats: PoolStats = { maxAhead: 0, maxWaiting: 0, workersStarted: 0 };
  /** The model's use so far, and whether the pool stopped calling it. */
  readonly llm: LlmCircuit;

  constructor(options: PreparePoolOptions) {
    this.#options = {
      bound: 2 * options.jobs,
      depth: 16,
      workerUrl: new URL("./prepare_worker.ts", import.meta.url),
      ...options,
    };
    this.llm = new LlmCircuit(options.settings.llm);
    // Workers may write the cache; it must exist for their write permission to name it.
    if (options.settings.cacheDir !== null) {
      Deno.mkdirSync(options.settings.cacheDir, { recursive: true });
    }
  }

  /**
   * Yields the outcome of inputs `0..count-1` in order. `plan(i)` is called
   * just before input `i` is needed, and returns either the input to prepare
   * or a settled value that needs no worker.
   */
  async *prepareInOrder<T>(
    count: number,
    plan: (index: number) => Promise<PrepareInput | Settled<T>>,
  ): AsyncGenerator<PoolOutcome<T>> {
    let planned = 0;
    for (let next = 0; next < count; next++) {
      while (!this.#stopped && planned < count && planned - next < this.#options.bound) {
        const step = await plan(planned);
        if ("kind" in step && step.kind === "settled") {
          this.#results.set(planned, step as unknown as PoolOutcome<never>);
        } else {
          this.#enqueue(planned, step as PrepareInput);
        }
        planned++;
        this.stats.maxAhead = Math.max(this.stats.maxAhead, planned - next);
      }
      this.#dispatch();
      while (!this.#results.has(next)) {
        if (this.#stopped || next >= planned) return;
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
      const outcome = this.#results.get(next)! as PoolOutcome<T>;
      this.#results.delete(next);
      yield outcome;
    }
  }

  /**
   * True when the outcome of input `index` has arrived (or was settled
   * without a worker) and `prepareInOrder` would yield it without waiting.
   */
  isReady(index: number): boolean {
    return this.#results.has(index);
  }

  /**
   * Waits at most `ms` for the outcome of input `index` to arrive; tells
   * whether it did (see {@linkcode isReady}).
   */
  async waitReady(index: number, ms: number): Promise<boolean> {
    const deadline = performance.now() + ms;
    while (!this.#results.has(index) && !this.#stopped) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#waiting.push(resolve);
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
    return this.#results.has(index);
  }

  /** Stops dispatching and terminates busy workers; `prepareInOrder` then ends. */
  stop(): void {
    this.#stopped = true;
    for (const slot of this.#slots) this.#retire(slot);
    this.#slots = [];
    this.#queue = [];
    this.#wake?.();
    for (const wake of this.#waiting.splice(0)) wake();
  }

  [Symbol.dispose](): void {
    this.stop();
  }

  #enqueue(index: number, input: PrepareInput): void {
    const slug = safeName(sourceOf(input).split(/[\\/]/).pop() ?? "", "input").slice(0, 32);
    const stagingName = `${index}-${slug}-${crypto.randomUUID().slice(0, 8)}`;
    this.#queue.push({ index, input, stagingDir: this.#options.stagingRoot, stagingName });
  }

  #dispatch(): void {
    while (this.#queue.length > 0 && !this.#stopped) {
      // An idle worker first, then a new one, then a second input for a busy one.
      let slot = this.#slots.find((s) => s.tasks.length === 0);
      if (slot === undefined && this.#slots.length < this.#options.jobs) slot = this.#startWorker();
      const depth = this.#depth();
      slot ??= this.#slots.filter((s) => s.tasks.length < depth)
        .sort((a, b) => a.tasks.length - b.tasks.length)[0];
      if (slot === undefined) return;
      const task = this.#queue.shift()!;
      slot.tasks.push(task);
      if (slot.tasks.length === 1) this.#startTimer(slot);
      const { timeoutMs } = this.#options;
      const request: PrepareRequest = {
        type: "prepare",
        ...task,
        settings: this.#options.settings,
        modelBudgetMs: timeoutMs - deadlineReserveMs(timeoutMs),
        sentAt: Date.now(),
        llmBlocked: this.llm.stopped,
      };
      slot.worker.postMessage(request);
    }
  }

  /**
   * Inputs to send one worker: about PIPELINE_MS of work, at least 2. With a
   * model, one at a time: each input waits seconds for the model anyway, and
   * an input queued in a worker would carry a stale `llmBlocked` (it was
   * dispatched before the endpoint was found dead, and would call it once
   * more).
   */
  #depth(): number {
    if (this.#options.settings.llm !== null) return 1;
    if (this.#averageMs === undefined) return 2;
    const wanted = Math.ceil(PIPELINE_MS / Math.max(this.#averageMs, 0.1));
    return Math.max(2, Math.min(this.#options.depth, wanted));
  }

  /** Starts the time-out of the task a worker works on now. */
  #startTimer(slot: Slot): void {
    clearTimeout(slot.timer);
    const target = slot;
    slot.timer = setTimeout(() => this.#timeOut(target), this.#options.timeoutMs);
  }

  #startWorker(): Slot {
    const { stagingRoot, settings } = this.#options;
    const writable = settings.cacheDir === null ? [stagingRoot] : [stagingRoot, settings.cacheDir];
    // Staging is disposable: a plain mkdir, no fsync.
    Deno.mkdirSync(stagingRoot, { recursive: true });
    const worker = new Worker(this.#options.workerUrl, {
      type: "module",
      deno: {
        permissions: {
          read: true,
          write: writable,
          net: true,
          // Libraries read variables such as BLUEBIRD_DEBUG or NODE_ENV; reading is harmless.
          env: true,
          run: false,
          ffi: false,
          sys: false,
          import: true,
        },
      },
    });
    const slot: Slot = { worker, tasks: [], timer: undefined };
    worker.onmessage = (event: MessageEvent<PrepareReply>) => this.#onReply(slot, event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#onCrash(slot, event.message);
    };
    worker.onmessageerror = () => this.#onCrash(slot, "its reply could not be read");
    this.#slots.push(slot);
    this.stats.workersStarted++;
    return slot;
  }

  #onReply(slot: Slot, reply: PrepareReply): void {
    const task = slot.tasks[0];
    if (task === undefined || task.index !== reply.index) return;
    clearTimeout(slot.timer);
    slot.tasks.shift();
    if (slot.tasks.length > 0) this.#startTimer(slot);
    if (reply.llm !== undefined) this.llm.note(reply.llm);
    switch (reply.type) {
      case "staged":
        this.#averageMs = this.#averageMs === undefined
          ? reply.document.ms
          : 0.8 * this.#averageMs + 0.2 * reply.document.ms;
        this.#settle({ kind: "staged", index: reply.index, document: reply.document });
        break;
      case "rejected":
      case "failed":
        this.#fail(task, reply.error);
        break;
      default: {
        const unknown: never = reply;
        throw new Error(`Unknown reply ${JSON.stringify(unknown)}`);
      }
    }
    this.#dispatch();
  }

  #onCrash(slot: Slot, message: string): void {
    const task = this.#replace(slot);
    if (task !== undefined) {
      const source = sourceOf(task.input);
      this.#fail(task, {
        code: "WORKER",
        message: `Cannot prepare '${source}': the worker crashed (${message})`,
        path: source,
      });
    }
    this.#dispatch();
  }

  #timeOut(slot: Slot): void {
    const task = this.#replace(slot);
    if (task === undefined) return;
    const source = sourceOf(task.input);
    const seconds = Math.round(this.#options.timeoutMs / 100) / 10;
    this.#fail(task, {
      code: "TIMEOUT",
      message: `Cannot prepare '${source}': no answer after ${seconds} s (see --timeout)`,
      path: source,
    });
    this.#dispatch();
  }

  #fail(task: Task, error: ErrorPayload): void {
    // The input's staged files are removed before the failure is reported.
    try {
      const files = stagedFiles(task.stagingDir, task.stagingName);
      for (const file of [files.raw, files.source, files.summary]) removeIfExists(file);
    } catch {
      // Recovery removes it later.
    }
    this.#settle({ kind: "failed", index: task.index, error });
  }

  #settle(outcome: PoolOutcome<never>): void {
    this.#results.set(outcome.index, outcome);
    this.stats.maxWaiting = Math.max(this.stats.maxWaiting, this.#results.size);
    this.#wake?.();
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const wake of waiting) wake();
  }

  /**
   * Terminates a worker and removes it; the inputs queued behind the one it
   * worked on go back to the front of the queue. Returns that one.
   */
  #replace(slot: Slot): Task | undefined {
    const [task, ...waiting] = slot.tasks;
    this.#retire(slot);
    this.#slots = this.#slots.filter((s) => s !== slot);
    this.#queue.unshift(...waiting);
    return task;
  }

  #retire(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.worker.terminate();
    slot.tasks = [];
  }
}
