/**
 * @fileoverview A static HTTP server for tests (127.0.0.1, a free port): URL prefixes mounted on
 * folders, so a test can serve the repository's page and build/ beside a temp folder of fixtures
 * without copying. Every request is logged with its status, so a test can assert that a page asked
 * for nothing it should not have (no CDN, no missing file).
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.wasm': 'application/wasm',
};

export interface ServedRequest {
  method: string;
  path: string;
  status: number;
}

export interface StaticServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  baseUrl: string;
  requests: ServedRequest[];
  close(): Promise<void>;
}

/**
 * Serve `mounts`: URL prefix ("/", "/fixtures/") → folder. The longest matching prefix wins; a
 * directory serves its index.html; paths escaping their folder get 403, missing files 404.
 */
export async function startStaticServer(mounts: Record<string, string>): Promise<StaticServer> {
  const table = Object.entries(mounts)
    .map(([prefix, dir]) => ({ prefix: prefix.endsWith('/') ? prefix : `${prefix}/`, dir: resolve(dir) }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const requests: ServedRequest[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const send = (status: number, body: string): void => {
      requests.push({ method: req.method ?? 'GET', path, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    };
    const mount = table.find((m) => path.startsWith(m.prefix) || `${path}/` === m.prefix);
    if (!mount) return send(404, `no folder mounted for ${path}\n`);
    let file = normalize(join(mount.dir, path.slice(mount.prefix.length)));
    if (file !== mount.dir && !file.startsWith(mount.dir + sep)) return send(403, `${path} leaves its folder\n`);
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const size = statSync(file).size;
      requests.push({ method: req.method ?? 'GET', path, status: 200 });
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': size });
      createReadStream(file).pipe(res);
    } catch {
      send(404, `not found: ${path}\n`);
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}
