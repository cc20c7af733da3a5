/**
 * The indexes of the `k` largest finite scores, best first; equal scores rank the lower index
 * first, so results never depend on iteration order. `candidates` limits the search to those
 * indexes (the touched entries of a sparse accumulation); `accept` filters further.
 *
 * A size-k min-heap: O(n log k), which beats sorting all n scores when n is the catalogue.
 */
export function topK(
  scores: ArrayLike<number>,
  k: number,
  options: { candidates?: ArrayLike<number>; accept?: (index: number) => boolean } = {},
): number[] {
  const heap: number[] = [];
  // `a` ranks below `b`: lower score, or the same score and a higher index.
  const below = (a: number, b: number) =>
    scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const offer = (index: number) => {
    const score = scores[index]!;
    if (!Number.isFinite(score) || (options.accept && !options.accept(index))) {
      return;
    }
    if (heap.length < k) {
      heap.push(index);
      siftUp(heap, heap.length - 1, below);
    } else if (k > 0 && below(heap[0]!, index)) {
      heap[0] = index;
      siftDown(heap, 0, below);
    }
  };
  const { candidates } = options;
  if (candidates) {
    for (let c = 0; c < candidates.length; c++) {
      offer(candidates[c]!);
    }
  } else {
    for (let index = 0; index < scores.length; index++) {
      offer(index);
    }
  }
  return heap.sort((a, b) => (below(a, b) ? 1 : below(b, a) ? -1 : 0));
}

function siftUp(heap: number[], at: number, below: (a: number, b: number) => boolean): void {
  while (at > 0) {
    const parent = (at - 1) >> 1;
    if (!below(heap[at]!, heap[parent]!)) {
      return;
    }
    [heap[at], heap[parent]] = [heap[parent]!, heap[at]!];
    at = parent;
  }
}

function siftDown(heap: number[], at: number, below: (a: number, b: number) => boolean): void {
  for (;;) {
    const left = 2 * at + 1;
    const right = left + 1;
    let lowest = at;
    if (left < heap.length && below(heap[left]!, heap[lowest]!)) {
      lowest = left;
    }
    if (right < heap.length && below(heap[right]!, heap[lowest]!)) {
      lowest = right;
    }
    if (lowest === at) {
      return;
    }
    [heap[at], heap[lowest]] = [heap[lowest]!, heap[at]!];
    at = lowest;
  }
}
