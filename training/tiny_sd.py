"""PyTorch modules for a tiny Stable Diffusion 1.5: the same block structure and the same
state-dict key names as the original checkpoint (cond_stage_model.transformer.text_model.*,
model.diffusion_model.*, first_stage_model.*), only with smaller widths."""
import math

import torch
import torch.nn.functional as F
from torch import nn

# The tiny configuration. Head counts are not stored in a checkpoint, so they follow the
# converter's fixed rules: CLIP heads = width / 64, UNet heads = 8.
# GroupNorm has 32 groups; where it sits on the main path (the VAE's and the UNet's last norm_out,
# the VAE encoder's norm_out) a group of one channel is an instance norm that erases each channel's
# mean, i.e. the colour of a flat image. So those levels get 2-3 channels per group (see vae_init.py).
CONFIG = {
    "clip_width": 64,
    "clip_layers": 2,
    "vocab_size": 49408,
    "context_length": 77,
    "unet_channels": [64, 128],
    "unet_attention": [True, True],
    "unet_res_blocks": 1,
    "unet_heads": 8,
    "vae_channels": [96, 64, 64, 96],
    "vae_res_blocks": 1,
    "latent_channels": 4,
}


def group_norm(channels, eps):
    return nn.GroupNorm(32, channels, eps=eps)


# ---------------------------------------------------------------- CLIP text encoder

class ClipAttention(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.heads = width // 64
        self.q_proj = nn.Linear(width, width)
        self.k_proj = nn.Linear(width, width)
        self.v_proj = nn.Linear(width, width)
        self.out_proj = nn.Linear(width, width)

    def forward(self, x, mask):
        b, n, c = x.shape
        split = lambda t: t.view(b, n, self.heads, c // self.heads).transpose(1, 2)
        q, k, v = split(self.q_proj(x)), split(self.k_proj(x)), split(self.v_proj(x))
        weights = (q @ k.transpose(-1, -2)) / math.sqrt(c // self.heads) + mask
        out = weights.softmax(-1) @ v
        return self.out_proj(out.transpose(1, 2).reshape(b, n, c))


class ClipMlp(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.fc1 = nn.Linear(width, 4 * width)
        self.fc2 = nn.Linear(4 * width, width)

    def forward(self, x):
        h = self.fc1(x)
        return self.fc2(h * torch.sigmoid(1.702 * h))


class ClipLayer(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.self_attn = ClipAttention(width)
        self.layer_norm1 = nn.LayerNorm(width, eps=1e-5)
        self.mlp = ClipMlp(width)
        self.layer_norm2 = nn.LayerNorm(width, eps=1e-5)

    def forward(self, x, mask):
        x = x + self.self_attn(self.layer_norm1(x), mask)
        return x + self.mlp(self.layer_norm2(x))


class ClipEmbeddings(nn.Module):
    def __init__(self, vocab, positions, width):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab, width)
        self.position_embedding = nn.Embedding(positions, width)

    def forward(self, ids):
        return self.token_embedding(ids) + self.position_embedding.weight[: ids.shape[1]]


class ClipEncoder(nn.Module):
    def __init__(self, width, layers):
        super().__init__()
        self.layers = nn.ModuleList(ClipLayer(width) for _ in range(layers))


class ClipTextModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        width = cfg["clip_width"]
        self.embeddings = ClipEmbeddings(cfg["vocab_size"], cfg["context_length"], width)
        self.encoder = ClipEncoder(width, cfg["clip_layers"])
        self.final_layer_norm = nn.LayerNorm(width, eps=1e-5)

    def forward(self, ids):
        n = ids.shape[1]
        mask = torch.full((n, n), float("-inf"), device=ids.device).triu(1)
        x = self.embeddings(ids)
        for layer in self.encoder.layers:
            x = layer(x, mask)
        return self.final_layer_norm(x)


# ---------------------------------------------------------------- UNet

def timestep_embedding(t, channels):
    half = channels // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class UnetResBlock(nn.Module):
    def __init__(self, cin, cout, temb):
        super().__init__()
        self.in_layers = nn.Sequential(group_norm(cin, 1e-5), nn.SiLU(), nn.Conv2d(cin, cout, 3, padding=1))
        self.emb_layers = nn.Sequential(nn.SiLU(), nn.Linear(temb, cout))
        self.out_layers = nn.Sequential(group_norm(cout, 1e-5), nn.SiLU(), nn.Dropout(0.0), nn.Conv2d(cout, cout, 3, padding=1))
        self.skip_connection = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb, context):
        h = self.in_layers(x) + self.emb_layers(emb)[:, :, None, None]
        return self.skip_connection(x) + self.out_layers(h)


class CrossAttention(nn.Module):
    def __init__(self, dim, context_dim, heads):
        super().__init__()
        self.heads = heads
        self.to_q = nn.Linear(dim, dim, bias=False)
        self.to_k = nn.Linear(context_dim, dim, bias=False)
        self.to_v = nn.Linear(context_dim, dim, bias=False)
        self.to_out = nn.ModuleList([nn.Linear(dim, dim), nn.Dropout(0.0)])

    def forward(self, x, context):
        b, n, c = x.shape
        split = lambda t: t.view(b, t.shape[1], self.heads, c // self.heads).transpose(1, 2)
        q, k, v = split(self.to_q(x)), split(self.to_k(context)), split(self.to_v(context))
        weights = (q @ k.transpose(-1, -2)) / math.sqrt(c // self.heads)
        out = (weights.softmax(-1) @ v).transpose(1, 2).reshape(b, n, c)
        return self.to_out[0](out)


class GeGlu(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.proj = nn.Linear(dim, 8 * dim)

    def forward(self, x):
        a, gate = self.proj(x).chunk(2, dim=-1)
        return a * F.gelu(gate)


class FeedForward(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.net = nn.Sequential(GeGlu(dim), nn.Dropout(0.0), nn.Linear(4 * dim, dim))

    def forward(self, x):
        return self.net(x)


class TransformerBlock(nn.Module):
    def __init__(self, dim, context_dim, heads):
        super().__init__()
        self.attn1 = CrossAttention(dim, dim, heads)
        self.attn2 = CrossAttention(dim, context_dim, heads)
        self.ff = FeedForward(dim)
        self.norm1 = nn.LayerNorm(dim, eps=1e-5)
        self.norm2 = nn.LayerNorm(dim, eps=1e-5)
        self.norm3 = nn.LayerNorm(dim, eps=1e-5)

    def forward(self, x, context):
        h = self.norm1(x)
        x = x + self.attn1(h, h)
        x = x + self.attn2(self.norm2(x), context)
        return x + self.ff(self.norm3(x))


class SpatialTransformer(nn.Module):
    def __init__(self, dim, context_dim, heads):
        super().__init__()
        self.norm = group_norm(dim, 1e-6)
        self.proj_in = nn.Conv2d(dim, dim, 1)
        self.transformer_blocks = nn.ModuleList([TransformerBlock(dim, context_dim, heads)])
        self.proj_out = nn.Conv2d(dim, dim, 1)

    def forward(self, x, emb, context):
        b, c, h, w = x.shape
        tokens = self.proj_in(self.norm(x)).flatten(2).transpose(1, 2)
        for block in self.transformer_blocks:
            tokens = block(tokens, context)
        return x + self.proj_out(tokens.transpose(1, 2).reshape(b, c, h, w))


class Downsample(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.op = nn.Conv2d(channels, channels, 3, stride=2, padding=1)

    def forward(self, x, emb, context):
        return self.op(x)


class Upsample(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x, emb, context):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class ConvIn(nn.Conv2d):
    def forward(self, x, emb, context):
        return super().forward(x)


class Sequence(nn.ModuleList):
    def forward(self, x, emb, context):
        for layer in self:
            x = layer(x, emb, context)
        return x


class UNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        channels, attention = cfg["unet_channels"], cfg["unet_attention"]
        res_blocks, heads, context_dim = cfg["unet_res_blocks"], cfg["unet_heads"], cfg["clip_width"]
        base = channels[0]
        temb = 4 * base
        self.base = base
        self.time_embed = nn.Sequential(nn.Linear(base, temb), nn.SiLU(), nn.Linear(temb, temb))
        self.input_blocks = nn.ModuleList([Sequence([ConvIn(cfg["latent_channels"], base, 3, padding=1)])])
        skips = [base]
        ch = base
        for level, out in enumerate(channels):
            for _ in range(res_blocks):
                layers = [UnetResBlock(ch, out, temb)]
                ch = out
                if attention[level]:
                    layers.append(SpatialTransformer(ch, context_dim, heads))
                self.input_blocks.append(Sequence(layers))
                skips.append(ch)
            if level < len(channels) - 1:
                self.input_blocks.append(Sequence([Downsample(ch)]))
                skips.append(ch)
        self.middle_block = Sequence([
            UnetResBlock(ch, ch, temb), SpatialTransformer(ch, context_dim, heads), UnetResBlock(ch, ch, temb),
        ])
        self.output_blocks = nn.ModuleList()
        for level in reversed(range(len(channels))):
            out = channels[level]
            for i in range(res_blocks + 1):
                layers = [UnetResBlock(ch + skips.pop(), out, temb)]
                ch = out
                if attention[level]:
                    layers.append(SpatialTransformer(ch, context_dim, heads))
                if level > 0 and i == res_blocks:
                    layers.append(Upsample(ch))
                self.output_blocks.append(Sequence(layers))
        self.out = nn.Sequential(group_norm(ch, 1e-5), nn.SiLU(), nn.Conv2d(ch, cfg["latent_channels"], 3, padding=1))

    def forward(self, x, t, context):
        emb = self.time_embed(timestep_embedding(t, self.base))
        skips = []
        for block in self.input_blocks:
            x = block(x, emb, context)
            skips.append(x)
        x = self.middle_block(x, emb, context)
        for block in self.output_blocks:
            x = block(torch.cat([x, skips.pop()], dim=1), emb, context)
        return self.out(x)


# ---------------------------------------------------------------- VAE

class VaeResBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.norm1 = group_norm(cin, 1e-6)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.norm2 = group_norm(cout, 1e-6)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        if cin != cout:
            self.nin_shortcut = nn.Conv2d(cin, cout, 1)

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        return (self.nin_shortcut(x) if hasattr(self, "nin_shortcut") else x) + h


class VaeAttention(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.norm = group_norm(channels, 1e-6)
        self.q = nn.Conv2d(channels, channels, 1)
        self.k = nn.Conv2d(channels, channels, 1)
        self.v = nn.Conv2d(channels, channels, 1)
        self.proj_out = nn.Conv2d(channels, channels, 1)

    def forward(self, x):
        b, c, h, w = x.shape
        n = self.norm(x)
        q = self.q(n).flatten(2).transpose(1, 2)
        k = self.k(n).flatten(2)
        v = self.v(n).flatten(2).transpose(1, 2)
        out = ((q @ k) / math.sqrt(c)).softmax(-1) @ v
        return x + self.proj_out(out.transpose(1, 2).reshape(b, c, h, w))


class VaeMid(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.block_1 = VaeResBlock(channels, channels)
        self.attn_1 = VaeAttention(channels)
        self.block_2 = VaeResBlock(channels, channels)

    def forward(self, x):
        return self.block_2(self.attn_1(self.block_1(x)))


class VaeDownsample(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, stride=2, padding=0)

    def forward(self, x):
        return self.conv(F.pad(x, (0, 1, 0, 1)))


class VaeLevel(nn.Module):
    def __init__(self, blocks, resample=None, name=None):
        super().__init__()
        self.block = nn.ModuleList(blocks)
        if resample is not None:
            setattr(self, name, resample)
        self.resample_name = name

    def forward(self, x):
        for block in self.block:
            x = block(x)
        return getattr(self, self.resample_name)(x) if self.resample_name else x


class VaeEncoder(nn.Module):
    def __init__(self, channels, res_blocks, latent_channels):
        super().__init__()
        self.conv_in = nn.Conv2d(3, channels[0], 3, padding=1)
        self.down = nn.ModuleList()
        ch = channels[0]
        for level, out in enumerate(channels):
            blocks = []
            for _ in range(res_blocks):
                blocks.append(VaeResBlock(ch, out))
                ch = out
            last = level == len(channels) - 1
            self.down.append(VaeLevel(blocks, None if last else VaeDownsample(ch), None if last else "downsample"))
        self.mid = VaeMid(ch)
        self.norm_out = group_norm(ch, 1e-6)
        self.conv_out = nn.Conv2d(ch, 2 * latent_channels, 3, padding=1)

    def forward(self, x):
        x = self.conv_in(x)
        for level in self.down:
            x = level(x)
        return self.conv_out(F.silu(self.norm_out(self.mid(x))))


class VaeUpsample(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class VaeDecoder(nn.Module):
    def __init__(self, channels, res_blocks, latent_channels):
        super().__init__()
        ch = channels[-1]
        self.conv_in = nn.Conv2d(latent_channels, ch, 3, padding=1)
        self.mid = VaeMid(ch)
        levels = [None] * len(channels)
        for level in reversed(range(len(channels))):
            out = channels[level]
            blocks = []
            for _ in range(res_blocks + 1):
                blocks.append(VaeResBlock(ch, out))
                ch = out
            levels[level] = VaeLevel(blocks, VaeUpsample(ch) if level > 0 else None, "upsample" if level > 0 else None)
        # Indexed like the checkpoint: up.0 is the full-resolution level, applied last.
        self.up = nn.ModuleList(levels)
        self.norm_out = group_norm(ch, 1e-6)
        self.conv_out = nn.Conv2d(ch, 3, 3, padding=1)

    def forward(self, z):
        x = self.mid(self.conv_in(z))
        for level in reversed(self.up):
            x = level(x)
        return self.conv_out(F.silu(self.norm_out(x)))


class Vae(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        zc = cfg["latent_channels"]
        self.encoder = VaeEncoder(cfg["vae_channels"], cfg["vae_res_blocks"], zc)
        self.decoder = VaeDecoder(cfg["vae_channels"], cfg["vae_res_blocks"], zc)
        self.quant_conv = nn.Conv2d(2 * zc, 2 * zc, 1)
        self.post_quant_conv = nn.Conv2d(zc, zc, 1)

    def encode(self, image):
        """image in [-1, 1] -> (mean, logvar) of the unscaled posterior."""
        mean, logvar = self.quant_conv(self.encoder(image)).chunk(2, dim=1)
        return mean, logvar.clamp(-30.0, 20.0)

    def decode(self, z):
        """Unscaled latent -> image in [-1, 1]."""
        return self.decoder(self.post_quant_conv(z))


# ---------------------------------------------------------------- the whole model

class CondStage(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.transformer = nn.Module()
        self.transformer.text_model = ClipTextModel(cfg)

    def forward(self, ids):
        return self.transformer.text_model(ids)


class DiffusionWrapper(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.diffusion_model = UNet(cfg)


class TinyStableDiffusion(nn.Module):
    """Attribute names mirror the original checkpoint, so state_dict() has its key names."""

    def __init__(self, cfg=CONFIG):
        super().__init__()
        self.cond_stage_model = CondStage(cfg)
        self.model = DiffusionWrapper(cfg)
        self.first_stage_model = Vae(cfg)


def sd15_betas():
    return torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000, dtype=torch.float64) ** 2
