/**
 * @fileoverview Vega-Lite spec → Vega → SVG string, in Node, with no browser and no network: the
 * data is always inline, and the loader refuses any URL so a spec can never fetch anything. Vega's
 * and Vega-Lite's warnings are collected rather than printed, so tests can require that there are
 * none; their errors fail the render.
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import { loader, parse, View, Warn } from 'vega';

/**
 * Collects log messages of Vega-Lite's compiler and Vega's runtime instead of printing them. The
 * methods are arrow functions because Vega calls them detached from the logger.
 */
class CollectingLogger {
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  constructor(private readonly source: string) {}
  private text = (args: unknown[]): string => `${this.source}: ${args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ')}`;
  level = (_?: number): number | this => (_ === undefined ? Warn : this);
  error = (...args: unknown[]): this => { this.errors.push(this.text(args)); return this; };
  warn = (...args: unknown[]): this => { this.warnings.push(this.text(args)); return this; };
  info = (): this => this;
  debug = (): this => this;
}

/** A loader whose every request fails: report charts must carry their data inline. */
function offlineLoader() {
  const refuse = async (uri: string): Promise<never> => {
    throw new Error(`report charts are offline: refused to load "${uri}"`);
  };
  const l = loader();
  l.load = refuse;
  l.sanitize = refuse;
  return l;
}

const GEOMETRY_ATTRIBUTE = /\b(d|transform|x|y|x1|x2|y1|y2|width|height)="([^"]*)"/g;
const LONG_DECIMAL = /-?\d*\.\d{3,}(?:e[-+]?\d+)?/g;

/**
 * Round coordinates in geometry attributes to 0.01 px: invisible on screen, and it roughly halves
 * the size of long paths (Vega writes full double precision). Text content is left as it is.
 */
function compactSvg(svg: string): string {
  return svg.replace(GEOMETRY_ATTRIBUTE, (_, name: string, value: string) =>
    `${name}="${value.replace(LONG_DECIMAL, (v) => String(Number(Number(v).toFixed(2))))}"`);
}

/** The SVG of one chart and the warnings Vega-Lite and Vega raised while making it. */
export interface RenderedChart {
  svg: string;
  warnings: string[];
}

/** Render a Vega-Lite spec (with inline data) to an SVG string; throws on any Vega(-Lite) error. */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<RenderedChart> {
  const compileLog = new CollectingLogger('Vega-Lite');
  const runtimeLog = new CollectingLogger('Vega');
  const vegaSpec = compile(spec, { logger: compileLog }).spec;
  const view = new View(parse(vegaSpec), { renderer: 'none', loader: offlineLoader(), logger: runtimeLog });
  try {
    const svg = await view.toSVG();
    const errors = [...compileLog.errors, ...runtimeLog.errors];
    if (errors.length > 0) throw new Error(`chart rendering failed: ${errors.join('; ')}`);
    return { svg: compactSvg(svg), warnings: [...compileLog.warnings, ...runtimeLog.warnings] };
  } finally {
    view.finalize();
  }
}
