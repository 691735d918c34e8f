"""Writes PyTorch outputs of a checkpoint for fixed inputs, so check-conversion.ts can compare
the converted ONNX models against them:

  python3 training/reference_outputs.py <checkpoint.safetensors> <out.json>
"""
import json
import sys

import torch

from checkpoint_io import load_safetensors
from tiny_sd import CONFIG, TinyStableDiffusion


def main():
    checkpoint, out = sys.argv[1], sys.argv[2]
    model = TinyStableDiffusion(CONFIG).eval()
    model.load_state_dict(load_safetensors(checkpoint))
    generator = torch.Generator().manual_seed(1)
    ids = torch.tensor([[49406, 320, 736, 2866, 525, 320, 1746, 5994, 49407] + [49407] * 68])
    latent = torch.randn(1, 4, 8, 8, generator=generator)
    image = torch.rand(1, 3, 64, 64, generator=generator) * 2 - 1
    with torch.no_grad():
        context = model.cond_stage_model(ids)
        eps = model.model.diffusion_model(latent, torch.tensor([500.0]), context)
        decoded = model.first_stage_model.decode(latent / 0.18215)
        mean, _ = model.first_stage_model.encode(image)
    tensors = {"ids": ids, "latent": latent, "image": image, "context": context, "eps": eps, "decoded": decoded, "mean": mean}
    with open(out, "w") as f:
        json.dump({name: tensor.flatten().tolist() for name, tensor in tensors.items()}, f)


if __name__ == "__main__":
    main()
