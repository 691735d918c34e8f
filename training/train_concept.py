"""Teach shapes-tiny a new colour word with a small adapter, the base model frozen:
  --kind lora       a kohya-ss LoRA (rank 4, alpha 4) on every linear layer of the UNet's transformers
                    and of the text encoder, saved as lora_unet_*/lora_te_* .lora_down/.lora_up/.alpha;
  --kind embedding  a textual-inversion vector that replaces the new word's token in the captions,
                    saved as {"emb_params": [1, width]}.
The dataset comes from concept-dataset.ts, the base weights from extract-checkpoint.ts. DDPM eps
objective with SD 1.5's betas, 10% empty captions, as train_diffusion.py.

  python3 training/train_concept.py --kind lora --data /tmp/pink --base /tmp/shapes-tiny.safetensors \\
    --out data/loras/shapes-tiny-pink.safetensors --steps 600
"""
import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import time

import torch
from torch import nn

from checkpoint_io import load_dataset, load_safetensors, save_safetensors
from tiny_sd import CONFIG, TinyStableDiffusion, sd15_betas
from train_diffusion import CAPTION_DROPOUT, encode_dataset, learning_rate

RANK = 4
ALPHA = 4.0
UNET_PREFIX = "model.diffusion_model."
TEXT_PREFIX = "cond_stage_model.transformer."


class LoraHook:
    """Adds (alpha / rank) * up(down(x)) to a linear layer's output; up starts at zero."""

    def __init__(self, layer):
        self.down = nn.Parameter(torch.randn(RANK, layer.in_features) / layer.in_features ** 0.5)
        self.up = nn.Parameter(torch.zeros(layer.out_features, RANK))
        layer.register_forward_hook(lambda module, inputs, output: output + (inputs[0] @ self.down.t() @ self.up.t()) * (ALPHA / RANK))


class ExtendedEmbedding(nn.Module):
    """The token table with extra trainable rows for the ids from the vocabulary size on."""

    def __init__(self, base, rows):
        super().__init__()
        self.base = base
        self.extra = nn.Parameter(rows)

    def forward(self, ids):
        vocab = self.base.num_embeddings
        known = self.base(ids.clamp(max=vocab - 1))
        extra = self.extra[(ids - vocab).clamp(min=0, max=self.extra.shape[0] - 1)]
        return torch.where((ids >= vocab)[..., None], extra, known)


def kohya_name(module_name):
    if module_name.startswith(UNET_PREFIX):
        return "lora_unet_" + module_name[len(UNET_PREFIX):].replace(".", "_")
    return "lora_te_" + module_name[len(TEXT_PREFIX):].replace(".", "_")


def add_lora(model):
    hooks = {}
    for name, module in model.named_modules():
        in_unet = name.startswith(UNET_PREFIX) and ".transformer_blocks." in name
        in_text = name.startswith(TEXT_PREFIX) and ".encoder.layers." in name
        if isinstance(module, nn.Linear) and (in_unet or in_text):
            hooks[kohya_name(name)] = LoraHook(module)
    return hooks


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=["lora", "embedding"], required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--base", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)

    pixels, tokens, meta = load_dataset(args.data)
    model = TinyStableDiffusion(CONFIG)
    model.load_state_dict(load_safetensors(args.base))
    model.requires_grad_(False)
    latents, _ = encode_dataset(model.first_stage_model.eval(), pixels)
    del pixels

    text_model = model.cond_stage_model.transformer.text_model
    if args.kind == "lora":
        hooks = add_lora(model)
        params = [p for hook in hooks.values() for p in (hook.down, hook.up)]
    else:
        (word_id,) = meta["newColourIds"]
        table = text_model.embeddings.token_embedding
        start = table.weight[word_id].detach().clone()[None]
        text_model.embeddings.token_embedding = ExtendedEmbedding(table, start)
        tokens = torch.where(tokens == word_id, torch.full_like(tokens, table.num_embeddings), tokens)
        params = [text_model.embeddings.token_embedding.extra]
    optimiser = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)

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
        ids[torch.rand(args.batch) < CAPTION_DROPOUT] = empty
        x0 = latents[index]
        t = torch.randint(0, 1000, (args.batch,))
        noise = torch.randn_like(x0)
        a = abar[t][:, None, None, None]
        loss = (unet(a.sqrt() * x0 + (1 - a).sqrt() * noise, t, clip(ids)) - noise).pow(2).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        running += loss.item()
        if step % 50 == 0:
            print(f"{args.kind} step {step}/{args.steps} loss {running / 50:.4f} ({time.time() - started:.0f} s)", flush=True)
            running = 0.0

    if args.kind == "lora":
        weights = {}
        for name, hook in hooks.items():
            weights[f"{name}.lora_down.weight"] = hook.down.detach().half()
            weights[f"{name}.lora_up.weight"] = hook.up.detach().half()
            weights[f"{name}.alpha"] = torch.tensor(ALPHA).half()
        save_safetensors(weights, args.out, {"ss_network_dim": RANK, "ss_network_alpha": ALPHA, "steps": args.steps})
    else:
        save_safetensors({"emb_params": text_model.embeddings.token_embedding.extra.detach()}, args.out, {"steps": args.steps})
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
