// The manifold grid: an N x N mosaic of images decoded at evenly spaced points over the part of the
// map on screen, so zooming the map zooms the grid. Hidden dimensions of each point come from its
// nearest data point (codeAt), so the grid shows codes the model has actually seen nearby.
// Decoding N^2 images takes a while on the main thread, so redraws are throttled: at most one per
// MIN_REDRAW_MS, and only after the region, the decoder weights or the map changed.
import { useEffect, useRef, useState, type MouseEvent as ReactMouseEvent } from 'react';
import { gridPoints } from '../latent/walks';
import { drawImage } from '../viz/imageTile';
import { tileRow } from './tileLayout';
import { useAppState, useController } from './controllerContext';

const GRID_SIZES = [5, 8, 12, 16] as const;
const DEFAULT_GRID_SIZE = 8;
/** The mosaic's side in CSS pixels, chosen to fill the results column without scrolling. */
const MOSAIC_CSS_PX = 420;
const GAP_CSS_PX = 2;
/** At most about four redraws a second: enough to follow a zoom, little enough to leave the page responsive. */
const MIN_REDRAW_MS = 500;
/** Images decoded per main-thread task. */
const DECODE_CHUNK = 16;
const BACKGROUND = '#f1f1ee';

/** Tile layout in canvas (device) pixels. */
interface MosaicLayout {
  size: number;
  tile: number;
  gap: number;
  side: number;
}

function mosaicLayout(size: number, pixelRatio: number): MosaicLayout {
  const { tile, gap, extent } = tileRow(size, MOSAIC_CSS_PX, GAP_CSS_PX, pixelRatio);
  return { size, tile, gap, side: extent };
}

export function ManifoldGrid({ active }: { active: boolean }) {
  const controller = useController();
  const store = controller.store;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  /** The map points of the tiles on screen, so a click moves the probe to exactly the tile's point. */
  const drawnPointsRef = useRef<Float32Array | null>(null);
  const [gridSize, setGridSize] = useState<number>(DEFAULT_GRID_SIZE);
  const [pixelRatio] = useState(() => window.devicePixelRatio || 1);
  const [drawnOnce, setDrawnOnce] = useState(false);
  const dataset = useAppState((state) => state.dataset);
  const layout = mosaicLayout(gridSize, pixelRatio);

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!active || !canvas || !context || !dataset) return;
    let timer = 0;
    let lastDrawAt = -Infinity;
    let drawn: { region: unknown; version: number; map: unknown } = { region: null, version: -1, map: null };

    const changed = () => {
      const state = store.getState();
      return state.viewRegion !== drawn.region || state.decoderVersion !== drawn.version || state.map !== drawn.map;
    };

    // Decoding a whole grid at once on the CPU takes tens of milliseconds; a few rows per task keeps
    // every main-thread task short. A newer draw (or unmounting) abandons an older one.
    let generation = 0;
    let cancelled = false;
    const draw = async () => {
      const myGeneration = ++generation;
      const state = store.getState();
      drawn = { region: state.viewRegion, version: state.decoderVersion, map: state.map };
      const region = state.viewRegion;
      if (!region || !state.map) return;
      const count = layout.size * layout.size;
      const points = gridPoints(region, layout.size);
      let codes: Float32Array | null = null;
      let latentDim = 0;
      for (let i = 0; i < count; i++) {
        const code = controller.codeAt(points[2 * i], points[2 * i + 1], -1);
        if (!code) return;
        latentDim = code.length;
        codes ??= new Float32Array(count * latentDim);
        codes.set(code, i * latentDim);
      }
      if (!codes) return;
      const [h, w, c] = dataset.shape;
      const imageSize = h * w * c;
      const pixels = new Float32Array(count * imageSize);
      for (let start = 0; start < count; start += DECODE_CHUNK) {
        const n = Math.min(DECODE_CHUNK, count - start);
        const part = controller.decodeMany(codes.subarray(start * latentDim, (start + n) * latentDim), n);
        if (!part) return;
        pixels.set(part, start * imageSize);
        await new Promise((resolve) => window.setTimeout(resolve, 0));
        if (cancelled || myGeneration !== generation) return;
      }
      context.fillStyle = BACKGROUND;
      context.fillRect(0, 0, canvas.width, canvas.height);
      for (let i = 0; i < count; i++) {
        const x = (i % layout.size) * (layout.tile + layout.gap);
        const y = Math.floor(i / layout.size) * (layout.tile + layout.gap);
        drawImage(context, pixels, i * imageSize, dataset.shape, x, y, layout.tile);
      }
      drawnPointsRef.current = points;
      canvas.dataset.draws = String(Number(canvas.dataset.draws ?? '0') + 1);
      setDrawnOnce(true);
    };

    // Wait out the rest of the throttle interval, then draw in a task of its own: decoding a whole
    // grid inside an animation frame would add its time to the map's frame and the probe's decode.
    const schedule = () => {
      if (timer !== 0 || !changed()) return;
      const wait = Math.max(0, lastDrawAt + MIN_REDRAW_MS - performance.now());
      timer = window.setTimeout(() => {
        timer = 0;
        if (!changed()) return;
        lastDrawAt = performance.now();
        void draw();
      }, wait);
    };

    const unsubscribe = store.subscribe(schedule);
    schedule();
    return () => {
      unsubscribe();
      window.clearTimeout(timer);
      cancelled = true;
    };
  }, [active, controller, store, dataset, layout.size, layout.tile, layout.gap]);

  const onClick = (event: ReactMouseEvent<HTMLCanvasElement>) => {
    const canvas = canvasRef.current;
    const points = drawnPointsRef.current;
    if (!canvas || !points || points.length !== 2 * layout.size * layout.size) return;
    const rect = canvas.getBoundingClientRect();
    const x = ((event.clientX - rect.left) * canvas.width) / rect.width;
    const y = ((event.clientY - rect.top) * canvas.height) / rect.height;
    const pitch = layout.tile + layout.gap;
    const column = Math.min(layout.size - 1, Math.max(0, Math.floor(x / pitch)));
    const row = Math.min(layout.size - 1, Math.max(0, Math.floor(y / pitch)));
    const index = row * layout.size + column;
    controller.moveProbe({ x: points[2 * index], y: points[2 * index + 1], sourceIndex: -1 });
  };

  return (
    <div className="walk-view">
      <div className="walk-options">
        <label htmlFor="walks-grid-size">Grid size</label>
        <select
          id="walks-grid-size"
          value={gridSize}
          onChange={(event) => {
            drawnPointsRef.current = null;
            setGridSize(Number(event.target.value));
          }}
        >
          {GRID_SIZES.map((size) => (
            <option key={size} value={size}>
              {size} × {size}
            </option>
          ))}
        </select>
      </div>
      <canvas
        ref={canvasRef}
        className="walk-mosaic"
        width={layout.side}
        height={layout.side}
        style={{ maxWidth: layout.side / pixelRatio }}
        role="img"
        aria-label="Manifold grid"
        data-grid-size={layout.size}
        data-tile={layout.tile}
        data-gap={layout.gap}
        onClick={onClick}
      />
      <p className="hint">
        {drawnOnce
          ? 'Images decoded across the part of the map on screen. Zoom the map to zoom the grid; click a tile to move the probe there.'
          : 'The grid appears once the model has made its first map.'}
      </p>
    </div>
  );
}
