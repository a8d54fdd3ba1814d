// Principal component analysis of the rows of a matrix, by the Lanczos method.
//
// The principal components are the top eigenvectors of the covariance C = Xcᵀ·Xc / (n − 1), where
// Xc is X with its column means subtracted. C·v = Xcᵀ·(Xc·v) never needs C itself: 2·n·d
// multiply-adds instead of n·d² to form C. Lanczos builds an orthonormal basis Q of the Krylov
// space {q, Cq, C²q, …}, in which C is the tridiagonal matrix T = QᵀCQ; the largest eigenvalues of
// this small T (found by Jacobi rotations) approach C's largest within a few dozen steps, even when
// they lie close together, where plain power iteration would crawl.

export interface PrincipalComponents {
  /** Column means, subtracted before projecting. */
  readonly mean: Float64Array;
  /** k unit vectors of length cols, by decreasing variance; the largest entry of each is positive. */
  readonly components: readonly Float64Array[];
  /** The variance along each component (its eigenvalue). */
  readonly variances: readonly number[];
  /** The sum of all variances (the trace of C): variances[i] / totalVariance is the share explained. */
  readonly totalVariance: number;
  /** Lanczos steps taken: the size of the Krylov basis. */
  readonly steps: number;
}

export interface PcaOptions {
  /** At most this many Lanczos steps (never more than cols). */
  readonly maxSteps?: number;
  /** Stop when every wanted eigenpair has ‖C·y − θ·y‖ ≤ tolerance · θ₁. */
  readonly tolerance?: number;
}

/** The top `k` principal components of `rows` × `cols` row-major data. */
export function principalComponents(data: ArrayLike<number>, rows: number, cols: number, k: number, options: PcaOptions = {}): PrincipalComponents {
  if (rows < 2) throw new Error(`PCA needs at least 2 rows, got ${rows}`);
  if (data.length !== rows * cols) throw new Error(`PCA: ${data.length} values are not ${rows} rows of ${cols}`);
  if (k < 1 || k > cols) throw new Error(`PCA: k = ${k} must be between 1 and ${cols}`);
  const { maxSteps = 200, tolerance = 1e-10 } = options;
  const { centered, mean } = center(data, rows, cols);
  const totalVariance = dot(centered, centered) / (rows - 1);
  const covarianceTimes = (v: Float64Array): Float64Array => {
    const out = multiplyTransposed(centered, rows, cols, multiply(centered, rows, cols, v)); // Xcᵀ·(Xc·v)
    for (let i = 0; i < cols; i++) out[i] /= rows - 1;
    return out;
  };

  const basis: Float64Array[] = [startVector(cols)];
  const alpha: number[] = [];
  const beta: number[] = [];
  const limit = Math.min(cols, maxSteps);
  let ritz: SymmetricEigen | undefined;
  let nextCheck = k + 2;
  for (let j = 0; j < limit; j++) {
    const w = covarianceTimes(basis[j]);
    alpha.push(dot(w, basis[j]));
    // Three-term recurrence, then full reorthogonalisation (twice), which floating point needs.
    axpy(-alpha[j], basis[j], w);
    if (j > 0) axpy(-beta[j - 1], basis[j - 1], w);
    for (let pass = 0; pass < 2; pass++) for (const q of basis) axpy(-dot(q, w), q, w);
    const b = Math.sqrt(dot(w, w));
    const steps = j + 1;
    const done = steps === limit || b <= 1e-12 * Math.max(1, Math.abs(alpha[0]));
    // The residual of Ritz pair i is b · |last entry of its eigenvector of T|. Checks grow apart
    // geometrically, as each costs O(steps³).
    if (done || steps >= nextCheck) {
      nextCheck = Math.ceil(steps * 1.25) + 1;
      ritz = symmetricEigen(tridiagonal(alpha, beta, steps), steps);
      const largest = Math.max(Math.abs(ritz.values[0]), 1e-300);
      const converged = ritz.vectors.slice(0, k).every((s) => b * Math.abs(s[steps - 1]) <= tolerance * largest);
      if (done || converged) break;
    }
    beta.push(b);
    basis.push(scaled(w, 1 / b));
  }
  const eigen = ritz as SymmetricEigen;
  const steps = eigen.values.length;
  // Ritz vectors: y = Q·s for the eigenvectors s of T. Fewer steps than k (rank-deficient data) leaves zero variance.
  const components = Array.from({ length: k }, (_, c) => {
    const v = new Float64Array(cols);
    if (c < steps) for (let i = 0; i < steps; i++) axpy(eigen.vectors[c][i], basis[i], v);
    else v[c] = 1;
    normalize(v);
    return fixSign(v);
  });
  const variances = Array.from({ length: k }, (_, c) => (c < steps ? Math.max(0, eigen.values[c]) : 0));
  return { mean, components, variances, totalVariance, steps };
}

/** Coordinates of one row (length cols) on the components. */
export function project(pca: PrincipalComponents, row: ArrayLike<number>): number[] {
  return pca.components.map((component) => {
    let sum = 0;
    for (let i = 0; i < component.length; i++) sum += (row[i] - pca.mean[i]) * component[i];
    return sum;
  });
}

export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  readonly values: number[];
  /** vectors[i] is the unit eigenvector of values[i]. */
  readonly vectors: Float64Array[];
}

/**
 * Eigen-decomposition of a small symmetric n × n matrix by cyclic Jacobi rotations: each rotation
 * zeroes one off-diagonal pair, and sweeps repeat until the off-diagonal part vanishes.
 */
export function symmetricEigen(matrix: ArrayLike<number>, n: number): SymmetricEigen {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        // The angle that zeroes a[p][q]: tan(2θ) = 2·a_pq / (a_qq − a_pp).
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < n; r++) {
          const arp = a[r * n + p];
          const arq = a[r * n + q];
          a[r * n + p] = c * arp - s * arq;
          a[r * n + q] = s * arp + c * arq;
        }
        for (let r = 0; r < n; r++) {
          const apr = a[p * n + r];
          const aqr = a[q * n + r];
          a[p * n + r] = c * apr - s * aqr;
          a[q * n + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < n; r++) {
          const vrp = v[r * n + p];
          const vrq = v[r * n + q];
          v[r * n + p] = c * vrp - s * vrq;
          v[r * n + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  return {
    values: order.map((i) => a[i * n + i]),
    vectors: order.map((i) => Float64Array.from({ length: n }, (_, r) => v[r * n + i])),
  };
}

function center(data: ArrayLike<number>, rows: number, cols: number): { centered: Float64Array; mean: Float64Array } {
  const mean = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] += data[r * cols + c];
  for (let c = 0; c < cols; c++) mean[c] /= rows;
  const centered = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) centered[r * cols + c] = data[r * cols + c] - mean[c];
  return { centered, mean };
}

/** X·v for row-major X (rows × cols). */
function multiply(x: Float64Array, rows: number, cols: number, v: Float64Array): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    const base = r * cols;
    for (let c = 0; c < cols; c++) sum += x[base + c] * v[c];
    out[r] = sum;
  }
  return out;
}

/** Xᵀ·u for row-major X (rows × cols). */
function multiplyTransposed(x: Float64Array, rows: number, cols: number, u: Float64Array): Float64Array {
  const out = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const w = u[r];
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c] += w * x[base + c];
  }
  return out;
}

/** A fixed pseudo-random start: the same data always gives the same result, and it is unlikely to miss a component. */
function startVector(cols: number): Float64Array {
  let state = 0x9e3779b9;
  const v = Float64Array.from({ length: cols }, () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
  normalize(v);
  return v;
}

/** The n × n tridiagonal matrix with `alpha` on the diagonal and `beta` beside it. */
function tridiagonal(alpha: readonly number[], beta: readonly number[], n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    t[i * n + i] = alpha[i];
    if (i + 1 < n) t[i * n + i + 1] = t[(i + 1) * n + i] = beta[i];
  }
  return t;
}

function scaled(v: Float64Array, factor: number): Float64Array {
  return v.map((x) => x * factor);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** y += alpha·x */
function axpy(alpha: number, x: ArrayLike<number>, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}

/** Scales v to unit length; returns its length before. */
function normalize(v: Float64Array): number {
  const norm = Math.sqrt(dot(v, v));
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm;
  return norm;
}

/** An eigenvector's sign is arbitrary: make its largest entry positive, so plots do not flip between runs. */
function fixSign(v: Float64Array): Float64Array {
  let largest = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[largest])) largest = i;
  if (v[largest] < 0) for (let i = 0; i < v.length; i++) v[i] = -v[i];
  return v;
}
