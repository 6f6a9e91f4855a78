#!/usr/bin/env python3
"""PyTorch + PEFT peer of the train-step workload (benchmarks/src/workloads/train-step.mjs): one
LoRA fine-tuning step of kairos-base-tiny (or --model, e.g. kairos-base-small for the
train-step-small workload), timed the same way as Kairos's lora-100 run.

Same as lora-100: the model files Kairos loads (packages/train/models/kairos-base-tiny, a Hugging
Face LlamaForCausalLM layout), LoRA rank 8 / alpha 16 on q, k, v and o, dropout 0; a step is
zero the grads, forward with next-token cross-entropy, backward, AdamW (weight decay 0.01). Fixed
to float32, eager mode, sdpa attention. Differences: token ids drawn uniformly (fixed
seed; Kairos tokenizes synthetic windows: the cost of a step does not depend on the ids), and
Kairos's lr 1e-4 against 1e-3 here (the cost does not depend on it either).

Threads: timed at each of --threads (default 1 and 2), the faster kept, as lora_step.py does: the
peer runs at its best. On these 2-core VMs a CPU hog beside the run takes a core, and then torch's
two OpenMP threads wait on each other (~2 s a step against ~0.1 s on one thread).

Prints one JSON object: tokens/s (tokens a step over the median step), ms/step (median), peak RSS
(getrusage ru_maxrss: the whole process, torch's own libraries included), versions, threads.
With --record, also merges it into benchmarks/torch/train-step.json under "<model> <batch>x<seq>", the
record the workload reads where it cannot run this script (always in the quick form: CI).

Needs `pip install torch==2.13.0+cpu transformers peft`; nothing in the tests or CI does.
    python3 benchmarks/torch/train_step.py --batch 8 --seq 159 [--warmup 3] [--steps 10]
        [--threads 1,2] [--record]
"""

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import peft
import torch
import transformers
from peft import LoraConfig, get_peft_model
from transformers import LlamaForCausalLM

HERE = Path(__file__).resolve().parent
MODEL = HERE.parent.parent / "packages" / "train" / "models" / "kairos-base-tiny"
RECORD = HERE / "train-step.json"


def cpu_name():
    """The CPU's model name from /proc/cpuinfo, or what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch", type=int, required=True, help="windows a step (the workload's batch)")
    p.add_argument("--seq", type=int, required=True, help="tokens a window (the workload's seqLen)")
    p.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    p.add_argument("--steps", type=int, default=10, help="timed steps")
    p.add_argument("--threads", default="1,2", help="thread counts to time, comma-separated")
    p.add_argument("--model", type=Path, default=MODEL)
    p.add_argument("--record", action="store_true", help=f"also merge the result into {RECORD.name}")
    args = p.parse_args()
    for name in ("batch", "seq", "steps"):
        if getattr(args, name) < 1:
            p.error(f"--{name} must be a positive integer, got {getattr(args, name)}")
    try:
        thread_counts = sorted({int(t) for t in args.threads.split(",")})
    except ValueError:
        p.error(f"--threads must be comma-separated positive integers, got {args.threads!r}")
    if thread_counts[0] < 1:
        p.error(f"--threads must be comma-separated positive integers, got {args.threads!r}")

    torch.manual_seed(0)
    model = LlamaForCausalLM.from_pretrained(args.model, torch_dtype=torch.float32, attn_implementation="sdpa")
    config = LoraConfig(
        r=8, lora_alpha=16, target_modules=["q_proj", "k_proj", "v_proj", "o_proj"], lora_dropout=0.0
    )
    model = get_peft_model(model, config)
    model.train()
    params = [q for q in model.parameters() if q.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.01)

    # Every step's batch drawn up front (fixed seed), outside the timed steps.
    g = torch.Generator().manual_seed(1)
    vocab = model.config.vocab_size
    batches = [torch.randint(0, vocab, (args.batch, args.seq), generator=g) for _ in range(args.warmup + args.steps)]

    def step(ids):
        optimizer.zero_grad(set_to_none=True)
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        optimizer.step()
        return loss.item()

    def median_ms(threads):
        torch.set_num_threads(threads)
        for ids in batches[: args.warmup]:
            step(ids)
        times = []
        for ids in batches[args.warmup :]:
            t = time.perf_counter()
            step(ids)
            times.append((time.perf_counter() - t) * 1000)
        return statistics.median(times)

    by_threads = {threads: median_ms(threads) for threads in thread_counts}
    best = min(by_threads, key=by_threads.get)
    ms = by_threads[best]
    tokens = args.batch * args.seq

    result = {
        "model": args.model.name,
        "batch": args.batch,
        "seq": args.seq,
        "tokensPerStep": tokens,
        "warmupSteps": args.warmup,
        "steps": args.steps,
        "msPerStep": round(ms, 2),
        "tokensPerSecond": round(tokens * 1000 / ms),
        # ru_maxrss is in KiB on Linux.
        "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "trainableParameters": sum(q.numel() for q in params),
        "threads": best,
        "msPerStepByThreads": {str(t): round(v, 2) for t, v in by_threads.items()},
        "attention": model.config._attn_implementation,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "peft": peft.__version__,
        "python": platform.python_version(),
        "machine": f"{cpu_name()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    if args.record:
        record = json.loads(RECORD.read_text()) if RECORD.exists() else {}
        record["command"] = "python3 benchmarks/torch/train_step.py --batch B --seq T [--model DIR] --record"
        record.setdefault("runs", {})[f"{args.model.name} {args.batch}x{args.seq}"] = result
        RECORD.write_text(json.dumps(record, indent=2) + "\n")
        print(f"wrote {RECORD}", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
