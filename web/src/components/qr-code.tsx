import { useMemo } from 'react';

import { cn } from '@/lib/cn';
import { encodeQr, qrSvgPath, type ErrorCorrectionLevel } from '@/lib/qr-code';

const MARGIN = 4;

/**
 * `value` drawn as a QR code, encoded in the browser (nothing is sent anywhere). Always dark on
 * white with a quiet zone, whatever the theme, so phone cameras read it.
 */
export function QrCode({
  value,
  label,
  level = 'M',
  className,
}: {
  value: string;
  /** What the code holds, for assistive tech (e.g. "QR code for your authenticator app"). */
  label: string;
  level?: ErrorCorrectionLevel;
  className?: string;
}) {
  const code = useMemo(() => encodeQr(value, level), [value, level]);
  const side = code.size + MARGIN * 2;
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${side} ${side}`}
      shapeRendering="crispEdges"
      className={cn('size-48 rounded-md bg-white', className)}
      data-qr-version={code.version}
    >
      <rect width={side} height={side} fill="#fff" />
      <path d={qrSvgPath(code, MARGIN)} fill="#000" />
    </svg>
  );
}
