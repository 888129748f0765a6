// A QR Code encoder (ISO/IEC 18004), enough for otpauth:// URIs and any other text: byte mode
// (UTF-8), versions 1–40, all four error-correction levels, automatic mask choice. It runs in the
// browser, so the 2FA secret never leaves the page to be drawn.
//
// Layout: data → bit stream → codewords → Reed–Solomon blocks (interleaved) → zig-zag placement
// around the function patterns → the mask with the lowest penalty → format and version bits.

import {
  alignmentPositions,
  at,
  ECC_CODEWORDS_PER_BLOCK,
  FORMAT_BITS,
  MAX_VERSION,
  MIN_VERSION,
  NUM_ERROR_CORRECTION_BLOCKS,
  numDataCodewords,
  numRawDataModules,
} from '@/lib/qr-code-tables';
import { reedSolomonDivisor, reedSolomonRemainder } from '@/lib/reed-solomon';

export type ErrorCorrectionLevel = 'L' | 'M' | 'Q' | 'H';

export interface QrCode {
  version: number;
  /** Modules per side (17 + 4 × version). */
  size: number;
  level: ErrorCorrectionLevel;
  mask: number;
  /** `modules[y][x]` is true for a dark module. */
  modules: boolean[][];
}

// ---- encoding ----------------------------------------------------------------------------------

function appendBits(bits: number[], value: number, length: number): void {
  for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
}

function charCountBits(version: number): number {
  return version <= 9 ? 8 : 16;
}

/** The data codewords: mode, length, bytes, terminator and padding. */
function dataCodewords(bytes: Uint8Array, version: number, level: ErrorCorrectionLevel): number[] {
  const capacityBits = numDataCodewords(version, level) * 8;
  const bits: number[] = [];
  appendBits(bits, 0b0100, 4); // byte mode
  appendBits(bits, bytes.length, charCountBits(version));
  for (const byte of bytes) appendBits(bits, byte, 8);
  appendBits(bits, 0, Math.min(4, capacityBits - bits.length));
  appendBits(bits, 0, (8 - (bits.length % 8)) % 8);
  for (let pad = 0xec; bits.length < capacityBits; pad ^= 0xec ^ 0x11) appendBits(bits, pad, 8);
  const codewords: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    let byte = 0;
    for (let j = 0; j < 8; j++) byte = (byte << 1) | (bits[i + j] ?? 0);
    codewords.push(byte);
  }
  return codewords;
}

/** Splits the data into blocks, adds each block's error correction, and interleaves them. */
function addErrorCorrection(
  data: readonly number[],
  version: number,
  level: ErrorCorrectionLevel,
): number[] {
  const numBlocks = at(NUM_ERROR_CORRECTION_BLOCKS[level], version);
  const eccLength = at(ECC_CODEWORDS_PER_BLOCK[level], version);
  const rawCodewords = Math.floor(numRawDataModules(version) / 8);
  const numShortBlocks = numBlocks - (rawCodewords % numBlocks);
  const shortBlockLength = Math.floor(rawCodewords / numBlocks);
  const divisor = reedSolomonDivisor(eccLength);

  const blocks: number[][] = [];
  for (let i = 0, k = 0; i < numBlocks; i++) {
    const length = shortBlockLength - eccLength + (i < numShortBlocks ? 0 : 1);
    const block = data.slice(k, k + length);
    k += length;
    const ecc = reedSolomonRemainder(block, divisor);
    // Short blocks get a placeholder so every block has the same length while interleaving.
    if (i < numShortBlocks) block.push(0);
    blocks.push([...block, ...ecc]);
  }

  const result: number[] = [];
  const blockLength = blocks[0]?.length ?? 0;
  for (let i = 0; i < blockLength; i++) {
    blocks.forEach((block, j) => {
      if (i !== shortBlockLength - eccLength || j >= numShortBlocks) result.push(block[i] ?? 0);
    });
  }
  return result;
}

// ---- the symbol --------------------------------------------------------------------------------

class Matrix {
  readonly size: number;
  readonly modules: boolean[][];
  readonly isFunction: boolean[][];

  constructor(size: number) {
    this.size = size;
    this.modules = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
    this.isFunction = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  }

  get(x: number, y: number): boolean {
    return this.modules[y]?.[x] ?? false;
  }

  set(x: number, y: number, dark: boolean): void {
    const row = this.modules[y];
    if (row) row[x] = dark;
  }

  setFunction(x: number, y: number, dark: boolean): void {
    this.set(x, y, dark);
    const row = this.isFunction[y];
    if (row) row[x] = true;
  }

  isFunctionAt(x: number, y: number): boolean {
    return this.isFunction[y]?.[x] ?? false;
  }
}

function drawFinder(m: Matrix, cx: number, cy: number): void {
  for (let dy = -4; dy <= 4; dy++) {
    for (let dx = -4; dx <= 4; dx++) {
      const x = cx + dx;
      const y = cy + dy;
      if (x < 0 || x >= m.size || y < 0 || y >= m.size) continue;
      const distance = Math.max(Math.abs(dx), Math.abs(dy));
      m.setFunction(x, y, distance !== 2 && distance !== 4);
    }
  }
}

function drawAlignment(m: Matrix, cx: number, cy: number): void {
  for (let dy = -2; dy <= 2; dy++) {
    for (let dx = -2; dx <= 2; dx++) {
      m.setFunction(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
    }
  }
}

function bit(value: number, index: number): boolean {
  return ((value >>> index) & 1) !== 0;
}

/** The 15 format bits: level and mask, BCH-protected and XOR-masked. */
export function formatBits(level: ErrorCorrectionLevel, mask: number): number {
  const data = (FORMAT_BITS[level] << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((data << 10) | rem) ^ 0x5412;
}

function drawFormat(m: Matrix, level: ErrorCorrectionLevel, mask: number): void {
  const bits = formatBits(level, mask);
  const size = m.size;
  for (let i = 0; i <= 5; i++) m.setFunction(8, i, bit(bits, i));
  m.setFunction(8, 7, bit(bits, 6));
  m.setFunction(8, 8, bit(bits, 7));
  m.setFunction(7, 8, bit(bits, 8));
  for (let i = 9; i < 15; i++) m.setFunction(14 - i, 8, bit(bits, i));
  for (let i = 0; i < 8; i++) m.setFunction(size - 1 - i, 8, bit(bits, i));
  for (let i = 8; i < 15; i++) m.setFunction(8, size - 15 + i, bit(bits, i));
  m.setFunction(8, size - 8, true); // the dark module
}

function drawVersion(m: Matrix, version: number): void {
  if (version < 7) return;
  let rem = version;
  for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
  const bits = (version << 12) | rem;
  for (let i = 0; i < 18; i++) {
    const a = m.size - 11 + (i % 3);
    const b = Math.floor(i / 3);
    m.setFunction(a, b, bit(bits, i));
    m.setFunction(b, a, bit(bits, i));
  }
}

function drawFunctionPatterns(m: Matrix, version: number, level: ErrorCorrectionLevel): void {
  const size = m.size;
  for (let i = 0; i < size; i++) {
    m.setFunction(6, i, i % 2 === 0);
    m.setFunction(i, 6, i % 2 === 0);
  }
  drawFinder(m, 3, 3);
  drawFinder(m, size - 4, 3);
  drawFinder(m, 3, size - 4);
  const positions = alignmentPositions(version);
  const last = positions.length - 1;
  positions.forEach((y, i) => {
    positions.forEach((x, j) => {
      const onFinder = (i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0);
      if (!onFinder) drawAlignment(m, x, y);
    });
  });
  drawFormat(m, level, 0); // reserves the area; redrawn with the chosen mask
  drawVersion(m, version);
}

/** Places the codewords in the zig-zag order, two columns at a time from the bottom right. */
function placeCodewords(m: Matrix, codewords: readonly number[]): void {
  const size = m.size;
  const totalBits = codewords.length * 8;
  let i = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5; // skip the vertical timing pattern
    for (let vert = 0; vert < size; vert++) {
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        const upward = ((right + 1) & 2) === 0;
        const y = upward ? size - 1 - vert : vert;
        if (!m.isFunctionAt(x, y) && i < totalBits) {
          m.set(x, y, bit(codewords[i >>> 3] ?? 0, 7 - (i & 7)));
          i++;
        }
      }
    }
  }
}

const MASKS: readonly ((x: number, y: number) => boolean)[] = [
  (x, y) => (x + y) % 2 === 0,
  (_x, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

function applyMask(m: Matrix, mask: number): void {
  const test = MASKS[mask];
  if (!test) throw new RangeError(`no mask ${mask}`);
  for (let y = 0; y < m.size; y++) {
    for (let x = 0; x < m.size; x++) {
      if (!m.isFunctionAt(x, y) && test(x, y)) m.set(x, y, !m.get(x, y));
    }
  }
}

const FINDER_LIKE = [
  [true, false, true, true, true, false, true, false, false, false, false],
  [false, false, false, false, true, false, true, true, true, false, true],
];

/** The standard's penalty score (lower is easier to read). */
export function penalty(modules: boolean[][]): number {
  const size = modules.length;
  const get = (x: number, y: number) => modules[y]?.[x] ?? false;
  let score = 0;

  const lines = (horizontal: boolean) =>
    Array.from({ length: size }, (_, a) =>
      Array.from({ length: size }, (_unused, b) => (horizontal ? get(b, a) : get(a, b))),
    );
  for (const line of [...lines(true), ...lines(false)]) {
    // N1: five or more equal modules in a row.
    let run = 1;
    for (let i = 1; i <= size; i++) {
      if (i < size && line[i] === line[i - 1]) {
        run++;
      } else {
        if (run >= 5) score += 3 + (run - 5);
        run = 1;
      }
    }
    // N3: a finder-like pattern with four light modules on one side.
    for (let i = 0; i + 11 <= size; i++) {
      for (const pattern of FINDER_LIKE) {
        if (pattern.every((dark, k) => line[i + k] === dark)) score += 40;
      }
    }
  }

  // N2: 2×2 blocks of one colour.
  for (let y = 0; y < size - 1; y++) {
    for (let x = 0; x < size - 1; x++) {
      const c = get(x, y);
      if (c === get(x + 1, y) && c === get(x, y + 1) && c === get(x + 1, y + 1)) score += 3;
    }
  }

  // N4: how far the share of dark modules is from 50 %.
  let dark = 0;
  for (const row of modules) for (const cell of row) if (cell) dark++;
  const total = size * size;
  score += (Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1) * 10;
  return score;
}

/**
 * Encodes `text` (as UTF-8, byte mode) in the smallest version that holds it at `level`.
 * Throws a RangeError when the text is too long for version 40.
 */
export function encodeQr(text: string, level: ErrorCorrectionLevel = 'M'): QrCode {
  const bytes = new TextEncoder().encode(text);
  let version = MIN_VERSION;
  for (; version <= MAX_VERSION; version++) {
    const needed = 4 + charCountBits(version) + bytes.length * 8;
    if (needed <= numDataCodewords(version, level) * 8) break;
  }
  if (version > MAX_VERSION) throw new RangeError('The text is too long for a QR code.');

  const codewords = addErrorCorrection(dataCodewords(bytes, version, level), version, level);
  const size = version * 4 + 17;
  const base = new Matrix(size);
  drawFunctionPatterns(base, version, level);
  placeCodewords(base, codewords);

  let best: { mask: number; modules: boolean[][]; score: number } | null = null;
  for (let mask = 0; mask < MASKS.length; mask++) {
    const m = new Matrix(size);
    base.modules.forEach((row, y) => row.forEach((dark, x) => m.set(x, y, dark)));
    base.isFunction.forEach((row, y) =>
      row.forEach((fn, x) => {
        if (fn) m.setFunction(x, y, m.get(x, y));
      }),
    );
    applyMask(m, mask);
    drawFormat(m, level, mask);
    const score = penalty(m.modules);
    if (!best || score < best.score) best = { mask, modules: m.modules, score };
  }
  if (!best) throw new Error('no mask');
  return { version, size, level, mask: best.mask, modules: best.modules };
}

/** An SVG path drawing the dark modules, offset by a `margin` of light modules. */
export function qrSvgPath(code: QrCode, margin = 4): string {
  const parts: string[] = [];
  code.modules.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) parts.push(`M${x + margin} ${y + margin}h1v1h-1z`);
    });
  });
  return parts.join('');
}
