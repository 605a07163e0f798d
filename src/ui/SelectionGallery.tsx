// The images inside the region brushed on the map, with how many of each class it holds.
import { useEffect, useMemo, useRef } from 'react';
import { drawImage } from '../viz/imageTile';
import { useAppState, useController } from './controllerContext';

const TILE_PX = 44;
const GAP_PX = 4;
const COLUMNS = 12;
/** Enough to see what a region holds without drawing thousands of tiles. */
const MAX_SHOWN = 96;

export function SelectionGallery() {
  const controller = useController();
  const selection = useAppState((state) => state.selection);
  const dataset = useAppState((state) => state.dataset);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const shown = selection ? Math.min(selection.length, MAX_SHOWN) : 0;
  const rows = Math.ceil(shown / COLUMNS);
  const width = COLUMNS * (TILE_PX + GAP_PX) - GAP_PX;
  const height = Math.max(1, rows * (TILE_PX + GAP_PX) - GAP_PX);

  const classCounts = useMemo(() => {
    if (!selection || !dataset) return [];
    const counts = new Map<number, number>();
    for (const index of selection) counts.set(dataset.labels[index], (counts.get(dataset.labels[index]) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1]).map(([label, count]) => `${dataset.classNames[label]} × ${count}`);
  }, [selection, dataset]);

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context || !dataset || !selection) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    const size = dataset.shape[0] * dataset.shape[1] * dataset.shape[2];
    for (let i = 0; i < shown; i++) {
      const x = (i % COLUMNS) * (TILE_PX + GAP_PX);
      const y = Math.floor(i / COLUMNS) * (TILE_PX + GAP_PX);
      drawImage(context, dataset.images, selection[i] * size, dataset.shape, x, y, TILE_PX);
    }
  }, [selection, dataset, shown, width, height]);

  if (!selection) return null;
  return (
    <section className="panel gallery" aria-labelledby="gallery-title">
      <div className="gallery-head">
        <h2 id="gallery-title">
          {selection.length.toLocaleString('en-US')} images in the selected region
          {selection.length > MAX_SHOWN ? <span className="subtle"> (first {MAX_SHOWN} shown)</span> : null}
        </h2>
        <button type="button" onClick={() => controller.selectRegion(null)}>
          Clear selection
        </button>
      </div>
      <p className="gallery-classes">{classCounts.join(' · ') || 'No points there.'}</p>
      {shown > 0 ? <canvas ref={canvasRef} style={{ width, height }} role="img" aria-label="Selected images" /> : null}
    </section>
  );
}
