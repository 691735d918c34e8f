"""An independent PyTorch implementation of SD 1.5's networks, written from
/work/shared/sd15/ARCHITECTURE.md, used only to check the ONNX graphs.

Every function takes the checkpoint state dict `sd` (CompVis names). The
structure (levels, blocks, attention) is read from which keys exist, not from
the TypeScript config, so that the two implementations share no layout code.
"""
import math

import torch
import torch.nn.functional as F

TEXT = "cond_stage_model.transformer.text_model."
UNET = "model.diffusion_model."
VAE = "first_stage_model."


def linear(x, sd, key, bias=True):
    return F.linear(x, sd[key + ".weight"], sd[key + ".bias"] if bias else None)


def conv(x, sd, key, stride=1, padding=None):
    weight = sd[key + ".weight"]
    pad = weight.shape[-1] // 2 if padding is None else padding
    return F.conv2d(x, weight, sd[key + ".bias"], stride, pad)


def group_norm(x, sd, key, eps):
    return F.group_norm(x, 32, sd[key + ".weight"], sd[key + ".bias"], eps)


def layer_norm(x, sd, key):
    return F.layer_norm(x, (x.shape[-1],), sd[key + ".weight"], sd[key + ".bias"], 1e-5)


def attention(q, k, v, heads, mask=None):
    """softmax(q k^T / sqrt(d) + mask) v per head, one batch item at a time to bound memory."""
    batch, seq, width = q.shape
    d = width // heads
    out = []
    for b in range(batch):
        qh = q[b].reshape(seq, heads, d).transpose(0, 1)
        kh = k[b].reshape(-1, heads, d).transpose(0, 1)
        vh = v[b].reshape(-1, heads, d).transpose(0, 1)
        scores = qh @ kh.transpose(1, 2) / math.sqrt(d)
        if mask is not None:
            scores = scores + mask
        out.append((scores.softmax(-1) @ vh).transpose(0, 1).reshape(seq, width))
    return torch.stack(out)


def has(sd, key):
    return key in sd


def count(sd, prefix):
    indices = {int(k[len(prefix):].split(".")[0]) for k in sd if k.startswith(prefix)}
    return max(indices) + 1


# CLIP text encoder ------------------------------------------------------------

def text_encoder(sd, ids):
    """Returns (last_hidden_state, final LayerNorm of the penultimate layer's output)."""
    seq = ids.shape[1]
    x = sd[TEXT + "embeddings.token_embedding.weight"][ids.long()]
    x = x + sd[TEXT + "embeddings.position_embedding.weight"][:seq]
    width = x.shape[-1]
    heads = width // 64
    mask = torch.full((seq, seq), float("-inf")).triu(1)
    hidden = [x]
    for i in range(count(sd, TEXT + "encoder.layers.")):
        p = TEXT + f"encoder.layers.{i}."
        h = layer_norm(x, sd, p + "layer_norm1")
        q, k, v = (linear(h, sd, p + f"self_attn.{n}_proj") for n in "qkv")
        x = x + linear(attention(q, k, v, heads, mask), sd, p + "self_attn.out_proj")
        h = linear(layer_norm(x, sd, p + "layer_norm2"), sd, p + "mlp.fc1")
        h = h * torch.sigmoid(1.702 * h)
        x = x + linear(h, sd, p + "mlp.fc2")
        hidden.append(x)
    final = TEXT + "final_layer_norm"
    return layer_norm(x, sd, final), layer_norm(hidden[-2], sd, final)


# UNet -------------------------------------------------------------------------

def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


def unet_res(x, emb, sd, p):
    h = conv(F.silu(group_norm(x, sd, p + "in_layers.0", 1e-5)), sd, p + "in_layers.2")
    h = h + linear(F.silu(emb), sd, p + "emb_layers.1")[:, :, None, None]
    h = conv(F.silu(group_norm(h, sd, p + "out_layers.0", 1e-5)), sd, p + "out_layers.3")
    skip = conv(x, sd, p + "skip_connection") if has(sd, p + "skip_connection.weight") else x
    return skip + h


def spatial_transformer(x, context, sd, p):
    b, c, hgt, wid = x.shape
    heads = 8
    h = conv(group_norm(x, sd, p + "norm", 1e-6), sd, p + "proj_in")
    h = h.reshape(b, c, hgt * wid).transpose(1, 2)
    t = p + "transformer_blocks.0."

    def attn(h, ctx, key):
        q = linear(h, sd, key + "to_q", bias=False)
        k = linear(ctx, sd, key + "to_k", bias=False)
        v = linear(ctx, sd, key + "to_v", bias=False)
        return linear(attention(q, k, v, heads), sd, key + "to_out.0")

    n = layer_norm(h, sd, t + "norm1")
    h = h + attn(n, n, t + "attn1.")
    h = h + attn(layer_norm(h, sd, t + "norm2"), context, t + "attn2.")
    value, gate = linear(layer_norm(h, sd, t + "norm3"), sd, t + "ff.net.0.proj").chunk(2, dim=-1)
    h = h + linear(value * F.gelu(gate), sd, t + "ff.net.2")
    h = h.transpose(1, 2).reshape(b, c, hgt, wid)
    return conv(h, sd, p + "proj_out") + x


def unet_layer(x, emb, context, sd, p):
    """One sub-layer of a block, identified by its keys."""
    if has(sd, p + "op.weight"):
        return conv(x, sd, p + "op", stride=2, padding=1)
    if has(sd, p + "conv.weight"):
        return conv(F.interpolate(x, scale_factor=2.0, mode="nearest"), sd, p + "conv")
    if has(sd, p + "proj_in.weight"):
        return spatial_transformer(x, context, sd, p)
    return unet_res(x, emb, sd, p)


def block_layers(sd, prefix):
    return range(count(sd, prefix))


def unet(sd, sample, timestep, context):
    u = UNET
    c0 = sd[u + "input_blocks.0.0.weight"].shape[0]
    emb = timestep_embedding(timestep, c0)
    emb = linear(F.silu(linear(emb, sd, u + "time_embed.0")), sd, u + "time_embed.2")
    h = conv(sample, sd, u + "input_blocks.0.0")
    skips = [h]
    for i in range(1, count(sd, u + "input_blocks.")):
        for j in block_layers(sd, u + f"input_blocks.{i}."):
            h = unet_layer(h, emb, context, sd, u + f"input_blocks.{i}.{j}.")
        skips.append(h)
    for j in range(3):
        h = unet_layer(h, emb, context, sd, u + f"middle_block.{j}.")
    for i in range(count(sd, u + "output_blocks.")):
        h = torch.cat([h, skips.pop()], dim=1)
        for j in block_layers(sd, u + f"output_blocks.{i}."):
            h = unet_layer(h, emb, context, sd, u + f"output_blocks.{i}.{j}.")
    return conv(F.silu(group_norm(h, sd, u + "out.0", 1e-5)), sd, u + "out.2")


# VAE --------------------------------------------------------------------------

def vae_res(x, sd, p):
    h = conv(F.silu(group_norm(x, sd, p + "norm1", 1e-6)), sd, p + "conv1")
    h = conv(F.silu(group_norm(h, sd, p + "norm2", 1e-6)), sd, p + "conv2")
    skip = conv(x, sd, p + "nin_shortcut") if has(sd, p + "nin_shortcut.weight") else x
    return skip + h


def vae_attention(x, sd, p):
    b, c, hgt, wid = x.shape
    h = group_norm(x, sd, p + "norm", 1e-6)
    q, k, v = (conv(h, sd, p + n).reshape(b, c, hgt * wid).transpose(1, 2) for n in "qkv")
    h = attention(q, k, v, 1).transpose(1, 2).reshape(b, c, hgt, wid)
    return x + conv(h, sd, p + "proj_out")


def vae_mid(x, sd, p):
    x = vae_res(x, sd, p + "mid.block_1.")
    x = vae_attention(x, sd, p + "mid.attn_1.")
    return vae_res(x, sd, p + "mid.block_2.")


def vae_encoder(sd, image):
    """Returns (posterior mean, clamped logvar), both unscaled."""
    e = VAE + "encoder."
    h = conv(image, sd, e + "conv_in")
    for level in range(count(sd, e + "down.")):
        for j in range(count(sd, e + f"down.{level}.block.")):
            h = vae_res(h, sd, e + f"down.{level}.block.{j}.")
        if has(sd, e + f"down.{level}.downsample.conv.weight"):
            h = conv(F.pad(h, (0, 1, 0, 1)), sd, e + f"down.{level}.downsample.conv", stride=2, padding=0)
    h = vae_mid(h, sd, e)
    h = conv(F.silu(group_norm(h, sd, e + "norm_out", 1e-6)), sd, e + "conv_out")
    mean, logvar = conv(h, sd, VAE + "quant_conv").chunk(2, dim=1)
    return mean, logvar.clamp(-30.0, 20.0)


def vae_decoder(sd, latent):
    d = VAE + "decoder."
    h = conv(conv(latent, sd, VAE + "post_quant_conv"), sd, d + "conv_in")
    h = vae_mid(h, sd, d)
    for level in reversed(range(count(sd, d + "up."))):
        for j in range(count(sd, d + f"up.{level}.block.")):
            h = vae_res(h, sd, d + f"up.{level}.block.{j}.")
        if has(sd, d + f"up.{level}.upsample.conv.weight"):
            h = conv(F.interpolate(h, scale_factor=2.0, mode="nearest"), sd, d + f"up.{level}.upsample.conv")
    return conv(F.silu(group_norm(h, sd, d + "norm_out", 1e-6)), sd, d + "conv_out")
