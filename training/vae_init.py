"""A hand-set starting point for the tiny VAE: an exact 8x8 average-pooling encoder (latent
channels 0-2 = mean R, G, B of each 8x8 cell, channel 3 = 0) and a nearest-neighbour decoder.
Training from scratch learned slowly on this machine's CPU budget; from here it only has to
learn to sharpen edges.

Every ResBlock starts as the identity (its second conv is zero), the attention blocks too
(proj_out is zero), shortcuts and resampling convs copy the carried channels. The main-path
GroupNorms (norm_out) would erase each group's mean, i.e. a flat image's colour, so every group
that carries a colour also carries a large constant channel: the group's statistics are then
dominated by the constant, and the norm's affine parameters undo the normalisation almost exactly.
Each colour also travels with its negative in the same group, so the group mean does not depend
on the image's colours. This needs 3 channels per group wherever norm_out sits (96 channels).
"""
import torch

# Carried channels at fixed indices in every level: colour, constant, negated colour, for R, G, B.
COLOUR_CHANNELS = (0, 3, 6)
CONSTANT_CHANNELS = (1, 4, 7)
NEGATED_CHANNELS = (2, 5, 8)
CONSTANT = 20.0
# Keeps the colour channels far into SiLU's linear range after norm_out; conv_out removes it.
SILU_OFFSET = 10.0
CARRIED = COLOUR_CHANNELS + CONSTANT_CHANNELS + NEGATED_CHANNELS


def copy_channels(conv, pairs, tap=None):
    """Sets conv to copy input channel i to output channel o for each (i, o), at the kernel centre
    (or at every tap in `tap`, averaged); a pair (i, o, -1) copies the negated channel."""
    torch.nn.init.zeros_(conv.weight)
    torch.nn.init.zeros_(conv.bias)
    kh, kw = conv.weight.shape[2:]
    taps = tap or [(kh // 2, kw // 2)]
    for i, o, *sign in pairs:
        for y, x in taps:
            conv.weight[o, i, y, x] = (sign[0] if sign else 1.0) / len(taps)


def make_identity_resblock(block):
    torch.nn.init.zeros_(block.conv2.weight)
    torch.nn.init.zeros_(block.conv2.bias)
    if hasattr(block, "nin_shortcut"):
        copy_channels(block.nin_shortcut, [(c, c) for c in CARRIED])


def make_identity_mid(mid):
    make_identity_resblock(mid.block_1)
    make_identity_resblock(mid.block_2)
    torch.nn.init.zeros_(mid.attn_1.proj_out.weight)
    torch.nn.init.zeros_(mid.attn_1.proj_out.bias)


def undo_group_norm(norm):
    """Affine parameters that turn the normalised colour channels back into colour + SILU_OFFSET,
    for a group whose only large members are the constant channels."""
    channels_per_group = norm.num_channels // norm.num_groups
    torch.nn.init.zeros_(norm.weight)
    torch.nn.init.zeros_(norm.bias)
    for c in COLOUR_CHANNELS:
        group = range(c - c % channels_per_group, c - c % channels_per_group + channels_per_group)
        if c + 2 not in group:
            raise ValueError(f"norm_out with {channels_per_group} channels per group cannot carry colours")
        values = torch.tensor([CONSTANT if g in CONSTANT_CHANNELS else 0.0 for g in group])
        mean, std = values.mean(), (values.pow(2).mean() - values.mean().pow(2)).sqrt()
        norm.weight[c] = std
        norm.bias[c] = mean + SILU_OFFSET


@torch.no_grad()
def init_pooling_autoencoder(vae):
    encoder, decoder = vae.encoder, vae.decoder
    latent = range(len(COLOUR_CHANNELS))
    spread = [(i, c) for i, c in zip(latent, COLOUR_CHANNELS)] + [(i, c, -1.0) for i, c in zip(latent, NEGATED_CHANNELS)]
    copy_channels(encoder.conv_in, spread)
    for c in CONSTANT_CHANNELS:
        encoder.conv_in.bias[c] = CONSTANT
    for level in encoder.down:
        for block in level.block:
            make_identity_resblock(block)
        if hasattr(level, "downsample"):
            copy_channels(level.downsample.conv, [(c, c) for c in CARRIED], tap=[(0, 0), (0, 1), (1, 0), (1, 1)])
    make_identity_mid(encoder.mid)
    undo_group_norm(encoder.norm_out)
    copy_channels(encoder.conv_out, [(c, i) for i, c in zip(latent, COLOUR_CHANNELS)])
    encoder.conv_out.bias[: len(COLOUR_CHANNELS)] = -SILU_OFFSET
    zc = vae.post_quant_conv.weight.shape[0]
    copy_channels(vae.quant_conv, [(i, i) for i in range(2 * zc)])
    vae.quant_conv.bias[zc:] = -10.0

    copy_channels(vae.post_quant_conv, [(i, i) for i in range(zc)])
    copy_channels(decoder.conv_in, spread)
    for c in CONSTANT_CHANNELS:
        decoder.conv_in.bias[c] = CONSTANT
    make_identity_mid(decoder.mid)
    for level in decoder.up:
        for block in level.block:
            make_identity_resblock(block)
        if hasattr(level, "upsample"):
            copy_channels(level.upsample.conv, [(c, c) for c in CARRIED])
    undo_group_norm(decoder.norm_out)
    copy_channels(decoder.conv_out, [(c, i) for i, c in zip(latent, COLOUR_CHANNELS)])
    decoder.conv_out.bias[:] = -SILU_OFFSET
