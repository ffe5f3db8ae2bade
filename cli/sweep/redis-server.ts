/**
 * A private redis-server on 127.0.0.1 for the queue's tests and `memspike bench queue`: started on
 * a free port (or a given one, to restart a server where it was), stopped by its process id. It is
 * Debian's `redis-server` binary (`apt-get install redis-server`; .ci/run installs it); when the
 * binary is missing the start fails with that advice — it is never skipped silently.
 *
 * By default nothing is persisted (`--save '' --appendonly no`). With `dir`, the server keeps an
 * append-only file there, fsynced at every write, so that a killed server restarted on the same
 * port with the same dir comes back with its queue (the "Redis goes away and comes back" test).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Stops the server (SIGTERM, or SIGKILL: a crash) and waits for its exit. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

export interface RedisServerOptions {
  /** the port (default: a free one) */
  readonly port?: number;
  /** keep an fsynced append-only file in this folder (default: persist nothing) */
  readonly dir?: string;
  /** the binary (default `redis-server` on PATH) */
  readonly binary?: string;
}

/** A TCP port on 127.0.0.1 that nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts redis-server and resolves once it accepts connections (within 10 s). */
export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServer> {
  const port = opts.port ?? (await freePort());
  const binary = opts.binary ?? 'redis-server';
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', ''];
  if (opts.dir) args.push('--dir', opts.dir, '--appendonly', 'yes', '--appendfsync', 'always');
  else args.push('--appendonly', 'no');
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server on port ${port} did not start within 10 s; its output:\n${log}`));
    }, 10_000);
    const onData = (b: Buffer): void => {
      log += b.toString();
      if (/ready to accept connections/i.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        e.code === 'ENOENT'
          ? new Error(`${binary} is not installed: install Redis (Debian/Ubuntu: \`apt-get install redis-server\`; .ci/run does it) — the queue tests and \`bench queue\` need a real server.`)
          : e,
      );
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`redis-server on port ${port} exited before it was ready (code ${code}, signal ${signal}); its output:\n${log}`));
    });
  });
  // keep draining its output so the pipe never fills
  child.stdout?.removeAllListeners('data');
  child.stderr?.removeAllListeners('data');
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
