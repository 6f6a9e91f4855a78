"""PyTorch twin of scripts/pretrain-base-small.mjs: trains kairos-base-small's Hugging Face
LlamaForCausalLM files (config.json + model.safetensors, the layout Kairos reads and writes) by the
same recipe (models/kairos-base-small/recipe.json) on token-id windows that the repo's own
generators wrote (scripts/export-pretrain-windows.mjs). Nothing in the repo's tests or CI needs it.

Same as pretrain(): next-token cross-entropy on every labelled position (labels already shifted,
-100 = none), a query attends to earlier real tokens and to itself (padded keys hidden), positions
0..T-1; AdamW (beta1 0.9, beta2 from the recipe, eps 1e-8) with decay on matrices only; linear
warmup (lr * (step + 1) / warmup) then cosine to minLr; gradient norm clipped. Differences: the
windows come from a file (a fixed pool, read in order and wrapped) rather than drawn afresh a step.

Usage (after `pip install torch==2.13.0+cpu transformers safetensors numpy` and
`node scripts/export-pretrain-windows.mjs --windows N --out DATA`):
    python scripts/pretrain_base_small.py --data DATA [--steps N] [--out DIR]
        [--checkpoint FILE] [--resume] [--threads 2] [--device cpu] [--log-every 25] [--write-model]
"""

import argparse
import json
import math
import os
import shutil
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from transformers import LlamaForCausalLM

HERE = Path(__file__).resolve().parent
RECIPE = HERE.parent / "models" / "kairos-base-small" / "recipe.json"


def learning_rate(step, t):
    """Kairos's learningRate(): 0-based step, linear warmup, cosine to minLr."""
    if step < t["warmupSteps"]:
        return t["lr"] * (step + 1) / t["warmupSteps"]
    span = max(1, t["steps"] - t["warmupSteps"])
    progress = min(1.0, (step - t["warmupSteps"]) / span)
    return t["minLr"] + (t["lr"] - t["minLr"]) * 0.5 * (1 + math.cos(math.pi * progress))


def load_windows(data_dir):
    layout = json.loads((data_dir / "windows.json").read_text())
    record = np.dtype([(f["name"], f["dtype"], (f["length"],)) for f in layout["record"]])
    windows = np.memmap(data_dir / "windows.bin", dtype=record, mode="r")
    if windows.shape[0] != layout["count"]:
        raise ValueError(f"windows.bin holds {windows.shape[0]} records, windows.json says {layout['count']}")
    return layout, windows


def attention_mask(key_mask, dtype):
    """[B, 1, T, T] additive mask: causal, padded keys hidden, the diagonal always open (as Kairos)."""
    b, t = key_mask.shape
    causal = torch.ones(t, t, dtype=torch.bool, device=key_mask.device).tril()
    eye = torch.eye(t, dtype=torch.bool, device=key_mask.device)
    allowed = causal & (key_mask[:, None, :].bool() | eye)
    mask = torch.zeros(b, 1, t, t, dtype=dtype, device=key_mask.device)
    return mask.masked_fill(~allowed[:, None], torch.finfo(dtype).min)


def tensors_of(batch, device):
    ids = torch.from_numpy(np.ascontiguousarray(batch["ids"]).astype(np.int64)).to(device)
    labels = torch.from_numpy(np.ascontiguousarray(batch["labels"]).astype(np.int64)).to(device)
    key_mask = torch.from_numpy(np.ascontiguousarray(batch["keyMask"])).to(device)
    return ids, labels, key_mask


def token_loss(model, ids, labels, key_mask, reduction="mean"):
    logits = model(input_ids=ids, attention_mask=attention_mask(key_mask, torch.float32)).logits
    return torch.nn.functional.cross_entropy(
        logits.view(-1, logits.shape[-1]), labels.view(-1), ignore_index=-100, reduction=reduction)


@torch.no_grad()
def held_out_loss(model, windows, batch_size, device):
    """Mean cross-entropy over every labelled token of the held-out windows (the same loss as training)."""
    model.eval()
    total, count = 0.0, 0
    for start in range(0, len(windows), batch_size):
        ids, labels, key_mask = tensors_of(windows[start:start + batch_size], device)
        total += token_loss(model, ids, labels, key_mask, reduction="sum").item()
        count += int((labels != -100).sum())
    model.train()
    return total / count


def save_model(model, init_dir, out_dir):
    """config.json (Kairos's, chronos_config included) and model.safetensors, written then renamed."""
    tmp = Path(f"{out_dir}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    shutil.copy(init_dir / "config.json", tmp / "config.json")
    tensors = {k: v.detach().float().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(tensors, tmp / "model.safetensors", metadata={"format": "pt"})
    shutil.rmtree(out_dir, ignore_errors=True)
    os.replace(tmp, out_dir)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, nargs="+", default=[Path("/tmp/kairos-base-small/torch-data")],
                   help="one or more export directories (shards), read one after another")
    p.add_argument("--held-out", type=Path, help="an export directory of held-out windows, scored every --eval-every steps")
    p.add_argument("--eval-every", type=int, default=200)
    p.add_argument("--recipe", type=Path, default=RECIPE)
    p.add_argument("--steps", type=int, help="stop after this step (default: the recipe's steps)")
    p.add_argument("--out", type=Path, default=Path("/tmp/kairos-base-small/torch-model"))
    p.add_argument("--checkpoint", type=Path, default=Path("/tmp/kairos-base-small/torch-checkpoint.pt"))
    p.add_argument("--resume", action="store_true")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="cpu")
    p.add_argument("--log-every", type=int, default=25)
    p.add_argument("--write-model", action="store_true", help="write --out even when stopping before the recipe's last step")
    args = p.parse_args()

    recipe = json.loads(args.recipe.read_text())
    t = recipe["training"]
    stop = min(args.steps or t["steps"], t["steps"])
    torch.set_num_threads(args.threads)
    torch.manual_seed(t["seed"])
    shards = [load_windows(d) for d in args.data]
    layout = shards[0][0]
    for other, _ in shards[1:]:
        if other["seqLen"] != layout["seqLen"] or other["tokenizer"] != layout["tokenizer"]:
            raise ValueError("the --data shards were exported with different tokenizers or lengths")
    windows = np.concatenate([w for _, w in shards]) if len(shards) > 1 else shards[0][1]
    init_dir = args.data[0] / "init"
    held_out = load_windows(args.held_out)[1] if args.held_out else None
    model = LlamaForCausalLM.from_pretrained(init_dir, torch_dtype=torch.float32, attn_implementation="sdpa")
    model.to(args.device).train()
    n_params = sum(v.numel() for v in model.parameters())
    if n_params != recipe["size"]["parameters"]:
        raise ValueError(f"recipe.json states {recipe['size']['parameters']} parameters, the model has {n_params}")
    decay = [v for v in model.parameters() if v.ndim >= 2]
    no_decay = [v for v in model.parameters() if v.ndim < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": t["weightDecay"]}, {"params": no_decay, "weight_decay": 0.0}],
        lr=t["lr"], betas=(0.9, t["beta2"]), eps=1e-8,
    )
    step = 0
    curve = []  # {step, lr, trainLoss (mean since the last entry), heldOutLoss (when scored)}
    if args.resume:
        state = torch.load(args.checkpoint, map_location=args.device)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        step = state["step"]
        curve = state.get("curve", [])
        print(f"resuming at step {step}")

    batch_size, seq_len = t["batchSize"], layout["seqLen"]
    tokens_per_step = batch_size * seq_len
    print(f"kairos-base-small (torch {torch.__version__}, {args.device}, {args.threads} threads): "
          f"{n_params} parameters, {len(windows)} windows, {tokens_per_step} tokens a step")
    started = time.time()
    first_step_done = None
    losses = []
    while step < stop:
        rows = [(step * batch_size + i) % len(windows) for i in range(batch_size)]
        batch = windows[rows]
        ids, labels, key_mask = tensors_of(batch, args.device)
        lr = learning_rate(step, t)
        for group in optimizer.param_groups:
            group["lr"] = lr
        loss = token_loss(model, ids, labels, key_mask)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), t["maxGradNorm"])
        optimizer.step()
        step += 1
        losses.append(loss.item())
        if first_step_done is None:
            first_step_done = (step, time.time())
        if step % args.log_every == 0 or step == stop:
            elapsed = time.time() - started
            rate = (step - first_step_done[0]) * tokens_per_step / max(1e-9, time.time() - first_step_done[1])
            eta = (t["steps"] - step) * tokens_per_step / rate / 3600 if rate > 0 else float("nan")
            recent = losses[-args.log_every:]
            point = {"step": step, "lr": lr, "trainLoss": round(sum(recent) / len(recent), 4)}
            if held_out is not None and (step % args.eval_every == 0 or step == stop):
                point["heldOutLoss"] = round(held_out_loss(model, held_out, batch_size, args.device), 4)
            curve.append(point)
            print(f"step {step}/{t['steps']} loss {point['trainLoss']:.4f} lr {lr:.2e} "
                  f"gnorm {grad_norm:.3f} {rate:.0f} tok/s, {elapsed:.0f}s, recipe eta {eta:.1f}h"
                  + (f", held-out {point['heldOutLoss']:.4f}" if "heldOutLoss" in point else ""), flush=True)
        if step % t["checkpointEvery"] == 0 or step == stop:
            tmp = args.checkpoint.with_suffix(".tmp")
            args.checkpoint.parent.mkdir(parents=True, exist_ok=True)
            torch.save({"step": step, "model": model.state_dict(), "optimizer": optimizer.state_dict(), "curve": curve}, tmp)
            os.replace(tmp, args.checkpoint)

    steady = float("nan")
    if first_step_done and step > first_step_done[0]:
        steady = (step - first_step_done[0]) * tokens_per_step / (time.time() - first_step_done[1])
    record = {
        "command": f"python scripts/pretrain_base_small.py --steps {stop}" + (" --resume" if args.resume else ""),
        "torch": torch.__version__, "device": args.device, "threads": args.threads,
        "parameters": n_params, "stepsRun": len(losses), "tokensPerStep": tokens_per_step,
        "wallSeconds": round(time.time() - started),
        # a rate needs two steps in this run; null otherwise
        "steadyTokensPerSecond": round(steady) if math.isfinite(steady) else None,
        "recipeHoursAtThisRate": round(t["steps"] * tokens_per_step / steady / 3600, 1) if math.isfinite(steady) else None,
        "firstLoss": round(losses[0], 4) if losses else None,
        "finalTrainLoss": round(sum(losses[-100:]) / len(losses[-100:]), 4) if losses else None,
        "data": [str(d) for d in args.data], "heldOut": str(args.held_out) if args.held_out else None,
        "curve": curve,
    }
    if stop == t["steps"] or args.write_model:
        save_model(model, init_dir, args.out)
        (args.out / "training.json").write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record))


if __name__ == "__main__":
    main()
