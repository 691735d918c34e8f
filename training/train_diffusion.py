"""Stage 2: train the tiny CLIP text encoder and UNet together on SD 1.5's DDPM objective
(eps prediction, betas = linspace(sqrt(0.00085), sqrt(0.012), 1000)^2), with 10% of captions
replaced by the empty prompt so that classifier-free guidance works. Latents come from the
stage-1 VAE, scaled by 0.18215. Writes the whole model (EMA weights) as one .safetensors
checkpoint with the original SD 1.5 key names every --save-every steps.

  python3 training/train_diffusion.py --data .tmp/shapes --out .tmp/train --steps 4000
"""
import os

# Idle OpenMP threads must sleep, not spin: on a shared machine spinning wastes most of the CPU.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import copy
import math
import time

import torch
import torch.nn.functional as F

from checkpoint_io import load_dataset, load_safetensors, save_safetensors
from tiny_sd import CONFIG, TinyStableDiffusion, sd15_betas

LATENT_SCALE = 0.18215
CAPTION_DROPOUT = 0.1


@torch.no_grad()
def encode_dataset(vae, pixels, calibration=256):
    """Scaled latents of every image. The stage-1 encoder is (by construction, see vae_init.py) an
    8x8 average pooling of the colours, up to a small error, and its full-resolution layer is too
    slow to run on every image within this CPU budget: so it encodes a calibration subset, fits
    each latent channel as an affine function of the pooled colours, and applies that to all."""
    sample = pixels[:calibration]
    target = LATENT_SCALE * vae.encode(sample)[0]
    def features(images):
        pooled = F.avg_pool2d(images, 8)
        return torch.cat([pooled, torch.ones_like(pooled[:, :1])], 1).permute(0, 2, 3, 1).reshape(-1, 4)
    solution = torch.linalg.lstsq(features(sample), target.permute(0, 2, 3, 1).reshape(-1, target.shape[1])).solution
    latents = torch.cat([features(pixels[i:i + 1000]) @ solution for i in range(0, pixels.shape[0], 1000)])
    latents = latents.reshape(pixels.shape[0], 8, 8, -1).permute(0, 3, 1, 2).contiguous()
    error = (latents[:calibration] - target).abs().max().item()
    return latents, error


@torch.no_grad()
def update_ema(ema, model, decay):
    for ema_param, param in zip(ema.parameters(), model.parameters()):
        ema_param.mul_(decay).add_(param, alpha=1 - decay)


def learning_rate(step, steps, peak, warmup=100):
    if step < warmup:
        return peak * step / warmup
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, steps - warmup))))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--ema", type=float, default=0.999)
    parser.add_argument("--save-every", type=int, default=250)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--text-encoder", help="start from this pretrained text encoder (train_text_encoder.py)")
    parser.add_argument("--text-lr-scale", type=float, default=1.0,
                        help="the text encoder's learning rate relative to the UNet's (keep a pretrained one close to where it was)")
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    log_file = open(os.path.join(args.out, "diffusion.log"), "a")

    def log(line):
        print(line, flush=True)
        log_file.write(line + "\n")
        log_file.flush()

    pixels, tokens, meta = load_dataset(args.data)
    model = TinyStableDiffusion(CONFIG)
    vae_weights = load_safetensors(os.path.join(args.out, "vae.safetensors"))
    model.load_state_dict(vae_weights, strict=False)
    if args.text_encoder:
        model.load_state_dict(load_safetensors(args.text_encoder), strict=False)
    vae = model.first_stage_model.eval()
    latents, error = encode_dataset(vae, pixels)
    log(f"encoded {latents.shape[0]} images: latent std {latents.std().item():.3f}, mean {latents.mean().item():.3f}, "
        f"largest difference from the encoder on the calibration images {error:.4f}")
    del pixels

    networks = torch.nn.ModuleDict({"clip": model.cond_stage_model, "unet": model.model.diffusion_model})
    ema = copy.deepcopy(networks).requires_grad_(False)
    optimiser = torch.optim.AdamW([
        {"params": networks["unet"].parameters(), "lr_scale": 1.0},
        {"params": networks["clip"].parameters(), "lr_scale": args.text_lr_scale},
    ], lr=args.lr, weight_decay=0.0)
    state_path = os.path.join(args.out, "diffusion-state.pt")
    start_step = 0
    if args.resume:
        state = torch.load(state_path)
        networks.load_state_dict(state["networks"])
        ema.load_state_dict(state["ema"])
        optimiser.load_state_dict(state["optimiser"])
        start_step = state["step"]

    abar = torch.cumprod(1 - sd15_betas(), 0).float()
    empty = torch.tensor(meta["emptyPromptIds"], dtype=torch.int64)
    count, captions = tokens.shape[0], tokens.shape[1]
    started, running = time.time(), 0.0

    def save(step):
        weights = {**{f"cond_stage_model.{k}": v for k, v in ema["clip"].state_dict().items()},
                   **{f"model.diffusion_model.{k}": v for k, v in ema["unet"].state_dict().items()},
                   **vae_weights}
        save_safetensors(weights, os.path.join(args.out, "shapes-tiny.safetensors"), {"step": step, "seed": args.seed})
        torch.save({"networks": networks.state_dict(), "ema": ema.state_dict(), "optimiser": optimiser.state_dict(), "step": step},
                   state_path + ".tmp")
        os.replace(state_path + ".tmp", state_path)

    for step in range(start_step + 1, args.steps + 1):
        for group in optimiser.param_groups:
            group["lr"] = group["lr_scale"] * learning_rate(step, args.steps, args.lr)
        index = torch.randint(0, count, (args.batch,))
        ids = tokens[index, torch.randint(0, captions, (args.batch,))]
        ids[torch.rand(args.batch) < CAPTION_DROPOUT] = empty
        x0 = latents[index]
        t = torch.randint(0, 1000, (args.batch,))
        noise = torch.randn_like(x0)
        a = abar[t][:, None, None, None]
        noisy = a.sqrt() * x0 + (1 - a).sqrt() * noise
        prediction = networks["unet"](noisy, t, networks["clip"](ids))
        loss = (prediction - noise).pow(2).mean()
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(networks.parameters(), 1.0)
        optimiser.step()
        update_ema(ema, networks, min(args.ema, (1 + step) / (10 + step)))
        running += loss.item()
        if step % 50 == 0:
            log(f"diffusion step {step}/{args.steps} loss {running / 50:.4f} ({time.time() - started:.0f} s)")
            running = 0.0
        if step % args.save_every == 0 or step == args.steps:
            save(step)


if __name__ == "__main__":
    main()
