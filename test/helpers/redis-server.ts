/**
 * @fileoverview A throwaway redis-server for tests: Debian's binary (or $GLOW_TRADE_REDIS_SERVER) on
 * a free loopback port, its working directory a temp dir, no persistence (`--save '' --appendonly
 * no`), `maxmemory-policy noeviction` as BullMQ requires. `startRedis` resolves once the server
 * answers PING; `stop` shuts it down and removes the dir. Where redis-server is missing, tests are
 * registered with `redisTest` as skipped (uvu counts them under "Skipped:") and the reason is
 * printed once per run (requires.ts), like the browser tests for Chromium.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testsRequiring } from './requires.js';

/** Where the server binary is expected: $GLOW_TRADE_REDIS_SERVER, else Debian's /usr/bin/redis-server. */
export function redisServerPath(): string {
  return process.env.GLOW_TRADE_REDIS_SERVER || '/usr/bin/redis-server';
}

/** Why Redis tests cannot run here, or null when they can. */
export function redisMissing(): string | null {
  const path = redisServerPath();
  return existsSync(path) ? null : `no redis-server at ${path} (install the Debian package "redis-server" or set GLOW_TRADE_REDIS_SERVER)`;
}

/** Register `name` on `suite`: a normal test where redis-server exists, else a skipped one with the reason printed once. */
export const redisTest = testsRequiring('Redis tests', redisMissing);

export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  port: number;
  process: ChildProcess;
  /** Shut the server down (SIGTERM, then SIGKILL after 5 s) and remove its directory. */
  stop(): Promise<void>;
}

/** A port the kernel just handed out on 127.0.0.1 (free at that moment; startRedis retries on a clash). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One PING over a raw socket: true when the server answers +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => { reply += d.toString(); if (reply.includes('\r\n')) done(reply.startsWith('+PONG')); });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Start a private redis-server; throws with its output when it does not come up within 10 s. */
export async function startRedis(): Promise<RedisServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'glow-trade-redis-'));
    const child = spawn(redisServerPath(), [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no',
      '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes', '--loglevel', 'warning',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => { output += d; });
    child.stderr!.on('data', (d) => { output += d; });
    let exited = false;
    child.once('exit', () => { exited = true; });
    const stop = async () => {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    };
    for (let waited = 0; waited < 10_000 && !exited; waited += 50) {
      if (await ping(port)) return { url: `redis://127.0.0.1:${port}`, port, process: child, stop };
      await sleep(50);
    }
    await stop();
    // Another process may have taken the port between freePort and the server's bind: try again.
    if (!/Address already in use/.test(output) || attempt === 3) throw new Error(`redis-server did not start on port ${port}: ${output.trim()}`);
  }
}
