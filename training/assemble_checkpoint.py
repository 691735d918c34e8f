"""Merges .safetensors files into one checkpoint, later files overriding earlier ones, e.g. the
diffusion checkpoint plus the fine-tuned decoder:

  python3 training/assemble_checkpoint.py --out shapes-tiny.safetensors a.safetensors b.safetensors
"""
import argparse

from checkpoint_io import load_safetensors, save_safetensors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("inputs", nargs="+")
    args = parser.parse_args()
    merged = {}
    for path in args.inputs:
        merged.update(load_safetensors(path))
    save_safetensors(merged, args.out)
    print(f"wrote {len(merged)} tensors to {args.out}")


if __name__ == "__main__":
    main()
