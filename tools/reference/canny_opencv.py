"""Writes the Canny test fixtures (test/fixtures/canny/): seeded test images and OpenCV's edge maps of them.

Run once with Debian's /usr/bin/python3 (python3-opencv, python3-numpy); CI only reads the PNGs it writes.
OpenCV's pipeline for the comparison: BT.601 gray, 5x5 Gaussian (sigma 1), cv2.Canny with the L2 gradient and
the thresholds times 255 (cv2 works on the 8-bit image; models/image/canny.ts on [0, 1]).
"""
import json
import os
import sys

import cv2
import numpy as np

THRESHOLDS = [(0.4, 0.8), (0.1, 0.3), (0.2, 0.5)]


def shapes(rng):
    img = np.full((96, 96, 3), (40, 90, 160), np.uint8)
    cv2.circle(img, (30, 34), 18, (230, 200, 40), -1, cv2.LINE_AA)
    cv2.rectangle(img, (52, 50), (86, 80), (200, 40, 60), -1)
    triangle = np.array([[20, 88], [44, 58], [60, 90]], np.int32)
    cv2.fillPoly(img, [triangle], (250, 250, 250), cv2.LINE_AA)
    for i, step in enumerate((6, 14, 24, 36, 52)):  # faint to clear edges, so the thresholds matter
        cv2.rectangle(img, (4 + 18 * i, 4), (14 + 18 * i, 12), tuple(int(c + step) for c in (40, 90, 160)), -1)
    cv2.circle(img, (74, 26), 12, (70, 100, 150), -1, cv2.LINE_AA)
    noise = rng.normal(0, 3, img.shape)
    return np.clip(img + noise, 0, 255).astype(np.uint8)


def texture(rng):
    y, x = np.mgrid[0:80, 0:112].astype(np.float64)
    base = 128 + 60 * np.sin(x / 7.0) * np.cos(y / 11.0) + 0.5 * (x - 56)
    img = np.stack([base, base * 0.8 + 20, 255 - base], axis=-1)
    cv2.ellipse(img, (70, 40), (28, 14), 30, 0, 360, (20, 20, 20), -1, cv2.LINE_AA)
    cv2.ellipse(img, (26, 58), (16, 10), -20, 0, 360, tuple(float(c) for c in img[58, 26] + 30), -1, cv2.LINE_AA)
    img += rng.normal(0, 2, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(16)
    cases = []
    for name, make in (("shapes", shapes), ("texture", texture)):
        rgb = make(rng)
        cv2.imwrite(os.path.join(out_dir, f"{name}.png"), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        blurred = cv2.GaussianBlur(gray, (5, 5), 1)
        for low, high in THRESHOLDS:
            edges = cv2.Canny(blurred, low * 255, high * 255, L2gradient=True)
            edge_file = f"{name}-{low}-{high}.png"
            cv2.imwrite(os.path.join(out_dir, edge_file), edges)
            cases.append({"image": f"{name}.png", "low": low, "high": high, "edges": edge_file,
                          "edge_pixels": int((edges > 0).sum())})
    with open(os.path.join(out_dir, "cases.json"), "w") as f:
        json.dump({"opencv": cv2.__version__, "cases": cases}, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/canny")
