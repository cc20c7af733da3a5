/**
 * Scales `vector` to unit length in place (the norm is summed in float64) and returns it; the
 * zero vector stays zero rather than turning into NaNs.
 */
export function normalizeInPlace<T extends Float32Array | Float64Array>(vector: T): T {
  let sum = 0;
  for (const value of vector) {
    sum += value * value;
  }
  const norm = Math.sqrt(sum);
  if (norm > 0) {
    for (let i = 0; i < vector.length; i += 1) {
      vector[i] = vector[i]! / norm;
    }
  }
  return vector;
}
