import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';

import { encodeQr, formatBits, type ErrorCorrectionLevel, type QrCode } from '@/lib/qr-code';
import { alignmentPositions, numDataCodewords } from '@/lib/qr-code-tables';
import { reedSolomonDivisor, reedSolomonRemainder } from '@/lib/reed-solomon';

/** Draws the symbol as RGBA pixels (with a quiet zone) and reads it back with jsQR. */
function decode(code: QrCode, scale = 3, margin = 4): string | null {
  const side = (code.size + margin * 2) * scale;
  const pixels = new Uint8ClampedArray(side * side * 4).fill(255);
  code.modules.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const px = (x + margin) * scale + dx;
          const py = (y + margin) * scale + dy;
          const i = (py * side + px) * 4;
          pixels[i] = pixels[i + 1] = pixels[i + 2] = 0;
        }
      }
    });
  });
  return jsQR(pixels, side, side, { inversionAttempts: 'dontInvert' })?.data ?? null;
}

function text(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:/?&=.-_%';
  return Array.from({ length }, (_, i) => alphabet[(i * 7 + 3) % alphabet.length]).join('');
}

describe('QR code encoder', () => {
  it('knows the capacities, alignment positions and format bits of the standard', () => {
    // Byte-mode capacities (characters) from the standard's table 7, through data codewords.
    expect(numDataCodewords(1, 'L')).toBe(19);
    expect(numDataCodewords(1, 'M')).toBe(16);
    expect(numDataCodewords(1, 'H')).toBe(9);
    expect(numDataCodewords(7, 'M')).toBe(124);
    expect(numDataCodewords(40, 'L')).toBe(2956);
    expect(numDataCodewords(40, 'H')).toBe(1276);
    expect(alignmentPositions(1)).toEqual([]);
    expect(alignmentPositions(2)).toEqual([6, 18]);
    expect(alignmentPositions(7)).toEqual([6, 22, 38]);
    expect(alignmentPositions(32)).toEqual([6, 34, 60, 86, 112, 138]);
    expect(alignmentPositions(40)).toEqual([6, 30, 58, 86, 114, 142, 170]);
    // Level M, mask 0 → 101010000010010 (the standard's annex C example).
    expect(formatBits('M', 0)).toBe(0b101010000010010);
  });

  it('computes Reed–Solomon error correction like the standard example', () => {
    // Version 1-M "01234567" (annex I): data codewords and their 10 ECC codewords.
    const data = [
      0x10, 0x20, 0x0c, 0x56, 0x61, 0x80, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec,
      0x11,
    ];
    expect(reedSolomonRemainder(data, reedSolomonDivisor(10))).toEqual([
      0xa5, 0x24, 0xd4, 0xc1, 0xed, 0x36, 0xc7, 0x87, 0x2c, 0x55,
    ]);
  });

  it('encodes an otpauth URI that a QR reader decodes back', () => {
    const uri =
      'otpauth://totp/Kubarr:admin?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Kubarr&algorithm=SHA1&digits=6&period=30';
    const code = encodeQr(uri, 'M');
    expect(code.size).toBe(code.version * 4 + 17);
    expect(decode(code)).toBe(uri);
  });

  it.each<[ErrorCorrectionLevel, number[]]>([
    ['L', [1, 17, 40, 120, 300]],
    ['M', [1, 14, 60, 106, 180, 400]],
    ['Q', [5, 30, 90, 220]],
    ['H', [7, 25, 80, 150]],
  ])('round-trips texts of several lengths at level %s', (level, lengths) => {
    for (const length of lengths) {
      const input = text(length);
      const code = encodeQr(input, level);
      expect(decode(code), `length ${length} (version ${code.version})`).toBe(input);
    }
  });

  it('encodes non-ASCII text as UTF-8', () => {
    const input = 'Kübarr — ✓ 日本';
    expect(decode(encodeQr(input))).toBe(input);
  });

  it('refuses text too long for version 40', () => {
    expect(() => encodeQr('x'.repeat(3000), 'L')).toThrow(RangeError);
  });
});
