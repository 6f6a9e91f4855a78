import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../src/io.js";
import { createProgress } from "../src/progress.js";

describe("progress", () => {
  it("createProgress(io) on a terminal draws a bar with the fields on stderr's stream", () => {
    const stream = Object.assign(new PassThrough(), {
      isTTY: true,
      columns: 120,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    });
    let text = "";
    stream.on("data", (d) => void (text += d.toString()));
    const io: CliIo = {
      stdout: () => {},
      stderr: () => {},
      isTTY: true,
      stderrStream: stream as unknown as NodeJS.WriteStream,
    };
    const p = createProgress(io, "finetune", 4);
    p.update(2, { loss: "1.2345" });
    p.update(4, { loss: "1.0000" });
    p.stop();
    expect(text).toMatch(/finetune \[=+\] 4\/4 +loss 1\.0000 +ETA/);
  });

  it("createProgress(io) elsewhere prints a plain line about every tenth and at the end", () => {
    const lines: string[] = [];
    const io: CliIo = { stdout: () => {}, stderr: (t) => void lines.push(t), isTTY: false };
    const p = createProgress(io, "pretrain", 100);
    for (let i = 1; i <= 100; i++) p.update(i, { loss: "0.5" });
    expect(lines).toHaveLength(11);
    expect(lines[10]).toMatch(/^pretrain 100\/100 \(100%\) loss 0\.5 \d+\.\ds\n$/);
  });
});
