"""Continues a Kairos LoRA fine-tune in PyTorch + PEFT (on a GPU, say) and writes the adapter back in
the PEFT layout that Kairos reads (`kairos forecast --adapter OUT`). The base model is a Kairos /
Hugging Face LlamaForCausalLM directory (config.json + model.safetensors); the adapter one that
`kairos finetune` wrote (or none: a new LoRA of --rank on q, k, v, o); the data the token windows
that `kairos export-windows` wrote with the same series flags. Same loss as Kairos: next-token
cross-entropy on every labelled position, a query attending to earlier real tokens and itself.
Nothing in the repo's tests or CI needs it.

Usage (after `pip install torch transformers peft safetensors numpy`):
    kairos export-windows --csv prices.csv --column close --out data/prices
    python scripts/continue_in_pytorch.py --base MODEL_DIR --adapter runs/finetune \
        --data data/prices --steps 200 --out runs/continued [--device cuda]
    kairos forecast --base MODEL_DIR --adapter runs/continued --csv prices.csv --column close
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
from peft import LoraConfig, PeftModel, get_peft_model
from transformers import LlamaForCausalLM

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pretrain_base_small import load_windows, tensors_of, token_loss  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base", type=Path, required=True, help="model directory (config.json + model.safetensors)")
    p.add_argument("--adapter", type=Path, help="a Kairos (PEFT) adapter directory to continue; none: a new LoRA")
    p.add_argument("--data", type=Path, required=True, help="a `kairos export-windows` directory")
    p.add_argument("--out", type=Path, required=True, help="adapter directory to write")
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--rank", type=int, default=8, help="a new LoRA's rank (alpha = 2 x rank)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cpu")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    layout, windows = load_windows(args.data)
    base = LlamaForCausalLM.from_pretrained(args.base, torch_dtype=torch.float32, attn_implementation="sdpa")
    if layout.get("vocabSize") not in (None, base.config.vocab_size):
        raise ValueError(f"{args.data} holds ids of a {layout['vocabSize']}-token vocabulary; {args.base} has {base.config.vocab_size}")
    if args.adapter:
        model = PeftModel.from_pretrained(base, args.adapter, is_trainable=True)
    else:
        config = LoraConfig(r=args.rank, lora_alpha=2 * args.rank, lora_dropout=0.0,
                            target_modules=["q_proj", "k_proj", "v_proj", "o_proj"])
        model = get_peft_model(base, config)
    model.to(args.device).train()
    trainable = [v for v in model.parameters() if v.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=args.lr, weight_decay=0.0)
    rng = np.random.default_rng(args.seed)
    print(f"{sum(v.numel() for v in trainable)} trainable parameters, {len(windows)} windows of {layout['seqLen']}")
    started, losses = time.time(), []
    for step in range(1, args.steps + 1):
        rows = np.sort(rng.integers(0, len(windows), args.batch_size))
        ids, labels, key_mask = tensors_of(windows[rows], args.device)
        loss = token_loss(model, ids, labels, key_mask)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if step % 25 == 0 or step == args.steps:
            recent = losses[-25:]
            print(f"step {step}/{args.steps} loss {sum(recent) / len(recent):.4f} ({time.time() - started:.0f}s)", flush=True)
    model.save_pretrained(args.out)
    # Kairos reads base_model_name_or_path as the base it was trained on: keep the directory given.
    config_path = args.out / "adapter_config.json"
    config = json.loads(config_path.read_text())
    config["base_model_name_or_path"] = str(args.base)
    config_path.write_text(json.dumps(config, indent=2) + "\n")
    print(json.dumps({"out": str(args.out), "steps": args.steps, "firstLoss": round(losses[0], 4),
                      "finalLoss": round(sum(losses[-25:]) / len(losses[-25:]), 4)}))


if __name__ == "__main__":
    main()
