/**
 * @fileoverview Linear-memory allocation for the host: a bump arena. The host (TypeScript) lays out
 * every buffer of a model once, so the kernels never allocate in a hot path.
 */

/** Reserve `bytes` (rounded up to 16 for v128 alignment); returns the byte offset. */
export function alloc(bytes: usize): usize {
  return heap.alloc((bytes + 15) & ~15);
}

/** Release everything after `ptr` when it was the last allocation (stub runtime semantics). */
export function free(ptr: usize): void {
  heap.free(ptr);
}
