/**
 * @fileoverview Quoting user input inside error messages. A binary file read as CSV has a "header
 * line" of megabytes; echoing it whole buries the message and can garble a terminal. Quoted input is
 * cut to a short excerpt that says how long the original was, and control characters are escaped.
 */

/** Default length of a quoted excerpt, in characters. */
export const QUOTE_MAX_CHARS = 200;

/**
 * `text` for a message: control characters as `\uXXXX` (newlines and tabs as `\n`, `\t`) and, beyond
 * `max` characters, cut with "… (N characters)" so the reader knows it was cut.
 */
export function excerpt(text: string, max = QUOTE_MAX_CHARS): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  // eslint-disable-next-line no-control-regex
  const safe = cut.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) =>
    c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length > max ? `${safe}… (${text.length} characters)` : safe;
}
