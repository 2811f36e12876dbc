/**
 * @fileoverview A streaming CSV record splitter (RFC 4180): text goes in as chunks of any size,
 * records come out one at a time with the 1-based line they start on. Cells may be quoted (`"1.5"`,
 * `"a ""b"""`, a quoted cell may hold commas and line breaks); lines end in LF, CRLF or CR; the last
 * record needs no line end. Only an unfinished record is held between chunks, and it is bounded, so a
 * file without line breaks (a binary file) cannot grow memory without limit.
 */

const COMMA = 44, QUOTE = 34, LF = 10, CR = 13, SPACE = 32, TAB = 9;

/** Longest record accepted, in characters (a candle line is under 200). */
export const MAX_RECORD_CHARS = 1 << 20;

/** A malformed record: `line` is where it starts. */
export class CsvSyntaxError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/** Called once per record with its cells (unquoted) and the line it starts on. */
export type CsvRecordHandler = (cells: string[], line: number) => void;

/** Feed text with `push`, then call `end` once; each complete record goes to the handler. */
export class CsvRecords {
  private rest = '';
  private line = 1;

  constructor(private readonly onRecord: CsvRecordHandler, private readonly maxRecordChars = MAX_RECORD_CHARS) {}

  /** Add the next chunk of text. */
  push(chunk: string): void {
    const text = this.rest.length > 0 ? this.rest + chunk : chunk;
    const used = this.split(text, false);
    this.rest = used < text.length ? text.slice(used) : '';
    if (this.rest.length > this.maxRecordChars) {
      throw new CsvSyntaxError(`a line longer than ${this.maxRecordChars} characters; this is not a candle CSV`, this.line);
    }
  }

  /** The input is complete: the last record may end without a line break. */
  end(): void {
    if (this.rest.length > 0) this.split(this.rest, true);
    this.rest = '';
  }

  /**
   * Emit the complete records of `s` and return how many characters they used. Unless `final`, a
   * record that reaches the end of `s` may continue in the next chunk and is left for then.
   */
  private split(s: string, final: boolean): number {
    const n = s.length;
    let pos = 0;
    records: while (pos < n) {
      const cells: string[] = [];
      let i = pos, breaks = 0;
      for (;;) {
        if (i < n && s.charCodeAt(i) === QUOTE) {
          let value = '', from = i + 1;
          for (;;) {
            const q = s.indexOf('"', from);
            // The closing quote may be in the next chunk; so may the second quote of an escaped `""`.
            if (q < 0 || (q + 1 >= n && !final)) {
              if (!final) break records;
              throw new CsvSyntaxError('a quoted cell is never closed (a " without its closing ")', this.line);
            }
            if (s.charCodeAt(q + 1) === QUOTE) {
              value += s.slice(from, q + 1);
              from = q + 2;
              continue;
            }
            value += s.slice(from, q);
            i = q + 1;
            break;
          }
          for (let k = value.indexOf('\n'); k >= 0; k = value.indexOf('\n', k + 1)) breaks++;
          cells.push(value);
          // Spaces after a closing quote are harmless; anything else is not CSV.
          while (i < n && (s.charCodeAt(i) === SPACE || s.charCodeAt(i) === TAB)) i++;
        } else {
          let j = i;
          for (; j < n; j++) {
            const c = s.charCodeAt(j);
            if (c === COMMA || c === LF || c === CR) break;
          }
          if (j >= n && !final) break records;
          cells.push(s.slice(i, j));
          i = j;
        }
        if (i >= n) {
          if (!final) break records;
          this.emit(cells, breaks);
          return n;
        }
        const c = s.charCodeAt(i);
        if (c === COMMA) {
          i++;
          continue;
        }
        if (c === CR) {
          if (i + 1 >= n && !final) break records;
          i += s.charCodeAt(i + 1) === LF ? 2 : 1;
        } else if (c === LF) {
          i++;
        } else {
          throw new CsvSyntaxError(`text after the closing quote of a quoted cell: ${JSON.stringify(s.slice(i, i + 20))}`, this.line + breaks);
        }
        this.emit(cells, breaks);
        pos = i;
        continue records;
      }
    }
    return pos;
  }

  private emit(cells: string[], breaks: number): void {
    const line = this.line;
    this.line += 1 + breaks;
    this.onRecord(cells, line);
  }
}
