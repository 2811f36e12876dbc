/**
 * @fileoverview A dependency-free one-line progress bar for long CLI work, drawn on stderr so that
 * stdout stays clean for `--json`. It draws only on a terminal (or when forced), redraws at most every
 * `minRedrawMs`, and leaves one finished line behind.
 */

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressBarOptions {
  stream?: ProgressStream;
  label?: string;
  /** Bar width in characters (default 30). */
  width?: number;
  /** Draw even when the stream is not a terminal. */
  force?: boolean;
  minRedrawMs?: number;
  clock?: () => number;
}

export class ProgressBar {
  private readonly stream: ProgressStream;
  private readonly label: string;
  private readonly width: number;
  private readonly enabled: boolean;
  private readonly minRedrawMs: number;
  private readonly clock: () => number;
  private lastDraw = -Infinity;
  private drawn = false;
  private lastLength = 0;

  constructor(options: ProgressBarOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.label = options.label ?? '';
    this.width = options.width ?? 30;
    this.enabled = options.force === true || this.stream.isTTY === true;
    this.minRedrawMs = options.minRedrawMs ?? 100;
    this.clock = options.clock ?? (() => Date.now());
  }

  /** Show `fraction` (clamped to 0…1) and an optional detail such as "12 requests". */
  update(fraction: number, detail = ''): void {
    if (!this.enabled) return;
    const now = this.clock();
    if (now - this.lastDraw < this.minRedrawMs) return;
    this.lastDraw = now;
    this.draw(fraction, detail);
  }

  /** Draw the finished bar and end the line, so later output starts on a fresh line. */
  done(detail = ''): void {
    if (!this.enabled) return;
    this.draw(1, detail);
    this.stream.write('\n');
  }

  /** The text of the bar for a fraction; exposed for tests and for callers that log instead. */
  render(fraction: number, detail = ''): string {
    const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
    const full = Math.round(f * this.width);
    const bar = '#'.repeat(full) + '-'.repeat(this.width - full);
    const pct = `${Math.floor(f * 100)}`.padStart(3);
    return `${this.label ? `${this.label} ` : ''}[${bar}] ${pct}%${detail ? ` ${detail}` : ''}`;
  }

  private draw(fraction: number, detail: string): void {
    const text = this.render(fraction, detail);
    // Pad over a longer previous line so no stale characters remain after "\r".
    const pad = this.lastLength > text.length ? ' '.repeat(this.lastLength - text.length) : '';
    this.stream.write(`\r${text}${pad}`);
    this.lastLength = text.length;
    this.drawn = true;
  }

  get hasDrawn(): boolean {
    return this.drawn;
  }
}
