"""One-off parity check (never run by npm test; /usr/bin/python3 with torch only).

Builds k-diffusion's sampling.py at commit 4601bf085320592473f681a62808ed873d17fad5 (MIT) without
its scipy/torchsde/torchdiffeq imports (quad replaced by 20-point Gauss-Legendre, exact for the
Lagrange polynomials of sample_lms), runs its samplers in float64 on the golden loop's fake
denoiser with our inputs and per-step noise, and prints the largest difference to our final latent.

  git -C <k-diffusion checkout> show 4601bf0:k_diffusion/sampling.py > sampling_orig.py
  python3 k-diffusion-parity.py /tmp/dump.json

Result on 2026-12-02: every sampler within 4e-7 (10 default and 20 karras steps).
"""
import os
import json, math, sys, torch

def build_kd():
    s = open('sampling_orig.py').read()
    s = s.replace("from scipy import integrate\n", "import numpy as _np\nclass integrate:\n    @staticmethod\n    def quad(fn, a, b, epsrel=None):\n        nodes, weights = _np.polynomial.legendre.leggauss(20)\n        half=(b-a)/2; mid=(a+b)/2\n        return (sum(w*fn(mid+half*n) for n,w in zip(nodes,weights))*half, 0.0)\n")
    s = s.replace("from torchdiffeq import odeint\n", "").replace("import torchsde\n", "").replace("from tqdm.auto import trange, tqdm\n", "def trange(n, disable=None):\n    return range(n)\n")
    s = s.replace("from . import utils\n", "class utils:\n    @staticmethod\n    def append_dims(x, n):\n        return x[(...,) + (None,) * (n - x.ndim)]\n")
    module = type(os)('kd')
    exec(compile(s, 'k_diffusion_sampling', 'exec'), module.__dict__)
    return module
kd = build_kd()
torch.set_default_dtype(torch.float64)
data = json.load(open(sys.argv[1]))
def model(x, sigma):
    s = float(sigma.reshape(-1)[0])
    cin = 1 / math.sqrt(s * s + 1)
    i = torch.arange(x.shape[-1], dtype=torch.float64)
    return 0.9 * torch.tanh(cin * x) + 0.1 * torch.sin(i)
KD = {'euler': kd.sample_euler, 'euler_ancestral': kd.sample_euler_ancestral, 'heun': kd.sample_heun, 'dpm_2': kd.sample_dpm_2,
      'dpm_2_ancestral': kd.sample_dpm_2_ancestral, 'lms': kd.sample_lms, 'dpmpp_2s_ancestral': kd.sample_dpmpp_2s_ancestral,
      'dpmpp_2m': kd.sample_dpmpp_2m, 'dpmpp_2m_sde': kd.sample_dpmpp_2m_sde, 'dpmpp_3m_sde': kd.sample_dpmpp_3m_sde}

def plms_compvis(model, x, sigmas, callback):
    """CompVis p_sample_plms (eta 0) transcribed into VE space: eps = (x - D) / sigma, DDIM transfer x' = x + (s' - s) eps'."""
    old = []
    for i in range(len(sigmas) - 1):
        s, sn = sigmas[i], sigmas[i + 1]
        e = (x - model(x, s.reshape(1))) / s
        if len(old) == 0:
            xn = x + (sn - s) * e
            en = (xn - model(xn, sn.reshape(1))) / sn if sn > 0 else e
            ep = (e + en) / 2 if sn > 0 else e
        elif len(old) == 1: ep = (3 * e - old[-1]) / 2
        elif len(old) == 2: ep = (23 * e - 16 * old[-1] + 5 * old[-2]) / 12
        else: ep = (55 * e - 59 * old[-1] + 37 * old[-2] - 9 * old[-3]) / 24
        x = x + (sn - s) * ep
        old.append(e)
        if len(old) >= 4: old.pop(0)
        callback({'x': x, 'i': i})
    return x
KD['plms'] = lambda m, x, sig, callback=None: plms_compvis(m, x, sig, callback)
KD['ddim'] = kd.sample_euler
for name, d in data.items():
    if name not in KD: continue
    sigmas = torch.tensor(d['sigmas'])
    x = torch.tensor(d['x0'])
    noises = [torch.tensor(n) for n in d['noise']]
    calls = {'k': 0}
    def noise_sampler(a, b):
        # one draw per step, keyed by the step whose start sigma is `a`
        k = min(range(len(sigmas)), key=lambda j: abs(float(sigmas[j]) - float(a)))
        return noises[k]
    traj = []
    cb = lambda info: traj.append(info['x'].clone()) if 'x' in info else None
    kwargs = {}
    if name in ('euler_ancestral', 'dpm_2_ancestral', 'dpmpp_2s_ancestral', 'dpmpp_2m_sde', 'dpmpp_3m_sde'): kwargs['noise_sampler'] = noise_sampler
    out = KD[name](model, x.clone(), sigmas, callback=None, **kwargs) if name != 'plms' else KD[name](model, x.clone(), sigmas, callback=cb)
    ours = torch.tensor(d['result'])
    diff = (out - ours).abs().max().item()
    print(f"{name:20s} max|ref - ours| = {diff:.2e}   sum|x| ref {out.abs().sum().item():.6f} ours {ours.abs().sum().item():.6f}")
