/**
 * @fileoverview Reading an HTTP reply body with a size cap. `res.text()` buffers whatever the server
 * sends — an endless body grows the process until the request times out (10 GB was seen). Reading the
 * body stream chunk by chunk lets the client stop at the cap; a Content-Length above the cap is refused
 * before a byte is read.
 */

export interface CappedBody {
  text: string;
  bytesRead: number;
  /** True when the body is larger than the cap (then `text` is empty). */
  tooLarge: boolean;
}

/**
 * The body of `res` as UTF-8 text, reading at most `maxBytes` (+ one chunk). Streams when `res.body`
 * is an async iterable (node-fetch, WHATWG fetch in Node); otherwise falls back to `res.text()` and
 * checks its length afterwards.
 */
export async function readBodyCapped(
  res: { body?: unknown; text(): Promise<string> },
  maxBytes: number,
  contentLength?: string | null,
): Promise<CappedBody> {
  const declared = contentLength != null && /^\d+$/.test(contentLength.trim()) ? Number(contentLength) : undefined;
  if (declared !== undefined && declared > maxBytes) return { text: '', bytesRead: 0, tooLarge: true };
  const body = res.body as AsyncIterable<Uint8Array | string> | null | undefined;
  if (body == null || typeof (body as any)[Symbol.asyncIterator] !== 'function') {
    const text = await res.text();
    const bytes = Buffer.byteLength(text, 'utf8');
    return bytes > maxBytes ? { text: '', bytesRead: bytes, tooLarge: true } : { text, bytesRead: bytes, tooLarge: false };
  }
  const chunks: Buffer[] = [];
  let bytesRead = 0;
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    bytesRead += bytes.length;
    // Leaving the loop early ends the iterator, which destroys the stream (no more is buffered).
    if (bytesRead > maxBytes) return { text: '', bytesRead, tooLarge: true };
    chunks.push(bytes);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), bytesRead, tooLarge: false };
}
