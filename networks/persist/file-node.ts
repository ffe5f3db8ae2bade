/**
 * Node-only model-file I/O: atomic writes and validated reads.
 *
 * writeFileAtomic(path, bytes):
 *   1. checks that the directory of `path` exists (else: an Error naming it — create the directory first);
 *   2. writes the bytes to a new temporary file in that same directory (`.<name>.<pid>.<n>.tmp`,
 *      created exclusively, so it never clobbers anything), then fsyncs it;
 *   3. renames it over `path` (atomic on POSIX file systems within one directory), then fsyncs the
 *      directory so the rename itself is durable (best effort: not every platform allows it).
 * If any step fails the temporary file is removed and `path` is untouched: a reader sees either the
 * old file or the new one, never a mix, and a good file is never replaced by a partial one.
 *
 * The byte format is networks/persist/model-file.ts (pure).
 */
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { decodeModel, encodeModel, type ModelDoc } from './model-file.js';

let tempCounter = 0;

/** Longest file name most file systems take [bytes] (NAME_MAX of ext4, xfs, btrfs, tmpfs, APFS). */
export const NAME_MAX_BYTES = 255;
/**
 * Bytes the temporary file name adds to the target's name: `.NAME.PID.N.tmp` is NAME plus '.',
 * '.', a pid of up to 7 digits (Linux's largest pid_max is 4194304), '.', a counter of up to 4
 * digits and '.tmp'. A target name longer than NAME_MAX_BYTES − TEMP_NAME_EXTRA cannot be written.
 */
export const TEMP_NAME_EXTRA = 1 + 1 + 7 + 1 + 4 + 4;

/**
 * Writes `bytes` to `path` atomically (temp file in the same directory + fsync + rename).
 *
 * @throws Error naming the path if its directory does not exist ('create the directory first'),
 *         if `path` is a directory, or if writing or renaming fails (the old file is kept).
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const target = resolve(path);
  const dir = dirname(target);
  let dirIsDirectory = false;
  try {
    dirIsDirectory = statSync(dir).isDirectory();
  } catch {
    dirIsDirectory = false;
  }
  if (!dirIsDirectory) {
    throw new Error(`cannot write ${path}: the directory ${dir} does not exist — create the directory first (e.g. mkdir -p ${dir}).`);
  }

  removeStaleTemps(dir, basename(target));

  // Exclusive create ('wx'); on the rare clash with a leftover temp, try the next name.
  let temp = '';
  let fd = -1;
  for (let attempt = 0; fd < 0; attempt++) {
    temp = join(dir, `.${basename(target)}.${process.pid}.${tempCounter++}.tmp`);
    try {
      fd = openSync(temp, 'wx', 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 100) continue;
      throw new Error(`cannot write ${path}: creating the temporary file ${temp} failed (${(e as Error).message}); ${path} was not changed.`);
    }
  }

  try {
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // Already gone or never fully created: nothing to clean up.
    }
    throw new Error(`cannot write ${path}: ${(e as Error).message}; ${path} was not changed.`);
  }

  // Make the rename durable. Some platforms (Windows) cannot open or fsync a directory: best effort.
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Not supported here; the data itself is already fsynced.
  }
}

/**
 * Removes the temp files of earlier writes of `name` in `dir` whose process is gone (killed while
 * writing: `.NAME.PID.N.tmp`). A temp file of a live process is left alone.
 */
function removeStaleTemps(dir: string, name: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  const prefix = `.${name}.`;
  for (const e of entries) {
    if (!e.startsWith(prefix) || !e.endsWith('.tmp')) continue;
    const m = /^(\d+)\.\d+\.tmp$/.exec(e.slice(prefix.length));
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    try {
      unlinkSync(join(dir, e));
    } catch {
      // gone already, or not ours to remove: leave it
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Largest file memspike reads into memory [bytes] (MNIST's training images are 47 MB). */
export const MAX_READ_BYTES = 1024 * 1024 * 1024;

/**
 * Reads a whole regular file. A device (/dev/zero), a pipe or a file beyond MAX_READ_BYTES is
 * refused before reading, naming `what` and the path: reading them would grow memory until the
 * process dies. File-system errors (no such file, a folder: EISDIR) are thrown as they are.
 */
export function readRegularFile(path: string, what: string): Uint8Array {
  // fs errors (ENOENT, EACCES, …) go to the caller as they are, for its own words
  const st = statSync(path);
  if (!st.isDirectory() && !st.isFile()) throw new Error(`${what} ${path} is not a regular file (a device, pipe or socket); give the path of a file on disk.`);
  if (st.size > MAX_READ_BYTES) throw new Error(`${what} ${path} is ${(st.size / 2 ** 30).toFixed(1)} GiB; memspike reads files of at most ${MAX_READ_BYTES / 2 ** 30} GiB into memory.`);
  const buf = readFileSync(path);
  // A plain Uint8Array view (not a Buffer) over the file's own memory: no Node type in the API.
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Encodes `doc` and writes it to `path` atomically. */
export function writeModelFile(path: string, doc: ModelDoc): void {
  writeFileAtomic(path, encodeModel(doc));
}

/**
 * Reads and fully validates a model file.
 *
 * @throws Error naming the path if it cannot be read, or anything decodeModel() rejects.
 */
export function readModelFile(path: string): ModelDoc {
  let buf: Uint8Array;
  try {
    buf = readRegularFile(path, 'model file');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    if (code === 'ENOENT') throw new Error(`model file ${path} does not exist; check the path (save one with writeModelFile).`);
    if (code === 'EISDIR') throw new Error(`model file ${path} is a directory; give the path of a .mspk file.`);
    throw new Error(`cannot read model file ${path}: ${(e as Error).message}`);
  }
  return decodeModel(buf, path);
}
