// Rows of images drawn on one canvas, each row with a title on its left: originals above their
// reconstructions, noisy / output / clean, one row per code depth.
import { useEffect, useRef } from 'react';
import type { ImageShape } from '../../data/dataset';
import { drawImage } from '../../viz/imageTile';

export interface ImageRow {
  title: string;
  /** Images back to back: float pixels 0..1 or bytes 0..255. */
  pixels: Float32Array | Uint8Array;
  /** Offset of each image's first value in `pixels`. */
  offsets: number[];
}

const TITLE_PX = 150;
const GAP_PX = 6;

export function ImageRows({ label, rows, shape, tilePx = 56 }: { label: string; rows: ImageRow[]; shape: ImageShape; tilePx?: number }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const columns = Math.max(0, ...rows.map((row) => row.offsets.length));
  const width = TITLE_PX + columns * (tilePx + GAP_PX);
  const height = Math.max(1, rows.length * (tilePx + GAP_PX) - GAP_PX);
  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    context.font = '16px system-ui, sans-serif';
    context.textBaseline = 'middle';
    rows.forEach((row, r) => {
      const y = r * (tilePx + GAP_PX);
      context.fillStyle = '#333';
      context.fillText(row.title, 0, y + tilePx / 2, TITLE_PX - 8);
      row.offsets.forEach((offset, c) => drawImage(context, row.pixels, offset, shape, TITLE_PX + c * (tilePx + GAP_PX), y, tilePx));
    });
  }, [rows, shape, width, height, tilePx]);
  // The row titles in `data-rows` (joined by " | ") and the tile size, for readers of the page and tests.
  return (
    <canvas
      ref={canvasRef}
      role="img"
      aria-label={label}
      className="app-image-rows"
      style={{ width, height }}
      data-rows={rows.map((row) => row.title).join(' | ')}
      data-tile-px={tilePx}
    />
  );
}
