// PCA by orthogonal iteration (extension/attention/pca.ts) against answers known in closed form,
// and against a direct eigen-decomposition of the explicitly formed covariance matrix.
import * as assert from 'node:assert/strict';
import { principalComponents, project, symmetricEigen } from '../../extension/attention/pca';

/** A rotation of R^n: the Householder reflection I − 2uuᵀ/‖u‖², orthogonal and known exactly. */
function householder(u: readonly number[]): number[][] {
  const norm2 = u.reduce((s, x) => s + x * x, 0);
  return u.map((ui, i) => u.map((uj, j) => (i === j ? 1 : 0) - (2 * ui * uj) / norm2));
}

function assertParallel(actual: ArrayLike<number>, expected: readonly number[], tolerance: number, what: string): void {
  let dot = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    dot += actual[i] * expected[i];
    norm += expected[i] ** 2;
  }
  assert.ok(Math.abs(Math.abs(dot) / Math.sqrt(norm) - 1) < tolerance, `${what}: |cos| = ${Math.abs(dot) / Math.sqrt(norm)}`);
}

describe('attention panel: PCA', () => {
  it('finds the axes of a cross of points: x first (variance 8/3), then y (2/3)', () => {
    const pca = principalComponents([2, 0, 0, 1, -2, 0, 0, -1], 4, 2, 2);
    assert.deepEqual(Array.from(pca.mean), [0, 0]);
    assertParallel(pca.components[0], [1, 0], 1e-12, 'first component');
    assertParallel(pca.components[1], [0, 1], 1e-12, 'second component');
    assert.ok(Math.abs(pca.variances[0] - 8 / 3) < 1e-12);
    assert.ok(Math.abs(pca.variances[1] - 2 / 3) < 1e-12);
    assert.ok(Math.abs(pca.totalVariance - 10 / 3) < 1e-12);
    assert.deepEqual(project(pca, [2, 0]).map((v) => Math.round(v * 1e9) / 1e9), [2, 0]);
  });

  it('recovers known components in 6-D: rows ±a_i·r_i around a mean, r_i the columns of a rotation', () => {
    const cols = 6;
    const rotation = householder([1, -2, 0.5, 3, -1, 2]);
    const axis = (i: number) => rotation.map((row) => row[i]);
    const amplitudes = [5, 3, 2, 1, 0.5, 0.25];
    const mean = [10, -4, 0, 2, 7, -1];
    const rows: number[] = [];
    amplitudes.forEach((a, i) => {
      for (const sign of [1, -1]) rows.push(...axis(i).map((x, c) => mean[c] + sign * a * x));
    });
    const n = rows.length / cols;
    const pca = principalComponents(rows, n, cols, 3);
    pca.mean.forEach((m, c) => assert.ok(Math.abs(m - mean[c]) < 1e-12, `mean[${c}]`));
    for (let i = 0; i < 3; i++) {
      assertParallel(pca.components[i], axis(i), 1e-9, `component ${i}`);
      // Two rows ±a·r contribute 2a²·r·rᵀ to Xcᵀ·Xc: the variance along r is 2a² / (n − 1).
      assert.ok(Math.abs(pca.variances[i] - (2 * amplitudes[i] ** 2) / (n - 1)) < 1e-9, `variance ${i}`);
    }
    const total = amplitudes.reduce((s, a) => s + (2 * a * a) / (n - 1), 0);
    assert.ok(Math.abs(pca.totalVariance - total) < 1e-9);
    // A row's coordinates are its amplitudes along the components (up to each component's sign).
    const coordinates = project(pca, rows.slice(0, cols));
    assert.ok(Math.abs(Math.abs(coordinates[0]) - 5) < 1e-9);
    assert.ok(Math.abs(coordinates[1]) < 1e-9 && Math.abs(coordinates[2]) < 1e-9);
  });

  it('agrees with Jacobi on the full covariance matrix for random data (200 × 24)', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
    const rows = 200;
    const cols = 24;
    // Columns with different scales, so the spectrum has clear gaps at the top.
    const data = Array.from({ length: rows * cols }, (_, i) => random() * (1 + 4 / (1 + (i % cols))));
    const pca = principalComponents(data, rows, cols, 2);
    const covariance = new Float64Array(cols * cols);
    for (let a = 0; a < cols; a++) {
      for (let b = 0; b < cols; b++) {
        let sum = 0;
        for (let r = 0; r < rows; r++) sum += (data[r * cols + a] - pca.mean[a]) * (data[r * cols + b] - pca.mean[b]);
        covariance[a * cols + b] = sum / (rows - 1);
      }
    }
    const direct = symmetricEigen(covariance, cols);
    for (let i = 0; i < 2; i++) {
      assert.ok(Math.abs(pca.variances[i] - direct.values[i]) < 1e-9 * direct.values[0], `eigenvalue ${i}`);
      assertParallel(pca.components[i], Array.from(direct.vectors[i]), 1e-8, `component ${i}`);
    }
    assert.ok(Math.abs(pca.totalVariance - direct.values.reduce((s, v) => s + v, 0)) < 1e-9);
  });

  it('diagonalises the 3 × 3 second-difference matrix: eigenvalues 2 − √2, 2, 2 + √2', () => {
    const { values, vectors } = symmetricEigen([2, -1, 0, -1, 2, -1, 0, -1, 2], 3);
    const r = Math.SQRT2;
    [2 + r, 2, 2 - r].forEach((expected, i) => assert.ok(Math.abs(values[i] - expected) < 1e-12, `value ${i}`));
    assertParallel(vectors[0], [1, -r, 1], 1e-12, 'vector of 2 + √2');
    assertParallel(vectors[1], [1, 0, -1], 1e-12, 'vector of 2');
    assertParallel(vectors[2], [1, r, 1], 1e-12, 'vector of 2 − √2');
  });

  it('gives each component a fixed sign and refuses bad shapes', () => {
    const a = principalComponents([1, 2, 3, 4, 5, 7, -1, 0, 2], 3, 3, 1);
    const b = principalComponents([1, 2, 3, 4, 5, 7, -1, 0, 2], 3, 3, 1);
    assert.deepEqual(Array.from(a.components[0]), Array.from(b.components[0]));
    const largest = Array.from(a.components[0]).reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
    assert.ok(largest > 0);
    assert.throws(() => principalComponents([1, 2], 1, 2, 1), /at least 2 rows/);
    assert.throws(() => principalComponents([1, 2, 3], 2, 2, 1), /3 values are not 2 rows of 2/);
    assert.throws(() => principalComponents([1, 2, 3, 4], 2, 2, 3), /k = 3/);
  });
});
