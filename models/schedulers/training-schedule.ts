/** Noise levels SD 1.5 was trained with: 1000 timesteps of the "scaled linear" beta schedule. */
export const TRAINING_TIMESTEPS = 1000;

const BETA_START = 0.00085;
const BETA_END = 0.012;
/** PyTorch's CPU linspace fills float32 vectors of 8 (AVX2), each lane `base + lane * step`. */
const LINSPACE_LANES = 8;

/**
 * `torch.linspace(sqrt(beta_start), sqrt(beta_end), 1000, dtype=float32)` bit for bit as the CompVis
 * reference's PyTorch computes it on x86: the first half counts up from the start, the second half down from the
 * end, and each vector's base `start + step * index` is one fused multiply-add.
 */
function sqrtBetas(): Float32Array {
  const start = Math.fround(Math.sqrt(BETA_START));
  const end = Math.fround(Math.sqrt(BETA_END));
  const step = Math.fround((end - start) / (TRAINING_TIMESTEPS - 1));
  const halfway = TRAINING_TIMESTEPS / 2;
  const out = new Float32Array(TRAINING_TIMESTEPS);
  for (let index = 0; index < TRAINING_TIMESTEPS; index += LINSPACE_LANES) {
    const base =
      index < halfway
        ? Math.fround(start + step * index)
        : Math.fround(end - step * (TRAINING_TIMESTEPS - index - 1));
    for (let lane = 0; lane < LINSPACE_LANES; lane++) out[index + lane] = base + Math.fround(lane * step);
  }
  return out;
}

/**
 * alphas_cumprod as the CompVis reference has them: float32 betas and alphas, the running product accumulated
 * in float64 (PyTorch's CPU cumprod) and stored as float32.
 */
function alphasCumprod(): Float64Array {
  const out = new Float64Array(TRAINING_TIMESTEPS);
  let product = 1;
  sqrtBetas().forEach((root, t) => {
    const beta = Math.fround(root * root);
    product *= Math.fround(1 - beta);
    out[t] = Math.fround(product);
  });
  return out;
}

/** abar_t for t = 0..999 (float32 values held in float64). */
export const ALPHAS_CUMPROD: Float64Array = alphasCumprod();

/** sigma_t = sqrt((1 - abar_t) / abar_t): the noise level of timestep t in x = x0 + sigma * eps. */
export const TRAINING_SIGMAS: Float64Array = ALPHAS_CUMPROD.map((abar) => Math.sqrt((1 - abar) / abar));

const LOG_SIGMAS = TRAINING_SIGMAS.map(Math.log);

export const SIGMA_MIN = TRAINING_SIGMAS[0];
export const SIGMA_MAX = TRAINING_SIGMAS[TRAINING_TIMESTEPS - 1];

/**
 * The (fractional) timestep of a noise level, interpolating linearly in log sigma between the two
 * training timesteps around it; clamped to [0, 999]. A training sigma maps exactly to its integer t.
 */
export function sigmaToTimestep(sigma: number): number {
  if (!(sigma > SIGMA_MIN)) return 0;
  if (sigma >= SIGMA_MAX) return TRAINING_TIMESTEPS - 1;
  const logSigma = Math.log(sigma);
  let low = 0;
  let high = TRAINING_TIMESTEPS - 1;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (LOG_SIGMAS[middle] <= logSigma) low = middle;
    else high = middle;
  }
  const weight = (logSigma - LOG_SIGMAS[low]) / (LOG_SIGMAS[high] - LOG_SIGMAS[low]);
  return low + weight;
}

/** The noise level of a (fractional) timestep in [0, 999], interpolating log sigma linearly. */
export function timestepToSigma(timestep: number): number {
  const t = Math.min(Math.max(timestep, 0), TRAINING_TIMESTEPS - 1);
  const low = Math.floor(t);
  if (low === t) return TRAINING_SIGMAS[t];
  const weight = t - low;
  return Math.exp((1 - weight) * LOG_SIGMAS[low] + weight * LOG_SIGMAS[low + 1]);
}
