// The source of a kernel worker, as a string so that it needs no separate file: Node runs it
// with `new Worker(source, { eval: true })`, a browser from a Blob URL. It instantiates the
// kernels over the shared memory it is sent, then sleeps on the WAKE word and, each time the
// main thread bumps it, takes tiles of the current job (`runJob`, with its thread number, for
// its own buffer of packed rows) until none is left.
// Plain JavaScript with no static imports, so it is the same text in Node, in a browser and in
// any bundle.

/** JavaScript source of one worker of the wasm backend's pool. */
export const workerSource = `"use strict";
function start(data, close) {
  const exports = new WebAssembly.Instance(data.module, { env: { memory: data.memory } }).exports;
  const words = new Int32Array(data.memory.buffer, 0, 1024);
  const wake = data.wake >> 2;
  const stop = data.stop >> 2;
  let seen = Atomics.load(words, wake);
  Atomics.add(words, data.ready >> 2, 1);
  for (;;) {
    Atomics.wait(words, wake, seen);
    seen = Atomics.load(words, wake);
    if (Atomics.load(words, stop) !== 0) break;
    exports.runJob(data.thread);
  }
  close();
}
// Node evaluates this as CommonJS or, under --input-type=module (inherited execArgv), as ESM:
// import() works in both, require in only one.
if (typeof process === "object" && process.versions != null && process.versions.node != null) {
  import("node:worker_threads").then(({ parentPort }) =>
    parentPort.once("message", (data) => start(data, () => parentPort.close())),
  );
} else {
  self.onmessage = (event) => start(event.data, () => self.close());
}
`;
