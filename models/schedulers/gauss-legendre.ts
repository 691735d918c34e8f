/** 8-point Gauss-Legendre nodes and weights on [-1, 1] (exact for polynomials up to degree 15). */
const NODES = [-0.9602898564975363, -0.7966664774136267, -0.525532409916329, -0.1834346424956498, 0.1834346424956498, 0.525532409916329, 0.7966664774136267, 0.9602898564975363];
const WEIGHTS = [0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.362683783378362, 0.362683783378362, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763];

/** The integral of f over [a, b] (b may be below a) by 8-point Gauss-Legendre quadrature. */
export function integrate(f: (t: number) => number, a: number, b: number): number {
  const half = (b - a) / 2;
  const middle = (a + b) / 2;
  return NODES.reduce((sum, node, k) => sum + WEIGHTS[k] * f(middle + half * node), 0) * half;
}
