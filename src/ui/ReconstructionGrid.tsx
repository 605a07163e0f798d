// Held-out originals above their reconstructions, updated while training runs.
import { useEffect, useRef } from 'react';
import { drawImage } from '../viz/imageTile';
import { useAppState } from './controllerContext';

const TILE_PX = 64;
const GAP_PX = 6;
/** Pairs per row: two rows of five keep the tiles large enough to read on a projector. */
const PER_ROW = 5;
const BLOCK_GAP_PX = 14;

export function ReconstructionGrid() {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const dataset = useAppState((state) => state.dataset);
  const reconstructions = useAppState((state) => state.reconstructions);
  const count = reconstructions?.indices.length ?? 10;
  const blocks = Math.ceil(count / PER_ROW);
  const width = PER_ROW * (TILE_PX + GAP_PX) - GAP_PX;
  // Denoising shows three rows per block: the noisy input, what the model made of it, the clean image.
  const noisy = reconstructions?.noisy ?? null;
  const rowsPerBlock = noisy ? 3 : 2;
  const blockHeight = rowsPerBlock * TILE_PX + (rowsPerBlock - 1) * GAP_PX;
  const height = blocks * blockHeight + (blocks - 1) * BLOCK_GAP_PX;

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context || !dataset) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.fillStyle = '#f1f1ee';
    context.fillRect(0, 0, width, height);
    if (!reconstructions) return;
    const [h, w, c] = dataset.shape;
    const size = h * w * c;
    reconstructions.indices.forEach((datasetIndex, i) => {
      const x = (i % PER_ROW) * (TILE_PX + GAP_PX);
      const y = Math.floor(i / PER_ROW) * (blockHeight + BLOCK_GAP_PX);
      const row = (n: number) => y + n * (TILE_PX + GAP_PX);
      if (noisy) {
        drawImage(context, noisy, i * size, dataset.shape, x, row(0), TILE_PX);
        drawImage(context, reconstructions.pixels, i * size, dataset.shape, x, row(1), TILE_PX);
        drawImage(context, dataset.images, datasetIndex * size, dataset.shape, x, row(2), TILE_PX);
      } else {
        drawImage(context, dataset.images, datasetIndex * size, dataset.shape, x, row(0), TILE_PX);
        drawImage(context, reconstructions.pixels, i * size, dataset.shape, x, row(1), TILE_PX);
      }
    });
  }, [dataset, reconstructions, noisy, width, height, blockHeight]);

  return (
    <section className="panel reconstructions" aria-labelledby="recon-title">
      <h2 id="recon-title">Held-out images and their reconstructions</h2>
      <p className="hint recon-hint">
        {noisy
          ? 'In each group of three rows: the noisy input, what the model made of it, the clean image.'
          : "In each pair of rows: the original above, the model's reconstruction below."}
      </p>
      <div className="recon-body">
        <canvas
          ref={canvasRef}
          // Shrinks with its card (keeping its shape) where the column is narrower than the tiles:
          // on a 1024 x 768 projector the strip was cut to three of its five columns.
          style={{ width, maxWidth: '100%', height: 'auto', aspectRatio: `${width} / ${height}` }}
          role="img"
          aria-label={noisy ? 'Noisy inputs, denoised outputs and clean images' : 'Held-out originals (top) and their reconstructions (bottom)'}
        />
      </div>
    </section>
  );
}
