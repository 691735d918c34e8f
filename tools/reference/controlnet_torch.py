"""PyTorch reference of the SD 1.5 ControlNet and of the UNet taking its residuals, for compare-controlnet.ts.

usage: controlnet_torch.py <dir with weights.safetensors> [latent size] [batch]
Written from the ControlNet paper's architecture (lllyasviel's cldm layout): the hint encoder, the encoder copy
with a zero conv after every block, middle_block_out; residuals add to the UNet's skip connections and middle
output. Structure comes from the key names (sd15_torch.py's layers), not from the TypeScript builders.
Writes <dir>/controlnet/{meta.json, <tensor>.bin}.
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

import sd15_torch as ref
from run_reference import load_safetensors

CONTROL = "control_model."
STRENGTH = 0.75


def controlnet(sd, sample, timestep, context, hint):
    c = CONTROL
    c0 = sd[c + "input_blocks.0.0.weight"].shape[0]
    emb = ref.timestep_embedding(timestep, c0)
    emb = ref.linear(F.silu(ref.linear(emb, sd, c + "time_embed.0")), sd, c + "time_embed.2")
    guided = hint
    hint_convs = sorted({int(k[len(c + "input_hint_block."):].split(".")[0]) for k in sd if k.startswith(c + "input_hint_block.")})
    for n, i in enumerate(hint_convs):
        weight = sd[c + f"input_hint_block.{i}.weight"]
        stride = 2 if n in (2, 4, 6) else 1
        guided = F.conv2d(guided, weight, sd[c + f"input_hint_block.{i}.bias"], stride, 1)
        if n < len(hint_convs) - 1:
            guided = F.silu(guided)
    h = ref.conv(sample, sd, c + "input_blocks.0.0") + guided
    outs = [ref.conv(h, sd, c + "zero_convs.0.0")]
    for i in range(1, ref.count(sd, c + "input_blocks.")):
        for j in ref.block_layers(sd, c + f"input_blocks.{i}."):
            h = ref.unet_layer(h, emb, context, sd, c + f"input_blocks.{i}.{j}.")
        outs.append(ref.conv(h, sd, c + f"zero_convs.{i}.0"))
    for j in range(3):
        h = ref.unet_layer(h, emb, context, sd, c + f"middle_block.{j}.")
    outs.append(ref.conv(h, sd, c + "middle_block_out.0"))
    return outs


def controlled_unet(sd, sample, timestep, context, control):
    u = ref.UNET
    c0 = sd[u + "input_blocks.0.0.weight"].shape[0]
    emb = ref.timestep_embedding(timestep, c0)
    emb = ref.linear(F.silu(ref.linear(emb, sd, u + "time_embed.0")), sd, u + "time_embed.2")
    h = ref.conv(sample, sd, u + "input_blocks.0.0")
    skips = [h]
    for i in range(1, ref.count(sd, u + "input_blocks.")):
        for j in ref.block_layers(sd, u + f"input_blocks.{i}."):
            h = ref.unet_layer(h, emb, context, sd, u + f"input_blocks.{i}.{j}.")
        skips.append(h)
    for j in range(3):
        h = ref.unet_layer(h, emb, context, sd, u + f"middle_block.{j}.")
    control = list(control)
    h = h + control.pop()
    for i in range(ref.count(sd, u + "output_blocks.")):
        h = torch.cat([h, skips.pop() + control.pop()], dim=1)
        for j in ref.block_layers(sd, u + f"output_blocks.{i}."):
            h = ref.unet_layer(h, emb, context, sd, u + f"output_blocks.{i}.{j}.")
    return ref.conv(F.silu(ref.group_norm(h, sd, u + "out.0", 1e-5)), sd, u + "out.2")


def main(folder, latent="8", batch="2"):
    torch.set_grad_enabled(False)
    latent, batch = int(latent), int(batch)
    sd = load_safetensors(os.path.join(folder, "weights.safetensors"))
    g = torch.Generator().manual_seed(1616)
    context_dim = sd[ref.UNET + "middle_block.1.transformer_blocks.0.attn2.to_k.weight"].shape[1]
    x = {
        "sample": torch.randn((batch, 4, latent, latent), generator=g),
        "timestep": torch.tensor([981.0, 1.0, 500.0, 250.0][:batch]),
        "encoder_hidden_states": torch.randn((batch, 77, context_dim), generator=g),
        "hint": (torch.rand((batch, 3, latent * 8, latent * 8), generator=g) > 0.9).float(),
    }
    start = time.time()
    residuals = controlnet(sd, x["sample"], x["timestep"], x["encoder_hidden_states"], x["hint"])
    names = [f"control_{i}" for i in range(len(residuals) - 1)] + ["control_mid"]
    y = dict(zip(names, residuals))
    y["out_sample"] = controlled_unet(sd, x["sample"], x["timestep"], x["encoder_hidden_states"], [r * STRENGTH for r in residuals])
    seconds = time.time() - start
    out = os.path.join(folder, "controlnet")
    os.makedirs(out, exist_ok=True)
    meta = {"strength": STRENGTH, "torch_seconds": seconds, "inputs": {}, "outputs": {}}
    for group, tensors in (("inputs", x), ("outputs", y)):
        for name, t in tensors.items():
            t.contiguous().numpy().tofile(os.path.join(out, name + ".bin"))
            meta[group][name] = {"dtype": "float32", "shape": list(t.shape)}
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(f"controlnet + controlled unet: torch {seconds:.1f}s")


if __name__ == "__main__":
    main(*sys.argv[1:])
