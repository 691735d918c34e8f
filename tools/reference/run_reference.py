"""Runs the PyTorch reference on seeded inputs and saves inputs and outputs for compare.ts.

usage: run_reference.py <dir with weights.safetensors> <network> [latent size] [batch]
network: text_encoder | unet | vae_encoder | vae_decoder
Writes <dir>/<network>/{meta.json, <tensor>.bin} (raw little-endian float32 / int32).
"""
import json
import os
import resource
import sys
import time

import numpy as np
import torch
import warnings

warnings.filterwarnings("ignore", message="The given NumPy array is not writable")

import sd15_torch as ref


def load_safetensors(path):
    with open(path, "rb") as f:
        length = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(length))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + length)
    sd = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        sd[name] = torch.from_numpy(np.frombuffer(data[begin:end], dtype="<f4").reshape(info["shape"]))
    return sd


def inputs_for(network, sd, latent, batch):
    g = torch.Generator().manual_seed(1234)
    if network == "text_encoder":
        vocab, _ = sd[ref.TEXT + "embeddings.token_embedding.weight"].shape
        positions = sd[ref.TEXT + "embeddings.position_embedding.weight"].shape[0]
        ids = torch.randint(0, vocab - 2, (batch, positions), generator=g, dtype=torch.int32)
        ids[:, 0] = vocab - 2
        ids[:, 9:] = vocab - 1
        return {"input_ids": ids}
    if network == "unet":
        context_dim = sd[ref.UNET + "middle_block.1.transformer_blocks.0.attn2.to_k.weight"].shape[1]
        return {
            "sample": torch.randn((batch, 4, latent, latent), generator=g),
            "timestep": torch.tensor([981.0, 1.0, 500.0, 250.0][:batch]),
            "encoder_hidden_states": torch.randn((batch, 77, context_dim), generator=g),
        }
    if network == "vae_encoder":
        return {"sample": torch.rand((batch, 3, latent * 8, latent * 8), generator=g) * 2 - 1}
    return {"latent_sample": torch.randn((batch, 4, latent, latent), generator=g)}


def run(network, sd, x):
    if network == "text_encoder":
        last, penultimate = ref.text_encoder(sd, x["input_ids"])
        return {"last_hidden_state": last, "penultimate_hidden_state": penultimate}
    if network == "unet":
        return {"out_sample": ref.unet(sd, x["sample"], x["timestep"], x["encoder_hidden_states"])}
    if network == "vae_encoder":
        mean, logvar = ref.vae_encoder(sd, x["sample"])
        return {"latent_sample": mean, "latent_logvar": logvar}
    return {"sample": ref.vae_decoder(sd, x["latent_sample"])}


def main(folder, network, latent="8", batch="2"):
    torch.set_grad_enabled(False)
    sd = load_safetensors(os.path.join(folder, "weights.safetensors"))
    x = inputs_for(network, sd, int(latent), int(batch))
    start = time.time()
    y = run(network, sd, x)
    seconds = time.time() - start
    out = os.path.join(folder, network)
    os.makedirs(out, exist_ok=True)
    meta = {"inputs": {}, "outputs": {}, "torch_seconds": seconds,
            "torch_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    for group, tensors in (("inputs", x), ("outputs", y)):
        for name, t in tensors.items():
            t.contiguous().numpy().tofile(os.path.join(out, name + ".bin"))
            meta[group][name] = {"dtype": "int32" if t.dtype == torch.int32 else "float32", "shape": list(t.shape)}
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(network, f"torch {seconds:.1f}s", {k: list(v.shape) for k, v in y.items()})


if __name__ == "__main__":
    main(*sys.argv[1:])
