"""Trains a Canny ControlNet for shapes-tiny (controlnet.py), the base model frozen: the encoder copy starts
from the UNet's weights, the zero convs from zero. Dataset from
controlnet-dataset.ts (scenes, their edge maps, captions with and without position words), base weights from
extract-checkpoint.ts. DDPM eps objective with SD 1.5's betas as train_diffusion.py; a share of the captions
is empty so that the edge map alone has to place the shapes. Saved in the original layout (`control_model.*`).

  python3 training/train_controlnet.py --data /tmp/cn --base /tmp/shapes-tiny.safetensors \\
    --out data/controlnet/shapes-tiny-canny.safetensors --steps 600
"""
import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import time

import numpy as np
import torch

from checkpoint_io import load_dataset, load_safetensors, save_safetensors
from controlnet import PREFIX, ControlNet, unet_with_control
from tiny_sd import CONFIG, TinyStableDiffusion, sd15_betas
from train_diffusion import encode_dataset, learning_rate

EMPTY_CAPTION_SHARE = 0.3
# Where the shapes go is settled in the noisiest steps: half of the timesteps are drawn from the upper half.
HIGH_NOISE_SHARE = 0.5


def hints(edges):
    """Edge maps (uint8 [B, 64, 64], 1 on an edge) as control images: [B, 3, 64, 64], white edges on black in [0, 1]."""
    return edges.float()[:, None].expand(-1, 3, -1, -1)


def save_controlnet(controlnet, path, half, metadata):
    weights = {PREFIX + name: (t.half() if half else t) for name, t in controlnet.state_dict().items()}
    save_safetensors(weights, path, metadata)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--base", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--save-every", type=int, default=0, help="also write <out>.step<N>.safetensors (fp32) every N steps")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)

    pixels, tokens, meta = load_dataset(args.data)
    edges = torch.from_numpy(np.load(os.path.join(args.data, "edges.npy")))
    model = TinyStableDiffusion(CONFIG)
    base = load_safetensors(args.base)
    model.load_state_dict(base)
    model.requires_grad_(False)
    model.eval()
    latents, _ = encode_dataset(model.first_stage_model, pixels)
    del pixels

    controlnet = ControlNet(CONFIG)
    controlnet.init_from_unet(base)
    controlnet.train()
    optimiser = torch.optim.AdamW(controlnet.parameters(), lr=args.lr, weight_decay=0.0)

    unet, clip = model.model.diffusion_model, model.cond_stage_model
    abar = torch.cumprod(1 - sd15_betas(), 0).float()
    empty = torch.tensor(meta["emptyPromptIds"], dtype=torch.int64)
    count, captions = tokens.shape[0], tokens.shape[1]
    started, running = time.time(), 0.0
    for step in range(1, args.steps + 1):
        for group in optimiser.param_groups:
            group["lr"] = learning_rate(step, args.steps, args.lr, warmup=50)
        index = torch.randint(0, count, (args.batch,))
        ids = tokens[index, torch.randint(0, captions, (args.batch,))]
        ids[torch.rand(args.batch) < EMPTY_CAPTION_SHARE] = empty
        x0 = latents[index]
        t = torch.where(torch.rand(args.batch) < HIGH_NOISE_SHARE, torch.randint(500, 1000, (args.batch,)), torch.randint(0, 1000, (args.batch,)))
        noise = torch.randn_like(x0)
        a = abar[t][:, None, None, None]
        noisy = a.sqrt() * x0 + (1 - a).sqrt() * noise
        with torch.no_grad():
            context = clip(ids)
        control = controlnet(noisy, t, context, hints(edges[index]))
        loss = (unet_with_control(unet, noisy, t, context, control) - noise).pow(2).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        running += loss.item()
        if step % 50 == 0:
            print(f"controlnet step {step}/{args.steps} loss {running / 50:.4f} ({time.time() - started:.0f} s)", flush=True)
            running = 0.0
        if args.save_every and step % args.save_every == 0 and step < args.steps:
            save_controlnet(controlnet, f"{args.out}.step{step}.safetensors", False, {"steps": step})

    save_controlnet(controlnet, args.out, True, {"steps": args.steps, "base": "shapes-tiny", "control": "canny"})
    print(f"wrote {args.out} after {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
