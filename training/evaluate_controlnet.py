"""Checks the shapes-tiny ControlNet in PyTorch before it ships: for held-out single-shape scenes on the left
(a controlnet-dataset.ts dump with another seed), samples each scene's caption without position words with
DDIM + classifier-free guidance (the control on both halves, as ControlNetApplyAdvanced does) with and without
the scene's edge map, and counts how often the asked colour's pixels have their centroid nearest the left
position. Without the ControlNet the prompt alone says nothing of the left.

  python3 training/evaluate_controlnet.py --data /tmp/cn-eval --base /tmp/shapes-tiny.safetensors \\
    --controlnet data/controlnet/shapes-tiny-canny.safetensors
"""
import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import json

import numpy as np
import torch

from checkpoint_io import load_safetensors
from controlnet import PREFIX, ControlNet, unet_with_control
from tiny_sd import CONFIG, TinyStableDiffusion, sd15_betas
from train_controlnet import hints

LATENT_SCALE = 0.18215
POSITIONS = {"centre": (32, 32), "left": (18, 32), "right": (46, 32), "top": (32, 18), "bottom": (32, 46)}
MIN_PIXELS = 20


def placement(image, colour, palette):
    """The named position nearest the centroid of the pixels nearest `colour`, or None with too few of them."""
    names = list(palette)
    rgb = torch.tensor([palette[name] for name in names], dtype=torch.float32)
    nearest = ((image[:, :, None, :] - rgb) ** 2).sum(-1).argmin(-1)
    ys, xs = torch.nonzero(nearest == names.index(colour), as_tuple=True)
    if ys.numel() < MIN_PIXELS:
        return None
    x, y = xs.float().mean().item(), ys.float().mean().item()
    return min(POSITIONS, key=lambda name: (POSITIONS[name][0] - x) ** 2 + (POSITIONS[name][1] - y) ** 2)


@torch.no_grad()
def ddim(model, controlnet, ids, empty, hint, steps, cfg, strength, seed):
    unet, clip = model.model.diffusion_model, model.cond_stage_model
    abar = torch.cumprod(1 - sd15_betas(), 0).float()
    context = torch.cat([clip(ids), clip(empty.expand_as(ids))])
    x = torch.randn(ids.shape[0], 4, 8, 8, generator=torch.Generator().manual_seed(seed))
    both = None if hint is None else torch.cat([hint, hint])
    timesteps = list(range(0, 1000, 1000 // steps))[::-1]
    for i, t in enumerate(timesteps):
        xx, tt = torch.cat([x, x]), torch.full((2 * x.shape[0],), t)
        control = None if both is None else controlnet(xx, tt, context, both)
        eps_cond, eps_uncond = unet_with_control(unet, xx, tt, context, control, strength).chunk(2)
        eps = eps_uncond + cfg * (eps_cond - eps_uncond)
        a = abar[t]
        a_prev = abar[timesteps[i + 1]] if i + 1 < len(timesteps) else torch.tensor(1.0)
        x0 = (x - (1 - a).sqrt() * eps) / a.sqrt()
        x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
    images = model.first_stage_model.decode(x / LATENT_SCALE)
    return ((images.clamp(-1, 1) + 1) * 127.5).permute(0, 2, 3, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--base", required=True)
    parser.add_argument("--controlnet", required=True)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--position", default="left")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--cfg", type=float, default=7.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(2)
    with open(os.path.join(args.data, "meta.json")) as f:
        meta = json.load(f)
    palette = meta["colours"]
    model = TinyStableDiffusion(CONFIG)
    model.load_state_dict(load_safetensors(args.base))
    model.eval()
    controlnet = ControlNet(CONFIG)
    weights = load_safetensors(args.controlnet)
    controlnet.load_state_dict({name[len(PREFIX):]: t.float() for name, t in weights.items()})
    controlnet.eval()

    scenes = []
    with open(os.path.join(args.data, "captions.jsonl")) as f:
        for index, line in enumerate(f):
            example = json.loads(line)
            shapes = example["scene"]["shapes"]
            if len(shapes) == 1 and shapes[0]["position"] == args.position:
                scenes.append((index, example))
            if len(scenes) == args.count:
                break
    tokens = torch.from_numpy(np.load(os.path.join(args.data, "tokens.npy")).astype("int64"))
    edges = torch.from_numpy(np.load(os.path.join(args.data, "edges.npy")))
    unplaced = meta["captionsPerImage"] // 2
    indices = [index for index, _ in scenes]
    ids = tokens[indices, unplaced]
    empty = torch.tensor(meta["emptyPromptIds"], dtype=torch.int64)[None]
    for label, hint in (("with the ControlNet", hints(edges[indices])), ("without", None)):
        images = ddim(model, controlnet, ids, empty, hint, args.steps, args.cfg, 1.0, args.seed)
        places = [placement(image, example["scene"]["shapes"][0]["colour"], palette) for (_, example), image in zip(scenes, images)]
        hits = sum(place == args.position for place in places)
        counts = {name: places.count(name) for name in [*POSITIONS, None]}
        print(f"{label}: {hits}/{len(scenes)} on the {args.position} ({counts}); first prompt {scenes[0][1]['captions'][unplaced]!r}", flush=True)


if __name__ == "__main__":
    main()
