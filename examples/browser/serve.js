#!/usr/bin/env node
/**
 * @fileoverview A tiny static file server for the browser example (Node only, no dependencies):
 * serves the repository root on 127.0.0.1 so that the page at /examples/browser/ can fetch
 * ../../build/glow.wasm and a model file next to it.
 *
 *   node examples/browser/serve.js [port]      (default 8080; 0 picks a free port)
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.wasm': 'application/wasm', '.csv': 'text/csv; charset=utf-8', '.md': 'text/plain; charset=utf-8',
};

const port = Number(process.argv[2] ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`usage: node examples/browser/serve.js [port]  (got port "${process.argv[2]}")`);
  process.exit(2);
}

const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  let file = normalize(join(root, path));
  if (!file.startsWith(root) && file + sep !== root) return void res.writeHead(403).end('outside the served folder\n');
  try {
    if (statSync(file).isDirectory()) file = join(file, 'index.html');
    const size = statSync(file).size;
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': size, 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}\n`);
  }
  console.log(`${req.method} ${path} ${res.statusCode}`);
});

server.listen(port, '127.0.0.1', () => {
  const { port: actual } = server.address();
  console.log(`serving ${root} at http://127.0.0.1:${actual}/`);
  console.log(`open http://127.0.0.1:${actual}/examples/browser/?model=../../glow-demo/model.bin (the model npm start trains; Ctrl-C stops)`);
});
