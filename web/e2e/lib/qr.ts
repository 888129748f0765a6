// Reads the QR code the account page draws as SVG: the browser rasterises it, jsQR decodes the
// pixels — what a phone's camera would see.
import type { Page } from '@playwright/test';
import jsQR from 'jsqr';

export async function readQrCode(page: Page): Promise<string | null> {
  const pixels = await page.evaluate(async () => {
    const svg = document.querySelector('svg[data-qr-version]');
    if (!svg) throw new Error('no QR code in the page');
    const source = new XMLSerializer().serializeToString(svg);
    const image = new Image();
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
    await image.decode();
    const width = Number((svg.getAttribute('viewBox') ?? '').split(' ')[2]);
    const scale = 6;
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = width * scale;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas');
    context.imageSmoothingEnabled = false;
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const data = context.getImageData(0, 0, canvas.width, canvas.height);
    return { width: data.width, height: data.height, data: Array.from(data.data) };
  });
  const result = jsQR(Uint8ClampedArray.from(pixels.data), pixels.width, pixels.height);
  return result?.data ?? null;
}
