/**
 * @fileoverview Linear-memory allocation for the host: a LIFO arena. The host lays out every
 * buffer of a model once (parameters first, then a workspace sized to the batch), so kernels never
 * allocate; `release(mark)` drops everything allocated after `mark` (e.g. a workspace that must
 * grow, or the training set after fit).
 */

let top: usize = (__heap_base + 15) & ~15;

/** Reserve `bytes` (16-byte aligned, zeroed); returns the byte offset. Grows memory as needed. */
export function alloc(bytes: usize): usize {
  const ptr = top;
  const end = (ptr + bytes + 15) & ~15;
  const have = <usize>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >>> 16);
    if (memory.grow(pages) < 0) return 0; // out of memory: the host reports it
  }
  memory.fill(ptr, 0, end - ptr);
  top = end;
  return ptr;
}

/** Current end of the arena (a mark to release back to). */
export function mark(): usize {
  return top;
}

/** Free everything allocated at or after `m`. */
export function release(m: usize): void {
  if (m >= ((__heap_base + 15) & ~15) && m <= top) top = m;
}
