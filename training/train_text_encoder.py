"""Stage 1b: pretrain the tiny CLIP text encoder to read a caption. Real CLIP learns its text
encoder contrastively against images on 400M pairs; here the scenes' attributes are known, so the
encoder is taught them directly: from the pooled output (the first end-of-text position, as CLIP
pools) small linear heads predict the background colour, and each shape's colour, kind, size and
position. The heads are thrown away; the encoder then starts stage 2 already telling "a red circle
on blue" from "a blue circle on red", so the UNet learns to follow the prompt instead of waiting
for the text encoder to find out what the words mean. Writes text-encoder.safetensors.

  python3 training/train_text_encoder.py --data /tmp/shapes --out /tmp/train --steps 600
"""
import os

# Idle OpenMP threads must sleep, not spin: on a shared machine spinning wastes most of the CPU.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import json
import math
import time

import numpy as np
import torch
import torch.nn.functional as F

from checkpoint_io import save_safetensors
from tiny_sd import CONFIG, CondStage

COLOURS = ["red", "green", "blue", "yellow", "orange", "purple", "white", "black"]
SHAPES = ["circle", "square", "triangle"]
SIZES = ["small", "medium", "large"]
POSITIONS = ["centre", "left", "right", "top", "bottom"]
UNKNOWN = -100  # cross_entropy's ignore_index: the caption does not say

# (attribute, classes): one head each; shape attributes for the first and the second shape,
# the second shape's colour and kind with an extra class for "there is none".
HEADS = [("background", len(COLOURS))] + [
    (f"{name}{i}", len(values) + (1 if i == 1 and name in ("colour", "shape") else 0))
    for i in (0, 1)
    for name, values in (("colour", COLOURS), ("shape", SHAPES), ("size", SIZES), ("position", POSITIONS))
]


def caption_targets(scene, caption):
    """What a reader of this caption can know about the scene; UNKNOWN where it does not say."""
    words = caption.replace(",", " ").split()
    targets = {"background": COLOURS.index(scene["background"]) if scene["background"] in words else UNKNOWN}
    shapes = scene["shapes"]
    for i in (0, 1):
        if i >= len(shapes):
            targets.update({f"colour{i}": len(COLOURS), f"shape{i}": len(SHAPES), f"size{i}": UNKNOWN, f"position{i}": UNKNOWN})
            continue
        shape = shapes[i]
        stated = len(shapes) == 1 or shape["position"] in words
        targets.update({
            f"colour{i}": COLOURS.index(shape["colour"]),
            f"shape{i}": SHAPES.index(shape["shape"]),
            f"size{i}": SIZES.index(shape["size"]),
            f"position{i}": POSITIONS.index(shape["position"]) if stated else UNKNOWN,
        })
    return [targets[name] for name, _ in HEADS]


def load_examples(directory):
    tokens = torch.from_numpy(np.load(os.path.join(directory, "tokens.npy")).astype(np.int64))
    targets = []
    with open(os.path.join(directory, "captions.jsonl")) as f:
        for line in f:
            example = json.loads(line)
            targets.append([caption_targets(example["scene"], caption) for caption in example["captions"]])
    return tokens.reshape(-1, tokens.shape[-1]), torch.tensor(targets).reshape(-1, len(HEADS))


def pooled(encoder, ids, end_of_text):
    hidden = encoder(ids)
    first_end = (ids == end_of_text).int().argmax(1)
    return hidden[torch.arange(ids.shape[0]), first_end]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    with open(os.path.join(args.data, "meta.json")) as f:
        end_of_text = json.load(f)["emptyPromptIds"][-1]

    ids, targets = load_examples(args.data)
    held_out = ids.shape[0] // 20
    train_ids, train_targets = ids[held_out:], targets[held_out:]
    encoder = CondStage(CONFIG)
    heads = torch.nn.ModuleList(torch.nn.Linear(CONFIG["clip_width"], classes) for _, classes in HEADS)
    parameters = list(encoder.parameters()) + list(heads.parameters())
    optimiser = torch.optim.AdamW(parameters, lr=args.lr, weight_decay=0.0)

    def losses(batch_ids, batch_targets):
        features = pooled(encoder, batch_ids, end_of_text)
        logits = [head(features) for head in heads]
        loss = sum(F.cross_entropy(l, batch_targets[:, i], ignore_index=UNKNOWN) for i, l in enumerate(logits))
        known = batch_targets != UNKNOWN
        correct = torch.stack([l.argmax(1) for l in logits], 1) == batch_targets
        return loss, (correct | ~known).all(1).float().mean().item()

    started = time.time()
    for step in range(1, args.steps + 1):
        for group in optimiser.param_groups:
            group["lr"] = args.lr * min(1.0, step / 50) * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        index = torch.randint(0, train_ids.shape[0], (args.batch,))
        loss, _ = losses(train_ids[index], train_targets[index])
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        optimiser.step()
        if step % 100 == 0 or step == args.steps:
            with torch.no_grad():
                held_loss, exact = losses(ids[:held_out], targets[:held_out])
            print(f"text encoder step {step}/{args.steps} loss {loss.item():.4f}, held-out loss {held_loss.item():.4f}, "
                  f"captions read exactly {100 * exact:.1f}% ({time.time() - started:.0f} s)", flush=True)

    weights = {f"cond_stage_model.{k}": v for k, v in encoder.state_dict().items()}
    save_safetensors(weights, os.path.join(args.out, "text-encoder.safetensors"), {"steps": args.steps, "seed": args.seed})


if __name__ == "__main__":
    main()
