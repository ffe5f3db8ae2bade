/**
 * Output paths of every command, checked before any work and written after it in the CLI's words.
 *
 * checkOutputFile(flag, path) — before the work: the name is not empty and fits the file system's
 *   255-byte limit together with the temporary file written next to it; the path is not a folder
 *   or a device; the folder exists (or, with `createFolders`, can be created: its nearest existing
 *   ancestor is a folder) and is writable — tested by creating and removing a probe file in it, so
 *   read-only mounts (EROFS), permissions (EACCES), /proc and a full disk (ENOSPC) all show here,
 *   for root as for anyone.
 * checkOutputFolder(flag, dir) — the same for a folder that files will be written into.
 * writeOutputFile(flag, path, bytes) — after the work: creates missing folders if asked, writes
 *   atomically (networks/persist/file-node.ts: temp file + fsync + rename; on failure the temp file
 *   is removed and the old file kept) and turns any file-system error into one line naming the flag
 *   and the path.
 *
 * Errors are `<flag> <path>: <what is wrong and the fix>`; cli/main.ts prints them as
 * `memspike: …` with exit code 1.
 */
import { closeSync, mkdirSync, openSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { NAME_MAX_BYTES, TEMP_NAME_EXTRA, writeFileAtomic } from '../networks/persist/file-node.js';

export interface OutputFileOptions {
  /** create missing folders when writing (they must be creatable); default false: the folder must exist */
  readonly createFolders?: boolean;
  /** an example file name for messages, e.g. 'model.mspk' */
  readonly example?: string;
  /** other files written next to this one, checked for length too (e.g. the checkpoint) */
  readonly siblings?: readonly { readonly path: string; readonly what: string }[];
}

/** The longest file name memspike can write atomically [bytes]. */
export const MAX_OUTPUT_NAME_BYTES = NAME_MAX_BYTES - TEMP_NAME_EXTRA;

let probeCounter = 0;

function codeOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/**
 * stat, or null if nothing is there (ENOENT, or a file on the way: ENOTDIR); any other failure
 * (EACCES: a folder on the way may not be searched, ELOOP, ENAMETOOLONG) is an error in the CLI's words.
 */
function statOrNull(p: string, flag: string, path: string): Stats | null {
  try {
    return statSync(p);
  } catch (e) {
    const code = codeOf(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new Error(`${flag} ${path}: cannot look at ${p} (${writeProblem(code).replace('write', 'look')}); choose another place.`);
  }
}

/** Bytes of a name on disk (UTF-8). */
function nameBytes(name: string): number {
  return Buffer.byteLength(name, 'utf8');
}

/** Throws unless the file `name` (the output's own, or `what` written next to it) leaves room for the temporary file's name. */
function checkNameLength(flag: string, path: string, name: string, what: string | null): void {
  const n = nameBytes(name);
  if (n <= MAX_OUTPUT_NAME_BYTES) return;
  const limit = `with the temporary file written next to it (+${TEMP_NAME_EXTRA}) it exceeds the ${NAME_MAX_BYTES}-byte limit of file names`;
  if (what === null) throw new Error(`${flag} ${path}: the file name is ${n} bytes; ${limit} — give a name of at most ${MAX_OUTPUT_NAME_BYTES} bytes.`);
  const room = MAX_OUTPUT_NAME_BYTES - (n - nameBytes(basename(resolve(path))));
  throw new Error(`${flag} ${path}: ${what}, ${name}, is ${n} bytes; ${limit} — give a name of at most ${room} bytes.`);
}

/**
 * The nearest existing ancestor of `dir` (itself if it exists). Throws, in the CLI's words, if a
 * component of the path is a file, or if a missing folder may not be created.
 */
function existingFolder(flag: string, path: string, dir: string, createFolders: boolean): string {
  let d = dir;
  for (;;) {
    const st = statOrNull(d, flag, path);
    if (st !== null) {
      if (!st.isDirectory()) throw new Error(`${flag} ${path}: ${d} is a file, not a directory; give a path in a directory.`);
      return d;
    }
    if (!createFolders) {
      // say which: a file on the way up, or a folder to create
      const above = existingFolderOrFile(dirname(d), flag, path);
      if (above !== null && above.file) throw new Error(`${flag} ${path}: ${above.path} is a file, not a directory; give a path in a directory.`);
      throw new Error(`${flag} ${path}: the directory ${dir} does not exist; create it first (mkdir -p ${dir}).`);
    }
    const up = dirname(d);
    if (up === d) throw new Error(`${flag} ${path}: no directory of the path exists; give a path in an existing directory.`);
    d = up;
  }
}

function existingFolderOrFile(d: string, flag: string, path: string): { path: string; file: boolean } | null {
  for (;;) {
    const st = statOrNull(d, flag, path);
    if (st !== null) return { path: d, file: !st.isDirectory() };
    const up = dirname(d);
    if (up === d) return null;
    d = up;
  }
}

/** Creates and removes a probe file in `dir`; returns the error code if that fails. */
function probeWritable(dir: string): string | null {
  const probe = join(dir, `.memspike-probe.${process.pid}.${probeCounter++}.tmp`);
  let fd: number;
  try {
    fd = openSync(probe, 'wx', 0o600);
  } catch (e) {
    return codeOf(e);
  }
  closeSync(fd);
  try {
    unlinkSync(probe);
  } catch {
    // could create but not remove (sticky folder of another user?): harmless, it is empty
  }
  return null;
}

function writeProblem(code: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'EACCES: no permission to write there';
    case 'EROFS':
      return 'EROFS: a read-only file system';
    case 'ENOSPC':
      return 'ENOSPC: the disk is full';
    case 'EDQUOT':
      return 'EDQUOT: the disk quota is used up';
    case 'ENOENT':
      return 'ENOENT: files cannot be created there';
    default:
      return code;
  }
}

/**
 * Checks, before any work, that `path` can be written (see the module doc). Nothing is created
 * but a probe file, removed at once.
 */
export function checkOutputFile(flag: string, path: string, o: OutputFileOptions = {}): void {
  const example = o.example ?? 'out.file';
  if (path.trim() === '') throw new Error(`${flag} '${path}': an empty file name; give the file to write, e.g. ${flag} ${example}.`);
  const full = resolve(path);
  const st = statOrNull(full, flag, path);
  if (st !== null) {
    if (st.isDirectory()) throw new Error(`${flag} ${path}: is a directory; give the path of a file to write, e.g. ${join(path, example)}.`);
    if (!st.isFile()) throw new Error(`${flag} ${path}: is not a regular file (a device, pipe or socket); give the path of a file on disk.`);
  }
  checkNameLength(flag, path, basename(full), null);
  for (const s of o.siblings ?? []) checkNameLength(flag, path, basename(resolve(s.path)), s.what);
  const dir = dirname(full);
  const existing = existingFolder(flag, path, dir, o.createFolders === true);
  const code = probeWritable(existing);
  if (code !== null) {
    if (existing !== dir) throw new Error(`${flag} ${path}: cannot create the directory ${dir} (${writeProblem(code)} in ${existing}); choose another place.`);
    throw new Error(`${flag} ${path}: cannot write in the directory ${dir} (${writeProblem(code)}); choose another directory, or make this one writable.`);
  }
}

/** Checks, before any work, that files can be written into the folder `dir` (created if missing when `createFolders`). */
export function checkOutputFolder(flag: string, dir: string, o: { readonly createFolders?: boolean } = {}): void {
  if (dir.trim() === '') throw new Error(`${flag} '${dir}': an empty directory name; give the directory to write into, e.g. ${flag} figures.`);
  const full = resolve(dir);
  const existing = existingFolder(flag, dir, full, o.createFolders === true);
  const code = probeWritable(existing);
  if (code !== null) {
    if (existing !== full) throw new Error(`${flag} ${dir}: cannot create the directory ${full} (${writeProblem(code)} in ${existing}); choose another place.`);
    throw new Error(`${flag} ${dir}: cannot write in the directory ${full} (${writeProblem(code)}); choose another directory, or make this one writable.`);
  }
}

/**
 * Writes `bytes` (or UTF-8 text) to `path` atomically, creating missing folders if asked; any
 * failure is one line naming the flag and the path, the old file is kept and no temporary file is
 * left behind.
 */
export function writeOutputFile(flag: string, path: string, data: Uint8Array | string, o: { readonly createFolders?: boolean } = {}): void {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  if (o.createFolders) {
    try {
      mkdirSync(dirname(resolve(path)), { recursive: true });
    } catch (e) {
      throw new Error(`${flag} ${path}: cannot create the directory ${dirname(resolve(path))} (${writeProblem(codeOf(e))}); nothing was written.`);
    }
  }
  try {
    writeFileAtomic(path, bytes);
  } catch (e) {
    const msg = (e as Error).message;
    const prefix = `cannot write ${path}: `;
    throw new Error(`${flag} ${path}: not written — ${msg.startsWith(prefix) ? msg.slice(prefix.length) : msg}`);
  }
}
