/**
 * A 5×7 bitmap font for text in PNG figures (titles, colour-bar ticks, the labels under receptive
 * fields): the classic LCD character set (HD44780-style ROM patterns, as in the public-domain
 * tables of hobby LCD drivers) for printable ASCII, plus the few symbols figures need (µ, ×, →,
 * ⁺, ⁻, −, –, ·, θ, ≥, ≤), and g, j, p, q, y redrawn with descenders. Each glyph is 5 columns of one
 * byte, bit 0 at the top; bit 7 is the descender row. Pure: draws through a `plot(x, y)` callback.
 */

/** Glyph columns, 5 bytes per character from ' ' (0x20) to '~' (0x7e), as hex. */
const ASCII_HEX =
  '000000000000005f00000007000700147f147f14242a7f2a12231308646236495522500005030000001c2241000041221c00' +
  '14083e081408083e080800503000000808080808006060000020100804023e5149453e00427f400042615149462141454b31' +
  '1814127f1027454545393c4a49493001710905033649494936064949291e0036360000005636000008142241001414141414' +
  '00412214080201510906324979413e7e1111117e7f494949363e414141227f4141221c7f494949417f090909013e4149497a' +
  '7f0808087f00417f41002040413f017f081422417f404040407f020c027f7f0408107f3e4141413e7f090909063e4151215e' +
  '7f09192946464949493101017f01013f4040403f1f2040201f3f4038403f631408146307087008076151494543007f414100' +
  '02040810200041417f0004020102044040404040000102040020545454787f484444383844444420384444487f3854545418' +
  '087e0901020c5252523e7f0804047800447d40002040443d007f1028440000417f40007c041804787c080404783844444438' +
  '7c14141408081414187c7c080404084854545420043f4440203c4040207c1c2040201c3c4030403c44281028440c5050503c' +
  '4464544c44000836410000007f000000413608001008081008';

/** Symbols beyond ASCII (same layout). */
const EXTRA: Readonly<Record<string, readonly number[]>> = {
  // lowercase letters with descenders (the ROM table has none)
  g: [0x98, 0xa4, 0xa4, 0xa4, 0x78],
  j: [0x00, 0x80, 0x80, 0x84, 0x7d],
  p: [0xfc, 0x24, 0x24, 0x24, 0x18],
  q: [0x18, 0x24, 0x24, 0x24, 0xfc],
  y: [0x1c, 0xa0, 0xa0, 0xa0, 0x7c],
  'µ': [0xfc, 0x40, 0x40, 0x20, 0x7c],
  '×': [0x22, 0x14, 0x08, 0x14, 0x22],
  '→': [0x08, 0x08, 0x2a, 0x1c, 0x08],
  '⁺': [0x00, 0x04, 0x0e, 0x04, 0x00],
  '⁻': [0x00, 0x04, 0x04, 0x04, 0x00],
  '−': [0x08, 0x08, 0x08, 0x08, 0x08],
  '–': [0x08, 0x08, 0x08, 0x08, 0x08],
  '·': [0x00, 0x00, 0x08, 0x00, 0x00],
  'θ': [0x3e, 0x49, 0x49, 0x49, 0x3e],
  '≥': [0x00, 0x51, 0x4a, 0x44, 0x00],
  '≤': [0x00, 0x44, 0x4a, 0x51, 0x00],
};

const GLYPHS = new Map<string, readonly number[]>();
for (let c = 0x20; c <= 0x7e; c++) {
  const at = (c - 0x20) * 10;
  const cols: number[] = [];
  for (let k = 0; k < 5; k++) cols.push(parseInt(ASCII_HEX.slice(at + 2 * k, at + 2 * k + 2), 16));
  GLYPHS.set(String.fromCharCode(c), cols);
}
for (const [ch, cols] of Object.entries(EXTRA)) GLYPHS.set(ch, cols);

/** Glyph cell at scale 1: 5 columns + 1 of spacing; 7 rows + a descender row. */
export const GLYPH_ADVANCE = 6;
export const GLYPH_HEIGHT = 8;

/** Width of `text` drawn at `scale` [px] (no trailing spacing). */
export function textWidth(text: string, scale: number): number {
  const n = [...text].length;
  return n === 0 ? 0 : (n * GLYPH_ADVANCE - 1) * scale;
}

/** Whether every character of `text` has a glyph (others are drawn as '?'). */
export function hasGlyphs(text: string): boolean {
  return [...text].every((c) => GLYPHS.has(c));
}

/** Draws `text` with its top-left corner at (x, y), each font pixel a scale × scale block. */
export function drawText(text: string, x: number, y: number, scale: number, plot: (px: number, py: number) => void): void {
  let cx = x;
  for (const ch of text) {
    const cols = GLYPHS.get(ch) ?? GLYPHS.get('?')!;
    for (let c = 0; c < 5; c++) {
      const bits = cols[c];
      for (let r = 0; r < GLYPH_HEIGHT; r++) {
        if ((bits & (1 << r)) === 0) continue;
        for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) plot(cx + c * scale + dx, y + r * scale + dy);
      }
    }
    cx += GLYPH_ADVANCE * scale;
  }
}
