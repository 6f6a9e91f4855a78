// How the calling thread waits for the workers to finish the tiles of a job: blocking in
// Atomics.wait where this thread may (Node, workers), else Atomics.waitAsync (a browser page),
// else polling through the event loop (browsers without waitAsync).

type AsyncWait = (
  words: Int32Array,
  index: number,
  value: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };

/**
 * Returns once `words[index]` (the DONE count) reaches `tiles`: undefined after blocking when
 * `canBlock`, otherwise a promise.
 *
 * @example
 * const waited = waitForTiles(words, doneAddress >> 2, tiles, canBlock);
 * if (waited) await waited;
 */
export function waitForTiles(
  words: Int32Array,
  index: number,
  tiles: number,
  canBlock: boolean,
): Promise<void> | undefined {
  if (canBlock) {
    for (let done = Atomics.load(words, index); done < tiles; done = Atomics.load(words, index)) {
      Atomics.wait(words, index, done);
    }
    return undefined;
  }
  const waitAsync = (Atomics as unknown as { waitAsync?: AsyncWait }).waitAsync;
  // A pending waitAsync does not keep Node's event loop alive (the workers are unref'd): without
  // this timer a script awaiting the result could exit with the work half done.
  const keepAlive = setInterval(() => {}, 1000);
  return (async () => {
    try {
      for (let done = Atomics.load(words, index); done < tiles; done = Atomics.load(words, index)) {
        if (waitAsync !== undefined) {
          const result = waitAsync(words, index, done);
          if (result.async) await result.value;
        } else {
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      }
    } finally {
      clearInterval(keepAlive);
    }
  })();
}
