/**
 * The no-op fast path of `npm run generate` (plain JavaScript: it runs before esbuild and TypeScript load).
 * A stamp records the SHA-256 of every input's content (environments, all source directories, the package
 * and lock files) and a fingerprint (path, size, mtime) of every output file (sceptre/templates, sceptre/config,
 * dist/handlers, dist/config) as the last successful run left them. When both still match, the run would rewrite the same
 * bytes, so it writes nothing at all. Anything else (an edited input, a touched or deleted output, no stamp)
 * takes the full path, which rebuilds and writes a new stamp.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

export const STAMP_FILE = '.build/generate-stamp.json';
const INPUT_DIRS = ['environments', 'contracts', 'lib', 'generators', 'handlers', 'scripts'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json'];
const OUTPUT_DIRS = ['sceptre/templates', 'sceptre/config', 'dist/handlers', 'dist/config'];

/** @param {string} dir @param {string[]} out */
function walk(dir, out) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) walk(path, out);
    else if (e.isFile()) out.push(path);
  }
}

/** @param {string} root @param {readonly string[]} dirs @param {readonly string[]} [extra] */
function files(root, dirs, extra = []) {
  /** @type {string[]} */
  const out = [];
  for (const d of dirs) if (existsSync(join(root, d))) walk(d === '.' ? root : join(root, d), out);
  for (const f of extra) if (existsSync(join(root, f))) out.push(join(root, f));
  return out.map((p) => p.slice(root.length + 1)).sort();
}

/** SHA-256 over the path and content of every input file. @param {string} [root] */
export function inputsHash(root = process.cwd()) {
  const h = createHash('sha256');
  for (const f of files(root, INPUT_DIRS, INPUT_FILES)) {
    h.update(`${f}\0`);
    h.update(readFileSync(join(root, f)));
    h.update('\0');
  }
  return h.digest('hex');
}

/** SHA-256 over the path, size and modification time of every output file. @param {string} [root] */
export function outputsFingerprint(root = process.cwd()) {
  const h = createHash('sha256');
  for (const f of files(root, OUTPUT_DIRS)) {
    const s = statSync(join(root, f), { bigint: true });
    h.update(`${f}\0${s.size}\0${s.mtimeNs}\n`);
  }
  return h.digest('hex');
}

/** The inputs hash when the last run's stamp still matches inputs and outputs, else undefined. @param {string} [root] */
export function upToDate(root = process.cwd()) {
  const path = join(root, STAMP_FILE);
  if (!existsSync(path)) return undefined;
  /** @type {{ inputs?: string; outputs?: string }} */
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  const inputs = inputsHash(root);
  if (stamp.inputs !== inputs || stamp.outputs !== outputsFingerprint(root)) return undefined;
  return inputs;
}

/**
 * Records a successful run: `inputs` must be the hash taken BEFORE the run read its inputs, so an input edited
 * during the run leaves a stamp that no longer matches. Written atomically.
 * @param {string} inputs @param {string} [root]
 */
export function writeStamp(inputs, root = process.cwd()) {
  const path = join(root, STAMP_FILE);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ inputs, outputs: outputsFingerprint(root) })}\n`);
  renameSync(tmp, path);
}
