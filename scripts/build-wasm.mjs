#!/usr/bin/env node
/**
 * Assembles the WebAssembly kernels into TypeScript modules of bytes (committed, so neither the
 * runtime nor the build needs this script or any WebAssembly tool):
 *   scripts/lif-kernels.wat    → core/neurons/lif-wasm-bytes.ts     (LIF integration, SIMD)
 *   scripts/lif32-kernels.wat  → core/neurons/lif32-wasm-bytes.ts   (single-precision LIF integration, SIMD)
 *   scripts/device-kernels.wat → core/devices/device-wasm-bytes.ts  (device pulse kernel)
 *   scripts/weights-kernels.wat → core/synapses/weights-wasm-bytes.ts (dense weights: normalisation, propagation; SIMD)
 *   scripts/vmm-kernels.wat    → core/crossbar/vmm-wasm-bytes.ts    (crossbar column sums, SIMD)
 *   scripts/mlp-kernels.wat    → networks/mlp/mlp-wasm-bytes.ts     (MLP products and optimisers, SIMD)
 *
 *   node scripts/build-wasm.mjs           write the .ts files (and the generated .wat files)
 *   node scripts/build-wasm.mjs --check   exit 1 if a committed file is out of date, or if wabt
 *                                         assembles a kernel to other bytes than this script
 *
 * A deliberately small assembler for the subset of the WebAssembly text format the kernels use:
 * one `(module …)` holding `(import "m" "f" (memory MIN))`, `(import "m" "f" (func $f (param T) (result T)))`,
 * `call $f`, and `(func $name (export "name")
 * (param $x T)* (result T)? (local $y T)* INSTR*)` where the body is a flat instruction list
 * (`block $l` / `loop $l` / `if` … `else` … `end`, `br $l`, `br_if $l`, memarg `offset=N`
 * [natural alignment], `local.get $x`, lane indices, integer and f64 constants — f32 values come
 * in as parameters). Opcodes are those of the WebAssembly core specification 2.0 (§5.4, binary
 * format; SIMD under prefix 0xFD, the saturating truncations under 0xFC). Unknown instructions are
 * an error, never guessed.
 *
 * Inlining: a module's `inline` functions (listed below; straight-line bodies, every local written
 * before it is read) have each `call $f` replaced by their body — the arguments popped into the
 * callee's params, its params and locals renamed `$f/x` and added to the caller — and are left out
 * of the binary. The .wat stays valid WebAssembly text with plain calls; V8 does not inline wasm
 * calls, and a call costs the device kernel's pair path ≈ 3 ns per folded pulse.
 *
 * Layouts: a module with a `template` is written from it: its header's byte offsets are named
 * (`offset=@slot`, `offset=@slot+8`) and resolved from a layout table in TypeScript (for the device
 * kernel core/devices/device-wasm-layout.ts, which its loader device-wasm.ts uses too), the line
 * `;; @LAYOUT` becomes the table as a comment; the result is the committed, plain .wat.
 *
 * Cross-check: with --check, every module (after inlining, printed back as text) is also assembled
 * by wabt (devDependency `wabt`, the WebAssembly Binary Toolkit compiled to JavaScript) and must give
 * the same bytes: two independent encoders of the same text. The committed bytes come from this
 * script, so neither the runtime nor a user's build needs wabt (docs/design.md, dependencies).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MODULES = [
  { src: 'scripts/lif-kernels.wat', out: 'core/neurons/lif-wasm-bytes.ts', name: 'LIF_WASM_BYTES', what: 'WebAssembly SIMD module of the LIF kernels' },
  { src: 'scripts/lif32-kernels.wat', out: 'core/neurons/lif32-wasm-bytes.ts', name: 'LIF32_WASM_BYTES', what: 'WebAssembly SIMD module of the single-precision LIF kernel' },
  {
    src: 'scripts/device-kernels.wat', out: 'core/devices/device-wasm-bytes.ts', name: 'DEVICE_WASM_BYTES', what: 'WebAssembly module of the linear device pulse kernel', inline: ['$lnD', '$expD'],
    template: 'scripts/device-kernels.wat.in', layout: { file: 'core/devices/device-wasm-layout.ts', name: 'DEVICE_WASM_LAYOUT' },
  },
  { src: 'scripts/weights-kernels.wat', out: 'core/synapses/weights-wasm-bytes.ts', name: 'WEIGHTS_WASM_BYTES', what: 'WebAssembly SIMD module of the column normalisation of dense weights' },
  { src: 'scripts/vmm-kernels.wat', out: 'core/crossbar/vmm-wasm-bytes.ts', name: 'VMM_WASM_BYTES', what: 'WebAssembly SIMD module of the crossbar column sums' },
  { src: 'scripts/mlp-kernels.wat', out: 'networks/mlp/mlp-wasm-bytes.ts', name: 'MLP_WASM_BYTES', what: 'WebAssembly SIMD module of the MLP products and optimisers' },
];

// ——— encoding primitives ———
const VALTYPE = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };
function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
function sleb(v) {
  let n = BigInt(v);
  const out = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
function f64bytes(x) {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x, true);
  return [...b];
}
const str = (s) => [...uleb(Buffer.byteLength(s)), ...Buffer.from(s, 'utf8')];
const vec = (items) => [...uleb(items.length), ...items.flat()];
const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];

// ——— instruction table: name → [opcode (prefix, sub-opcode), immediate kind, natural alignment (log2)] ———
const OPS = {
  // control
  block: [[0x02], 'block'], loop: [[0x03], 'block'], if: [[0x04], 'block'], else: [[0x05], 'else'], end: [[0x0b], 'end'],
  br: [[0x0c], 'label'], br_if: [[0x0d], 'label'], return: [[0x0f], ''], call: [[0x10], 'func'], drop: [[0x1a], ''], select: [[0x1b], ''],
  // variables
  'local.get': [[0x20], 'local'], 'local.set': [[0x21], 'local'], 'local.tee': [[0x22], 'local'],
  // memory
  'i32.load': [[0x28], 'mem', 2], 'i64.load': [[0x29], 'mem', 3], 'f32.load': [[0x2a], 'mem', 2], 'f64.load': [[0x2b], 'mem', 3],
  'i32.load16_s': [[0x2e], 'mem', 1], 'i32.load16_u': [[0x2f], 'mem', 1], 'i64.load32_u': [[0x35], 'mem', 2],
  'i32.store': [[0x36], 'mem', 2], 'i64.store': [[0x37], 'mem', 3], 'f32.store': [[0x38], 'mem', 2], 'f64.store': [[0x39], 'mem', 3],
  'i64.store32': [[0x3e], 'mem', 2],
  // constants
  'i32.const': [[0x41], 'i32'], 'i64.const': [[0x42], 'i64'], 'f64.const': [[0x44], 'f64'],
  // i32 / i64 comparisons
  'i32.eqz': [[0x45], ''], 'i32.eq': [[0x46], ''], 'i32.ne': [[0x47], ''], 'i32.lt_s': [[0x48], ''], 'i32.lt_u': [[0x49], ''],
  'i32.gt_s': [[0x4a], ''], 'i32.gt_u': [[0x4b], ''], 'i32.le_s': [[0x4c], ''], 'i32.le_u': [[0x4d], ''], 'i32.ge_s': [[0x4e], ''], 'i32.ge_u': [[0x4f], ''],
  'i64.eqz': [[0x50], ''], 'i64.eq': [[0x51], ''], 'i64.ne': [[0x52], ''], 'i64.lt_s': [[0x53], ''], 'i64.lt_u': [[0x54], ''],
  'i64.gt_s': [[0x55], ''], 'i64.gt_u': [[0x56], ''], 'i64.le_s': [[0x57], ''], 'i64.le_u': [[0x58], ''], 'i64.ge_s': [[0x59], ''], 'i64.ge_u': [[0x5a], ''],
  // f64 comparisons
  'f64.eq': [[0x61], ''], 'f64.ne': [[0x62], ''], 'f64.lt': [[0x63], ''], 'f64.gt': [[0x64], ''], 'f64.le': [[0x65], ''], 'f64.ge': [[0x66], ''],
  // i32 arithmetic
  'i32.ctz': [[0x68], ''], 'i32.rem_u': [[0x70], ''], 'i32.add': [[0x6a], ''], 'i32.sub': [[0x6b], ''], 'i32.mul': [[0x6c], ''], 'i32.and': [[0x71], ''], 'i32.or': [[0x72], ''],
  'i32.shl': [[0x74], ''], 'i32.shr_s': [[0x75], ''], 'i32.shr_u': [[0x76], ''],
  'i64.add': [[0x7c], ''], 'i64.sub': [[0x7d], ''], 'i64.and': [[0x83], ''], 'i64.or': [[0x84], ''],
  'i64.shl': [[0x86], ''], 'i64.shr_s': [[0x87], ''], 'i64.shr_u': [[0x88], ''],
  // f32 comparison and arithmetic
  'f32.gt': [[0x5e], ''],
  'f32.sqrt': [[0x91], ''], 'f32.add': [[0x92], ''], 'f32.sub': [[0x93], ''], 'f32.mul': [[0x94], ''], 'f32.div': [[0x95], ''],
  // f64 arithmetic
  'f64.trunc': [[0x9d], ''], 'f64.abs': [[0x99], ''], 'f64.neg': [[0x9a], ''], 'f64.floor': [[0x9c], ''], 'f64.add': [[0xa0], ''], 'f64.sub': [[0xa1], ''], 'f64.mul': [[0xa2], ''], 'f64.div': [[0xa3], ''],
  // conversions
  'i32.wrap_i64': [[0xa7], ''], 'i64.extend_i32_s': [[0xac], ''], 'i64.extend_i32_u': [[0xad], ''], 'f32.convert_i32_s': [[0xb2], ''], 'f32.demote_f64': [[0xb6], ''], 'f64.convert_i32_s': [[0xb7], ''],
  'f64.convert_i64_s': [[0xb9], ''], 'f64.convert_i64_u': [[0xba], ''], 'i64.trunc_f64_s': [[0xb0], ''], 'f64.promote_f32': [[0xbb], ''], 'i64.reinterpret_f64': [[0xbd], ''], 'f64.reinterpret_i64': [[0xbf], ''],
  'i32.trunc_sat_f64_s': [[0xfc, 0x02], ''], 'i64.trunc_sat_f64_s': [[0xfc, 0x06], ''],
  // SIMD (prefix 0xFD, LEB128 sub-opcode)
  'v128.load': [[0xfd, 0x00], 'mem', 4], 'v128.load32x2_s': [[0xfd, 0x05], 'mem', 3], 'v128.load64_splat': [[0xfd, 0x0a], 'mem', 3],
  'v128.store': [[0xfd, 0x0b], 'mem', 4],
  'i64x2.splat': [[0xfd, 0x12], ''], 'f64x2.splat': [[0xfd, 0x14], ''],
  'i64x2.extract_lane': [[0xfd, 0x1d], 'lane'], 'f64x2.extract_lane': [[0xfd, 0x21], 'lane'], 'f64x2.replace_lane': [[0xfd, 0x22], 'lane'],
  'f64x2.eq': [[0xfd, 0x47], ''], 'f64x2.ne': [[0xfd, 0x48], ''], 'f64x2.lt': [[0xfd, 0x49], ''], 'f64x2.gt': [[0xfd, 0x4a], ''],
  'f64x2.le': [[0xfd, 0x4b], ''], 'f64x2.ge': [[0xfd, 0x4c], ''],
  'v128.not': [[0xfd, 0x4d], ''], 'v128.and': [[0xfd, 0x4e], ''], 'v128.andnot': [[0xfd, 0x4f], ''], 'v128.or': [[0xfd, 0x50], ''],
  'v128.xor': [[0xfd, 0x51], ''], 'v128.bitselect': [[0xfd, 0x52], ''], 'v128.any_true': [[0xfd, 0x53], ''],
  'i64x2.bitmask': [[0xfd, 0xc4], ''],
  'i64x2.eq': [[0xfd, 0xd6], ''], 'i64x2.ne': [[0xfd, 0xd7], ''], 'i64x2.lt_s': [[0xfd, 0xd8], ''],
  'i64x2.gt_s': [[0xfd, 0xd9], ''], 'i64x2.le_s': [[0xfd, 0xda], ''], 'i64x2.ge_s': [[0xfd, 0xdb], ''],
  'f64x2.promote_low_f32x4': [[0xfd, 0x5f], ''], 'f32x4.demote_f64x2_zero': [[0xfd, 0x5e], ''], 'f64x2.abs': [[0xfd, 0xec], ''], 'f64x2.neg': [[0xfd, 0xed], ''],
  'f64x2.floor': [[0xfd, 0x75], ''],
  'v128.load32_splat': [[0xfd, 0x09], 'mem', 2], 'f32x4.splat': [[0xfd, 0x13], ''],
  'f32x4.gt': [[0xfd, 0x44], ''], 'f32x4.ge': [[0xfd, 0x46], ''], 'f32x4.abs': [[0xfd, 0xe0], ''],
  'i32x4.gt_s': [[0xfd, 0x3b], ''], 'i32x4.bitmask': [[0xfd, 0xa4], ''], 'i32x4.extract_lane': [[0xfd, 0x1b], 'lane'],
  'i32x4.shr_s': [[0xfd, 0xac], ''], 'i32x4.trunc_sat_f64x2_s_zero': [[0xfd, 0xfc], ''], 'i64x2.extend_low_i32x4_s': [[0xfd, 0xc7], ''],
  'i64x2.add': [[0xfd, 0xce], ''], 'i64x2.shl': [[0xfd, 0xcb], ''], 'f32x4.sqrt': [[0xfd, 0xe3], ''], 'f32x4.add': [[0xfd, 0xe4], ''], 'f32x4.sub': [[0xfd, 0xe5], ''], 'f32x4.mul': [[0xfd, 0xe6], ''], 'f32x4.div': [[0xfd, 0xe7], ''],
  'f64x2.add': [[0xfd, 0xf0], ''], 'f64x2.sub': [[0xfd, 0xf1], ''], 'f64x2.mul': [[0xfd, 0xf2], ''], 'f64x2.div': [[0xfd, 0xf3], ''],
};

// ——— S-expression reader ———
function tokenize(text) {
  const toks = [];
  const re = /\s+|;;[^\n]*|\(|\)|"(?:[^"\\]|\\.)*"|[^\s()";]+/gy;
  let m;
  while ((m = re.exec(text)) !== null) {
    const t = m[0];
    if (/^\s/.test(t) || t.startsWith(';;')) continue;
    toks.push(t);
  }
  if (re.lastIndex !== 0 && re.lastIndex !== text.length) throw new Error(`cannot read the text at offset ${re.lastIndex}`);
  return toks;
}
function parse(toks) {
  let i = 0;
  function node() {
    const t = toks[i++];
    if (t === '(') {
      const list = [];
      while (toks[i] !== ')') {
        if (i >= toks.length) throw new Error('unbalanced parentheses');
        list.push(node());
      }
      i++;
      return list;
    }
    if (t === ')') throw new Error('unexpected )');
    return t;
  }
  const n = node();
  if (i !== toks.length) throw new Error('text after the module');
  return n;
}
const unquote = (s) => JSON.parse(s);

// ——— inlining ———
/** The module with every call of an `inline` function replaced by its body (see the header). */
function inlineCalls(mod, inlineNames) {
  if (!inlineNames?.length) return mod;
  const fields = mod.slice(1);
  const defs = new Map();
  for (const item of fields) {
    if (item[0] === 'func' && inlineNames.includes(item[1])) defs.set(item[1], inlinable(item));
  }
  for (const n of inlineNames) if (!defs.has(n)) throw new Error(`inline: no function ${n} in the module`);
  const out = ['module'];
  for (const item of fields) {
    if (item[0] === 'func' && defs.has(item[1])) continue;
    if (item[0] !== 'func') {
      out.push(item);
      continue;
    }
    let k = typeof item[1] === 'string' && item[1].startsWith('$') ? 2 : 1;
    while (k < item.length && Array.isArray(item[k])) k++;
    const head = item.slice(0, k);
    const body = [];
    const added = new Set();
    for (let i = k; i < item.length; i++) {
      if (item[i] === 'call' && defs.has(item[i + 1])) {
        const f = defs.get(item[++i]);
        for (const [local, type] of f.vars) {
          if (!added.has(local)) head.push(['local', local, type]), added.add(local);
        }
        for (let q = f.params.length - 1; q >= 0; q--) body.push('local.set', f.params[q]);
        body.push(...f.body);
      } else body.push(item[i]);
    }
    out.push([...head, ...body]);
  }
  return out;
}

/** An inline function's params, all its variables (renamed $f/x, with types) and its renamed body. */
function inlinable(item) {
  const name = item[1];
  const rename = new Map();
  const params = [];
  const vars = [];
  let k = 2;
  for (; k < item.length && Array.isArray(item[k]); k++) {
    const [kind, local, type] = item[k];
    if (kind === 'export') throw new Error(`inline: ${name} is exported`);
    if (kind !== 'param' && kind !== 'local') continue;
    rename.set(local, `${name}/${local.slice(1)}`);
    vars.push([rename.get(local), type]);
    if (kind === 'param') params.push(rename.get(local));
  }
  const body = item.slice(k).map((t) => rename.get(t) ?? t);
  const written = new Set(params);
  for (let i = 0; i < body.length; i++) {
    const op = body[i];
    if (['block', 'loop', 'if', 'else', 'end', 'br', 'br_if', 'return'].includes(op)) throw new Error(`inline: ${name} is not straight-line (${op})`);
    if (op === 'local.set' || op === 'local.tee') written.add(body[i + 1]);
    if (op === 'local.get' && !written.has(body[i + 1])) throw new Error(`inline: ${name} reads ${body[i + 1]} before writing it`);
  }
  return { params, vars, body };
}

// ——— module assembly ———
function assemble(mod) {
  if (!Array.isArray(mod) || mod[0] !== 'module') throw new Error('expected (module …)');
  const types = [];
  const typeIndex = (params, results) => {
    const key = `${params.join(',')}->${results.join(',')}`;
    let k = types.findIndex((t) => t.key === key);
    if (k < 0) {
      types.push({ key, bytes: [0x60, ...vec(params.map((p) => [VALTYPE[p]])), ...vec(results.map((r) => [VALTYPE[r]]))] });
      k = types.length - 1;
    }
    return k;
  };
  const imports = [];
  const funcNames = new Map(); // $name → function index (imported functions first)
  const funcItems = [];
  for (const item of mod.slice(1)) {
    if (item[0] === 'import') {
      const desc = item[3];
      const head = [...str(unquote(item[1])), ...str(unquote(item[2]))];
      if (desc[0] === 'memory') imports.push([...head, 0x02, 0x00, ...uleb(Number(desc[1]))]);
      else if (desc[0] === 'func') {
        const sig = signature(desc.slice(2), desc[1]);
        funcNames.set(desc[1], funcNames.size);
        imports.push([...head, 0x00, ...uleb(typeIndex(sig.params, sig.results))]);
      } else throw new Error('only memory and function imports are supported');
    } else if (item[0] === 'func') {
      funcItems.push(item);
    } else throw new Error(`unsupported module field ${item[0]}`);
  }
  const nImported = funcNames.size;
  funcItems.forEach((item, k) => {
    if (typeof item[1] === 'string' && item[1].startsWith('$')) funcNames.set(item[1], nImported + k);
  });
  const funcs = funcItems.map((item) => compileFunc(item, typeIndex, funcNames));
  return [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types.map((t) => t.bytes))),
    ...section(2, vec(imports)),
    ...section(3, vec(funcs.map((f) => uleb(f.type)))),
    ...section(7, vec(funcs.filter((f) => f.exportName).map((f) => [...str(f.exportName), 0x00, ...uleb(nImported + funcs.indexOf(f))]))),
    ...section(10, vec(funcs.map((f) => [...uleb(f.code.length), ...f.code]))),
  ];
}

/** (param T…)(result T…) lists of an imported function. */
function signature(fields, name) {
  const params = [];
  const results = [];
  for (const f of fields) {
    if (f[0] === 'param') params.push(...f.slice(1).filter((t) => !t.startsWith('$')));
    else if (f[0] === 'result') results.push(...f.slice(1));
    else throw new Error(`${name}: unsupported (${f[0]} …) in an import`);
  }
  return { params, results };
}

function compileFunc(item, typeIndex, funcNames) {
  let k = 1;
  const name = typeof item[k] === 'string' && item[k].startsWith('$') ? item[k++] : null;
  let exportName = null;
  const params = [];
  const results = [];
  const locals = [];
  const names = new Map();
  for (; k < item.length && Array.isArray(item[k]); k++) {
    const f = item[k];
    if (f[0] === 'export') exportName = unquote(f[1]);
    else if (f[0] === 'param' || f[0] === 'local') {
      if (!(f[2] in VALTYPE) || f.length !== 3) throw new Error(`${name}: write one named ${f[0]} per list: (${f[0]} $x type)`);
      if (names.has(f[1])) throw new Error(`${name}: ${f[1]} declared twice`);
      if (f[0] === 'param' && locals.length) throw new Error(`${name}: params must precede locals`);
      names.set(f[1], params.length + locals.length);
      (f[0] === 'param' ? params : locals).push(f[2]);
    } else if (f[0] === 'result') results.push(...f.slice(1));
    else throw new Error(`${name}: unsupported (${f[0]} …)`);
  }
  const body = item.slice(k);
  const code = [];
  // locals: runs of equal types
  const runs = [];
  for (const t of locals) {
    if (runs.length && runs[runs.length - 1][1] === t) runs[runs.length - 1][0]++;
    else runs.push([1, t]);
  }
  code.push(...vec(runs.map(([c, t]) => [...uleb(c), VALTYPE[t]])));
  const labels = []; // innermost last
  for (let i = 0; i < body.length; ) {
    const op = body[i++];
    if (Array.isArray(op)) throw new Error(`${name}: folded instructions are not supported: (${op.join(' ')})`);
    const def = OPS[op];
    if (!def) throw new Error(`${name}: unknown instruction '${op}'`);
    const [bytes, imm, align] = def;
    code.push(bytes[0], ...(bytes.length > 1 ? uleb(bytes[1]) : [])); // prefixed opcodes: sub-opcode as LEB128 u32
    switch (imm) {
      case '':
      case 'else':
        break;
      case 'end':
        labels.pop();
        break;
      case 'block': {
        const label = typeof body[i] === 'string' && body[i].startsWith('$') ? body[i++] : null;
        labels.push(label);
        code.push(0x40); // no block results in this subset
        break;
      }
      case 'label': {
        const l = body[i++];
        const depth = labels.length - 1 - labels.lastIndexOf(l);
        if (labels.lastIndexOf(l) < 0) throw new Error(`${name}: unknown label ${l}`);
        code.push(...uleb(depth));
        break;
      }
      case 'func': {
        const f = body[i++];
        if (!funcNames.has(f)) throw new Error(`${name}: unknown function ${f}`);
        code.push(...uleb(funcNames.get(f)));
        break;
      }
      case 'local': {
        const l = body[i++];
        if (!names.has(l)) throw new Error(`${name}: unknown local ${l}`);
        code.push(...uleb(names.get(l)));
        break;
      }
      case 'mem': {
        let offset = 0;
        if (typeof body[i] === 'string' && body[i].startsWith('offset=')) offset = Number(body[i++].slice(7));
        code.push(...uleb(align), ...uleb(offset));
        break;
      }
      case 'i32':
      case 'i64':
        code.push(...sleb(body[i++]));
        break;
      case 'f64': {
        const lit = body[i++];
        const x = lit === 'nan' ? NaN : Number(lit);
        if (Number.isNaN(x) && lit !== 'nan') throw new Error(`${name}: bad f64 constant '${lit}'`);
        code.push(...f64bytes(x));
        break;
      }
      case 'lane':
        code.push(Number(body[i++]));
        break;
      default:
        throw new Error(`bad immediate kind ${imm}`);
    }
  }
  if (labels.length !== 0) throw new Error(`${name}: ${labels.length} block(s) not closed by end`);
  code.push(0x0b);
  return { name, exportName, type: typeIndex(params, results), code };
}

// ——— layouts (templates) ———
/** The layout table exported as `name` by the TypeScript module `file` (which imports nothing), transpiled on the fly. */
async function loadLayout(file, name) {
  const ts = (await import('typescript')).default;
  const js = ts.transpileModule(readFileSync(join(root, file), 'utf8'), { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
  const mod = await import('data:text/javascript;base64,' + Buffer.from(js).toString('base64'));
  if (!mod[name]) throw new Error(`${file} exports no ${name}`);
  return mod[name];
}

/** The .wat text of a template: `offset=@slot(+N)` resolved, `;; @LAYOUT` and `@HEADER` written from the layout. */
function expandTemplate(text, layout, m) {
  const used = new Set();
  let out = text.replace(/offset=@([A-Za-z0-9_]+)(?:\+(\d+))?/g, (_, slot, plus) => {
    const s = layout.slots.find((x) => x.name === slot);
    if (!s) throw new Error(`${m.template}: no slot '${slot}' in ${m.layout.file}`);
    const delta = plus ? Number(plus) : 0;
    if (delta >= s.bytes) throw new Error(`${m.template}: @${slot}+${delta} is beyond the slot (${s.bytes} bytes)`);
    used.add(slot);
    return `offset=${s.at + delta}`;
  });
  if (/@[A-Za-z]/.test(out.replace(/;;[^\n]*/g, ''))) throw new Error(`${m.template}: an '@' outside 'offset=@slot'`);
  const rows = layout.slots.map((s) => {
    const range = s.bytes > 8 ? `${s.at}–${s.at + s.bytes - 1}` : `${s.at}`;
    return `;;     ${range.padEnd(10)} ${(s.type + (s.count ? `[${s.count}]` : '')).padEnd(10)} ${s.name.padEnd(9)} ${s.doc}`;
  });
  out = out.replace(';; @LAYOUT', rows.join('\n')).replace('@HEADER', String(layout.header));
  out = out.replace(';; @GENERATED', `;; GENERATED by scripts/build-wasm.mjs from ${m.template} and ${m.layout.file} — edit those and rerun.`);
  return out;
}

// ——— cross-check against wabt ———
/** S-expression back to text (the inlined module, for wabt). */
const print = (n) => (Array.isArray(n) ? `(${n.map(print).join(' ')})` : n);

let wabt = null;
async function wabtBytes(text, file) {
  if (wabt === null) wabt = await (await import('wabt')).default();
  const mod = wabt.parseWat(file, text, { simd: true, sat_float_to_int: true });
  try {
    mod.validate();
    return [...mod.toBinary({ canonicalize_lebs: true, write_debug_names: false }).buffer];
  } finally {
    mod.destroy();
  }
}

// ——— output ———
const check = process.argv.includes('--check');
let stale = 0;
for (const m of MODULES) {
  const out = join(root, m.out);
  let text;
  if (m.template) {
    const layout = await loadLayout(m.layout.file, m.layout.name);
    text = expandTemplate(readFileSync(join(root, m.template), 'utf8'), layout, m);
    let old = '';
    try {
      old = readFileSync(join(root, m.src), 'utf8');
    } catch {}
    if (old !== text) {
      if (check) {
        console.error(`${m.src} is out of date (${m.template}, ${m.layout.file}); run node scripts/build-wasm.mjs`);
        stale++;
      } else {
        writeFileSync(join(root, m.src), text);
        console.log(`wrote ${m.src} from ${m.template} and ${m.layout.file}`);
      }
    }
  } else text = readFileSync(join(root, m.src), 'utf8');
  const inlined = inlineCalls(parse(tokenize(text)), m.inline);
  const bytes = assemble(inlined);
  if (!WebAssembly.validate(new Uint8Array(bytes))) throw new Error(`${m.src}: the assembled module does not validate`);
  const lines = [];
  for (let i = 0; i < bytes.length; i += 24) lines.push('  ' + bytes.slice(i, i + 24).join(', ') + ',');
  const ts = `// GENERATED by scripts/build-wasm.mjs from ${m.src} — do not edit; rerun the script.
/** ${m.what} (${bytes.length} bytes); see ${m.src} for the source. */
export const ${m.name}: Uint8Array = new Uint8Array([
${lines.join('\n')}
]);
`;
  if (check) {
    let old = '';
    try {
      old = readFileSync(out, 'utf8');
    } catch {}
    if (old !== ts) {
      console.error(`${m.out} is out of date; run node scripts/build-wasm.mjs`);
      stale++;
    } else console.log(`${m.out} is up to date (${bytes.length} bytes).`);
    const w = await wabtBytes(print(inlined), m.src);
    const at = w.findIndex((b, i) => b !== bytes[i]);
    if (at >= 0 || w.length !== bytes.length) {
      console.error(`${m.src}: wabt assembles ${w.length} bytes, this script ${bytes.length}; first difference at byte ${at < 0 ? Math.min(w.length, bytes.length) : at}`);
      stale++;
    } else console.log(`${m.src}: wabt gives the same ${bytes.length} bytes.`);
  } else {
    writeFileSync(out, ts);
    console.log(`wrote ${m.out} (${bytes.length} bytes of wasm)`);
  }
}
if (stale) process.exit(1);
