#!/bin/sh
# Checks every network built by models/sd15 against the PyTorch reference in sd15_torch.py.
# usage: tools/reference/run.sh <tiny|full> <work dir> [float32|float16]
# Full size needs ~9 GB free disk (weights + models) and ~8 GB RAM; networks run one at a time.
set -e
size=$1
dir=$(realpath -m "$2")
weights=${3:-float32}
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$size" = full ]; then latent=64; else latent=8; fi
mkdir -p "$dir"
if [ ! -f "$dir/weights.safetensors" ]; then
  node --import tsx "$root/tools/reference/dump-tensors.ts" "$size" "$dir/tensors.json"
  /usr/bin/python3 "$root/tools/reference/make_weights.py" "$dir/tensors.json" "$dir/weights.safetensors"
fi
for network in text_encoder vae_decoder vae_encoder unet; do
  batch=2
  if [ "$network" = vae_decoder ] || [ "$network" = vae_encoder ]; then batch=1; fi
  if [ ! -f "$dir/$network/meta.json" ]; then
    (cd "$root/tools/reference" && /usr/bin/python3 run_reference.py "$dir" "$network" "$latent" "$batch")
  fi
  (cd "$root" && node --import tsx tools/reference/compare.ts "$dir" "$network" "$weights")
done
