"""Stage 1: the tiny VAE (64x64 RGB <-> 4x8x8 latent). Starts from the hand-set pooling
autoencoder of vae_init.py, trains --steps steps (0 keeps it as is), then rescales it so that
latents * 0.18215 have unit standard deviation, as the SD 1.5 pipeline assumes. Writes vae.safetensors.

  python3 training/train_vae.py --data /tmp/shapes --out /tmp/train --steps 0

With --decoder-only it loads vae.safetensors, freezes the encoder (so latents the diffusion
stage trains on stay valid) and goes on training the decoder, saving vae-decoder.safetensors.
"""
import os

# Idle OpenMP threads must sleep, not spin: on a shared machine spinning wastes most of the CPU.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import math
import time

import torch

from checkpoint_io import load_dataset, load_safetensors, save_safetensors
from tiny_sd import CONFIG, Vae
from vae_init import init_pooling_autoencoder

LATENT_SCALE = 0.18215


def kl_divergence(mean, logvar):
    return 0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar).mean()


def train(vae, parameters, pixels, args, log, save):
    steps, batch, crop, lr = args.steps, args.batch, args.crop, args.lr
    optimiser = torch.optim.Adam(parameters, lr=lr)
    count = pixels.shape[0]
    start = time.time()
    for step in range(1, steps + 1):
        for group in optimiser.param_groups:
            group["lr"] = lr * 0.5 * (1 + math.cos(math.pi * step / steps))
        images = pixels[torch.randint(0, count, (batch,))]
        # Random crops (multiples of 8) keep each step cheap; the network is convolutional.
        y, x = (torch.randint(0, (64 - crop) // 8 + 1, (2,)) * 8).tolist()
        images = images[:, :, y:y + crop, x:x + crop]
        mean, logvar = vae.encode(images)
        z = mean + (0.5 * logvar).exp() * torch.randn_like(mean)
        decoded = vae.decode(z)
        reconstruction = (decoded - images).pow(2).mean() + 0.5 * (decoded - images).abs().mean()
        loss = reconstruction + 1e-5 * kl_divergence(mean, logvar)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if step % 25 == 0 or step == steps:
            log(f"vae step {step}/{steps} reconstruction {reconstruction.item():.5f} ({time.time() - start:.0f} s)")
        if step % 100 == 0:
            save()


@torch.no_grad()
def fold_latent_scale(vae, pixels):
    """Scales the posterior so that 0.18215 * mean has unit std; returns the factor applied."""
    means = torch.cat([vae.encode(pixels[i:i + 256])[0] for i in range(0, pixels.shape[0], 256)])
    factor = 1.0 / (LATENT_SCALE * means.std().item())
    channels = CONFIG["latent_channels"]
    vae.quant_conv.weight[:channels] *= factor
    vae.quant_conv.bias[:channels] *= factor
    vae.quant_conv.bias[channels:] += 2.0 * math.log(factor)
    vae.post_quant_conv.weight /= factor
    return factor


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--crop", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--decoder-only", action="store_true")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    log_file = open(os.path.join(args.out, "vae.log"), "a")

    def log(line):
        print(line, flush=True)
        log_file.write(line + "\n")
        log_file.flush()

    pixels, _, _ = load_dataset(args.data)
    vae = Vae(CONFIG)
    if args.decoder_only:
        vae.load_state_dict({k.removeprefix("first_stage_model."): v for k, v in load_safetensors(os.path.join(args.out, "vae.safetensors")).items()})
        vae.encoder.requires_grad_(False)
        vae.quant_conv.requires_grad_(False)
        parameters = list(vae.decoder.parameters()) + list(vae.post_quant_conv.parameters())
        path = os.path.join(args.out, "vae-decoder.safetensors")
    else:
        init_pooling_autoencoder(vae)
        parameters = list(vae.parameters())
        path = os.path.join(args.out, "vae-unscaled.safetensors")

    def save():
        save_safetensors({f"first_stage_model.{k}": v for k, v in vae.state_dict().items()}, path)

    train(vae, parameters, pixels, args, log, save)
    vae.eval()
    if not args.decoder_only:
        factor = fold_latent_scale(vae, pixels)
        log(f"latent scale folded in: x{factor:.4f}")
        path = os.path.join(args.out, "vae.safetensors")
    save()
    with torch.no_grad():
        sample = pixels[:256]
        mean, _ = vae.encode(sample)
        error = (vae.decode(mean) - sample).abs().mean().item()
        log(f"scaled latent std {(LATENT_SCALE * mean).std().item():.3f}; full-image mean abs error {error:.4f} (of range 2)")


if __name__ == "__main__":
    main()
