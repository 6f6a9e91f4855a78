// The wasm backend's workers: started on the first job big enough to share, asleep on the WAKE
// word between jobs, and never keeping a Node process alive (each is `unref()`ed). The main
// thread takes tiles too, so work proceeds while the workers are still starting up and on a
// machine where they get no core.

/** What the pool needs of a Node `Worker` or a browser `Worker`. */
export interface PoolWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** Makes one worker running `source`; null where workers are unavailable. */
export type WorkerFactory = (source: string) => PoolWorker;

/**
 * A fixed number of workers sharing one memory. `wake()` starts them on the job just published
 * in that memory (see assembly/job.ts).
 *
 * @example
 * const pool = new ThreadPool(factory, source, 1, module, memory, wake, stop, ready);
 * pool.wake(); // after beginMatmul(...)
 */
export class ThreadPool {
  private workers: PoolWorker[] = [];
  private tried = false;
  private startedAt = 0;
  private readonly words: Int32Array;

  constructor(
    private readonly factory: WorkerFactory,
    private readonly source: string,
    /** Workers besides the main thread. */
    readonly size: number,
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly wakeAddress: number,
    private readonly stopAddress: number,
    private readonly readyAddress: number,
  ) {
    this.words = new Int32Array(memory.buffer, 0, 1024);
  }

  /**
   * Whether workers were started less than 2 s ago and some have not booted yet. A browser boots
   * a worker through the page's event loop, so a caller that only awaits microtasks should yield
   * a task meanwhile; past 2 s a worker that never booted (blocked by CSP) is given up on.
   */
  get booting(): boolean {
    return (
      this.tried &&
      Atomics.load(this.words, this.readyAddress >> 2) < this.workers.length &&
      Date.now() - this.startedAt < 2000
    );
  }

  /** Wakes the workers (starting them the first time) to take tiles of the published job. */
  wake(): void {
    if (!this.tried) this.start();
    Atomics.add(this.words, this.wakeAddress >> 2, 1);
    Atomics.notify(this.words, this.wakeAddress >> 2);
  }

  /** Stops and terminates every worker. */
  dispose(): void {
    Atomics.store(this.words, this.stopAddress >> 2, 1);
    Atomics.add(this.words, this.wakeAddress >> 2, 1);
    Atomics.notify(this.words, this.wakeAddress >> 2);
    for (const worker of this.workers) worker.terminate();
    this.workers = [];
  }

  private start(): void {
    const init = {
      module: this.module,
      memory: this.memory,
      wake: this.wakeAddress,
      stop: this.stopAddress,
      ready: this.readyAddress,
    };
    this.tried = true;
    this.startedAt = Date.now();
    for (let i = 0; i < this.size; i++) {
      // A page whose CSP forbids blob: workers throws here: the calling thread then takes every
      // tile itself (a worker that never starts simply never claims one).
      try {
        const worker = this.factory(this.source);
        worker.postMessage({ ...init, thread: i + 1 }); // the main thread is thread 0
        this.workers.push(worker);
      } catch {
        break;
      }
    }
  }
}

/**
 * A factory for the current platform: `worker_threads` in Node (workers `unref()`ed), Web
 * Workers from a Blob URL in a browser; null where neither exists.
 */
export async function platformWorkerFactory(): Promise<WorkerFactory | null> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (proc?.versions?.node !== undefined) {
    // A variable specifier keeps bundlers from trying to resolve a Node builtin for the browser.
    const specifier = "node:worker_threads";
    const threads = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as {
      Worker: new (source: string, options: { eval: boolean }) => PoolWorker & { unref(): void };
    };
    return (source) => {
      const worker = new threads.Worker(source, { eval: true });
      worker.unref();
      return worker;
    };
  }
  const WebWorker = (globalThis as { Worker?: new (url: string) => PoolWorker }).Worker;
  if (WebWorker === undefined || typeof Blob === "undefined" || typeof URL === "undefined") {
    return null;
  }
  // One Blob URL for the page's lifetime: revoking it right after `new Worker` races the
  // worker's script fetch in some browsers.
  let url: string | undefined;
  return (source) => {
    url ??= URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    return new WebWorker(url);
  };
}
