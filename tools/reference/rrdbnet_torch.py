"""RRDBNet (ESRGAN / Real-ESRGAN) in plain PyTorch, for the one-off parity check of models/upscale.

Written from the papers' description (Wang et al. 2018, ESRGAN section 3.1; Real-ESRGAN 2021,
pixel unshuffle for x2): every size is read from the weights' key names and shapes, not from the
TypeScript config. Usage: rrdbnet_torch.py <weights.pth> <input.f32> <height> <width> <output.f32>
(raw little-endian float32 [1, 3, H, W] in, [1, 3, H*s, W*s] out). Needs /usr/bin/python3 with torch.
"""
import sys

import numpy as np
import torch
import torch.nn.functional as F


def state_dict(path):
    loaded = torch.load(path, map_location="cpu")
    for key in ("params_ema", "params", "state_dict"):
        if isinstance(loaded, dict) and key in loaded:
            return loaded[key]
    return loaded


def conv(w, prefix, x):
    return F.conv2d(x, w[prefix + ".weight"].float(), w[prefix + ".bias"].float(), padding=1)


def lrelu(x):
    return F.leaky_relu(x, 0.2)


def dense_block(w, prefix, x):
    feats = [x]
    for j in range(1, 5):
        feats.append(lrelu(conv(w, f"{prefix}.conv{j}", torch.cat(feats, 1))))
    return conv(w, f"{prefix}.conv5", torch.cat(feats, 1)) * 0.2 + x


def forward(w, x):
    blocks = 0
    while f"body.{blocks}.rdb1.conv1.weight" in w:
        blocks += 1
    ups = 0
    while f"conv_up{ups + 1}.weight" in w:
        ups += 1
    image_channels = w["conv_last.weight"].shape[0]
    factor = int(round((w["conv_first.weight"].shape[1] // image_channels) ** 0.5))
    if factor > 1:
        x = F.pixel_unshuffle(x, factor)
    feat = conv(w, "conv_first", x)
    body = feat
    for b in range(blocks):
        y = body
        for k in range(1, 4):
            y = dense_block(w, f"body.{b}.rdb{k}", y)
        body = y * 0.2 + body
    feat = feat + conv(w, "conv_body", body)
    for u in range(1, ups + 1):
        feat = lrelu(conv(w, f"conv_up{u}", F.interpolate(feat, scale_factor=2, mode="nearest")))
    return conv(w, "conv_last", lrelu(conv(w, "conv_hr", feat)))


def main():
    weights_path, input_path, height, width, output_path = sys.argv[1:6]
    torch.set_num_threads(2)
    w = state_dict(weights_path)
    x = torch.from_numpy(np.fromfile(input_path, dtype="<f4").reshape(1, 3, int(height), int(width)).copy())
    with torch.no_grad():
        y = forward(w, x)
    y.numpy().astype("<f4").tofile(output_path)
    print("output shape", list(y.shape))


if __name__ == "__main__":
    main()
