"""Quick check of a training checkpoint in PyTorch, before conversion: samples centred-shape
prompts with DDIM + classifier-free guidance and counts how often the centre's mean colour is
nearest the asked shape colour and the corners' the asked background (as the e2e test does).

  python3 training/evaluate.py --data .tmp/shapes --checkpoint .tmp/train/shapes-tiny.safetensors
"""
import os

# Idle OpenMP threads must sleep, not spin: on a shared machine spinning wastes most of the CPU.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import json

import torch

from checkpoint_io import load_safetensors
from tiny_sd import CONFIG, TinyStableDiffusion, sd15_betas

LATENT_SCALE = 0.18215


def nearest(palette, rgb):
    return min(palette, key=lambda name: sum((a - b) ** 2 for a, b in zip(palette[name], rgb)))


@torch.no_grad()
def ddim(model, ids, empty, steps, cfg, generator):
    unet, clip = model.model.diffusion_model, model.cond_stage_model
    abar = torch.cumprod(1 - sd15_betas(), 0).float()
    context = torch.cat([clip(ids), clip(empty.expand_as(ids))])
    x = torch.randn(ids.shape[0], 4, 8, 8, generator=generator)
    timesteps = list(range(0, 1000, 1000 // steps))[::-1]
    for i, t in enumerate(timesteps):
        eps_cond, eps_uncond = unet(torch.cat([x, x]), torch.full((2 * x.shape[0],), t), context).chunk(2)
        eps = eps_uncond + cfg * (eps_cond - eps_uncond)
        a = abar[t]
        a_prev = abar[timesteps[i + 1]] if i + 1 < len(timesteps) else torch.tensor(1.0)
        x0 = (x - (1 - a).sqrt() * eps) / a.sqrt()
        x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
    return model.first_stage_model.decode(x / LATENT_SCALE)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--count", type=int, default=48)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--cfg", type=float, default=7.0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    with open(os.path.join(args.data, "meta.json")) as f:
        meta = json.load(f)
    palette = meta["colours"]
    model = TinyStableDiffusion(CONFIG)
    model.load_state_dict(load_safetensors(args.checkpoint))
    model.eval()

    # Centred, medium or large single shapes from the dataset dump, each with its first caption.
    scenes = []
    with open(os.path.join(args.data, "captions.jsonl")) as f:
        for index, line in enumerate(f):
            example = json.loads(line)
            shapes = example["scene"]["shapes"]
            if len(shapes) == 1 and shapes[0]["position"] == "centre" and shapes[0]["size"] != "small":
                scenes.append((index, example))
            if len(scenes) == args.count:
                break
    tokens = torch.from_numpy(__import__("numpy").load(os.path.join(args.data, "tokens.npy")).astype("int64"))
    ids = torch.stack([tokens[index, 0] for index, _ in scenes])
    empty = torch.tensor(meta["emptyPromptIds"], dtype=torch.int64)[None]
    images = ddim(model, ids, empty, args.steps, args.cfg, torch.Generator().manual_seed(0))
    rgb = ((images.clamp(-1, 1) + 1) * 127.5).permute(0, 2, 3, 1)
    passed = 0
    for (index, example), image in zip(scenes, rgb):
        centre = image[26:38, 26:38].reshape(-1, 3).mean(0).tolist()
        corners = torch.cat([image[:8, :8], image[:8, -8:], image[-8:, :8], image[-8:, -8:]]).reshape(-1, 3).mean(0).tolist()
        shape_ok = nearest(palette, centre) == example["scene"]["shapes"][0]["colour"]
        background_ok = nearest(palette, corners) == example["scene"]["background"]
        passed += shape_ok and background_ok
        if not (shape_ok and background_ok):
            print(f"FAIL {example['captions'][0]!r}: centre {nearest(palette, centre)}, corners {nearest(palette, corners)}")
    print(f"{passed}/{len(scenes)} prompts drew the asked colours")


if __name__ == "__main__":
    main()
