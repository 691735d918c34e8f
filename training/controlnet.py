"""The SD 1.5 ControlNet (Zhang et al. 2023, "Adding Conditional Control to Text-to-Image Diffusion Models")
at shapes-tiny's sizes, with the original checkpoint's key names under `control_model.`: a copy of the
UNet's time embedding, input blocks and middle block, the hint encoder (input_hint_block: eight 3x3 convs,
SiLU between, 8x downsampling), a zero-initialised 1x1 conv after every input
block (zero_convs) and after the middle block (middle_block_out). Its outputs are added to the UNet's skip
connections and middle-block output (unet_with_control), as models/sd15/controlnet.ts builds it in ONNX."""
import torch
from torch import nn

from tiny_sd import UNet, timestep_embedding

PREFIX = "control_model."
UNET_PREFIX = "model.diffusion_model."
# The parts of the UNet the ControlNet copies.
COPIED = ("time_embed.", "input_blocks.", "middle_block.")
# input_hint_block's conv widths and strides, as in the SD 1.5 ControlNets; then a conv to the UNet's first width.
HINT_CHANNELS = [16, 16, 32, 32, 96, 96, 256]
HINT_STRIDES = [1, 1, 2, 1, 2, 1, 2]


def zero_conv(channels):
    conv = nn.Conv2d(channels, channels, 1)
    nn.init.zeros_(conv.weight)
    nn.init.zeros_(conv.bias)
    return nn.Sequential(conv)


def skip_widths(cfg):
    """The channels of each input block's output, as UNet builds them (conv_in, then per level its ResBlocks and a downsample)."""
    channels = cfg["unet_channels"]
    widths = [channels[0]]
    for level, out in enumerate(channels):
        widths += [out] * cfg["unet_res_blocks"]
        if level < len(channels) - 1:
            widths.append(out)
    return widths


class ControlNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        encoder = UNet(cfg)
        self.base = encoder.base
        self.time_embed = encoder.time_embed
        self.input_blocks = encoder.input_blocks
        self.middle_block = encoder.middle_block
        layers, channels = [], 3
        for out, stride in zip(HINT_CHANNELS, HINT_STRIDES):
            layers += [nn.Conv2d(channels, out, 3, stride=stride, padding=1), nn.SiLU()]
            channels = out
        # The original zero-initialises this last conv too. Here it keeps PyTorch's default initialisation: with
        # it zero as well, the edge map reaches the encoder copy only after the zero convs have grown, and in a
        # first run of 350 steps (lr 5e-4) it still had no effect on where the shapes went. The zero convs alone
        # keep the start harmless: the untrained ControlNet adds exactly nothing to the UNet.
        self.input_hint_block = nn.Sequential(*layers, nn.Conv2d(channels, cfg["unet_channels"][0], 3, padding=1))
        self.zero_convs = nn.ModuleList(zero_conv(width) for width in skip_widths(cfg))
        self.middle_block_out = zero_conv(cfg["unet_channels"][-1])

    def init_from_unet(self, unet_state):
        """Copies the UNet's encoder weights (a `model.diffusion_model.*` state dict) into the copy."""
        names = [name for name in self.state_dict() if name.startswith(COPIED)]
        missing = [name for name in names if UNET_PREFIX + name not in unet_state]
        if missing:
            raise KeyError(f"the UNet state has no {missing[:3]}")
        self.load_state_dict({name: unet_state[UNET_PREFIX + name] for name in names}, strict=False)

    def forward(self, x, t, context, hint):
        """Control residuals, skip connections first, then the middle block's."""
        emb = self.time_embed(timestep_embedding(t, self.base))
        guided = self.input_hint_block(hint)
        outs = []
        h = x
        for i, (block, zero) in enumerate(zip(self.input_blocks, self.zero_convs)):
            h = block(h, emb, context)
            if i == 0:
                h = h + guided
            outs.append(zero(h))
        outs.append(self.middle_block_out(self.middle_block(h, emb, context)))
        return outs


def unet_with_control(unet, x, t, context, control=None, strength=1.0):
    """tiny_sd.UNet.forward with the control residuals added to its skip connections and middle output."""
    emb = unet.time_embed(timestep_embedding(t, unet.base))
    skips = []
    for block in unet.input_blocks:
        x = block(x, emb, context)
        skips.append(x)
    x = unet.middle_block(x, emb, context)
    if control is not None:
        x = x + strength * control[-1]
        skips = [skip + strength * residual for skip, residual in zip(skips, control[:-1])]
    for block in unet.output_blocks:
        x = block(torch.cat([x, skips.pop()], dim=1), emb, context)
    return unet.out(x)
