#!/usr/bin/env python3
"""PyTorch CPU figures for the two workloads the JavaScript benchmarks time.

  lora-layer-step  LoRA layer forward+backward, rows 4096, in = out = 256, rank 8, W frozen
  lora-matmul      out[2048,256] = x[2048,256] @ W.T

Runs only with Debian's python3-torch using OpenBLAS (libopenblas0-pthread): without it
torch falls back to the reference BLAS, ~30x slower, and the comparison would mean nothing,
so the script refuses. Writes benchmarks/torch/results.json, which the JavaScript workloads
print beside their own rows (recorded, not the same run).

  /usr/bin/python3 benchmarks/torch/lora_step.py [--quick]
"""
import json
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timezone

try:
    import torch
except ImportError:
    sys.exit("lora_step.py: needs Debian's python3-torch (apt install python3-torch)")

ROWS, IN, OUT, RANK, ALPHA = 4096, 256, 256, 8, 16
M, N, K = 2048, 256, 256


def blas_library():
    """The BLAS shared library torch actually loaded (Debian builds against the generic libblas.so.3
    and the alternatives system picks the implementation), from this process's memory map."""
    torch.ones(64, 64) @ torch.ones(64, 64)  # make sure the BLAS is loaded
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    names = sorted(os.path.realpath(lib) for lib in libs if "libblas" not in os.path.basename(lib) or "openblas" in lib)
    return ", ".join(n for n in names if "lapack" not in n) or "unknown"


def median_ms(fn, seconds):
    for _ in range(3):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < 10 or time.perf_counter() - start < seconds:
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), len(times)


def best_threads(fn, seconds):
    """Median time at 1 thread and at every core, the better of the two: the peer runs at its
    best (on a loaded machine OpenBLAS's spinning threads can make more threads slower)."""
    best = None
    for threads in sorted({1, os.cpu_count() or 1}):
        torch.set_num_threads(threads)
        ms, samples = median_ms(fn, seconds)
        if best is None or ms < best[0]:
            best = (ms, samples, threads)
    return best


def lora_step_flops(rows):
    # x.W^T and dY.W (4.R.I.O) plus six rank-K matmuls, as lora-layer-step.mjs counts.
    return 4 * rows * IN * OUT + 6 * rows * RANK * (IN + OUT)


def main():
    quick = "--quick" in sys.argv
    blas = blas_library()
    if "openblas" not in blas.lower():
        sys.exit(f"lora_step.py: torch uses BLAS {blas!r}, not OpenBLAS; install libopenblas0-pthread")
    seconds = 0.5 if quick else 3.0
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)

    # LoRA layer: y = x W^T + scaling (x A^T) B^T; W frozen, grads for x, A, B.
    w = torch.rand(OUT, IN, generator=g) * 2 - 1
    a = (torch.rand(RANK, IN, generator=g) * 2 - 1).requires_grad_()
    b = (torch.rand(OUT, RANK, generator=g) * 2 - 1).requires_grad_()
    x = (torch.rand(ROWS, IN, generator=g) * 2 - 1).requires_grad_()
    dy = torch.rand(ROWS, OUT, generator=g) * 2 - 1
    scaling = ALPHA / RANK

    def step():
        a.grad = b.grad = x.grad = None
        y = x @ w.T + scaling * ((x @ a.T) @ b.T)
        y.backward(dy)

    step_ms, step_samples, step_threads = best_threads(step, seconds)

    xm = torch.rand(M, K, generator=g) * 2 - 1
    wm = torch.rand(N, K, generator=g) * 2 - 1
    out = torch.empty(M, N)

    def matmul():
        torch.matmul(xm, wm.T, out=out)

    mm_ms, mm_samples, mm_threads = best_threads(matmul, seconds)

    results = {
        "torch": torch.__version__,
        "blas": blas,
        "threads": f"{step_threads} (layer step), {mm_threads} (matmul)",
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "/usr/bin/python3 benchmarks/torch/lora_step.py" + (" --quick" if quick else ""),
        "workloads": {
            "lora-layer-step": {
                "rows": ROWS,
                "threads": step_threads,
                "medianMs": round(step_ms, 3),
                "samples": step_samples,
                "tokensPerSecond": round(ROWS * 1000 / step_ms),
                "gflops": round(lora_step_flops(ROWS) / step_ms / 1e6, 2),
            },
            "lora-matmul": {
                "m": M,
                "n": N,
                "k": K,
                "threads": mm_threads,
                "medianMs": round(mm_ms, 3),
                "samples": mm_samples,
                "gflops": round(2 * M * N * K / mm_ms / 1e6, 2),
            },
        },
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results.json")
    with open(path, "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    print(json.dumps(results["workloads"], indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
