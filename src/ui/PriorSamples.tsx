// Variational autoencoder: codes drawn from the prior N(0, I) and decoded, as a grid. Each press
// draws a fresh seeded set; the same set is decoded again as training improves the decoder.
import { useEffect, useRef, useState } from 'react';
import { createRng } from '../lib/rng';
import { drawImage } from '../viz/imageTile';
import { useAppState, useController } from './controllerContext';

const SIDE = 6;
const TILE_PX = 56;

export function PriorSamples() {
  const controller = useController();
  const spec = useAppState((state) => state.applied?.spec ?? null);
  const seed = useAppState((state) => state.applied?.training.seed ?? 1);
  const dataset = useAppState((state) => state.dataset);
  const decoderVersion = useAppState((state) => state.decoderVersion);
  const [draw, setDraw] = useState(0);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const latentDim = spec?.latentDim ?? 2;
  const isVariational = spec?.kind === 'variational';

  useEffect(() => {
    const context = canvasRef.current?.getContext('2d');
    if (!context || !dataset || !isVariational || draw === 0) return;
    const rng = createRng(seed * 7919 + draw);
    const count = SIDE * SIDE;
    const codes = new Float32Array(count * latentDim);
    for (let i = 0; i < codes.length; i++) codes[i] = rng.normal();
    const pixels = controller.decodeMany(codes, count);
    if (!pixels) return;
    const size = dataset.shape[0] * dataset.shape[1] * dataset.shape[2];
    for (let i = 0; i < count; i++) {
      drawImage(context, pixels, i * size, dataset.shape, (i % SIDE) * TILE_PX, Math.floor(i / SIDE) * TILE_PX, TILE_PX);
    }
  }, [controller, dataset, draw, seed, latentDim, decoderVersion, isVariational]);

  if (!isVariational) return null;
  return (
    <section className="panel prior" aria-labelledby="prior-title">
      <div className="gallery-head">
        <h2 id="prior-title">New images from the prior</h2>
        <button type="button" onClick={() => setDraw(draw + 1)}>
          Sample from prior
        </button>
      </div>
      <p className="hint">Codes drawn from N(0, I), the distribution the KL term pulls the codes towards, decoded.</p>
      {draw > 0 ? (
        <canvas ref={canvasRef} width={SIDE * TILE_PX} height={SIDE * TILE_PX} role="img" aria-label="Samples from the prior" />
      ) : null}
    </section>
  );
}
