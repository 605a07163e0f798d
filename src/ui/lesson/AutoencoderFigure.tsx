// The lesson's live figure: x → f → z → g → x̂ for the image nearest the probe, with the code's
// numbers, redrawn whenever the probe moves or the decoder gets new weights.
import { useEffect, useRef } from 'react';
import { drawImage } from '../../viz/imageTile';
import { useAppState, useController } from '../controllerContext';

const TILE_PX = 84;

export function AutoencoderFigure({ showSizes = false }: { showSizes?: boolean }) {
  const controller = useController();
  const probe = useAppState((state) => state.probe);
  const version = useAppState((state) => state.decoderVersion);
  const dataset = useAppState((state) => state.dataset);
  const hasMap = useAppState((state) => state.map !== null);
  const latentDim = useAppState((state) => state.applied?.spec.latentDim ?? 2);
  const inputRef = useRef<HTMLCanvasElement>(null);
  const outputRef = useRef<HTMLCanvasElement>(null);
  const codeRef = useRef<HTMLOutputElement>(null);

  useEffect(() => {
    if (!dataset || !hasMap) return;
    const nearest = probe.sourceIndex >= 0 ? probe.sourceIndex : controller.nearestPoint(probe.x, probe.y);
    const input = inputRef.current?.getContext('2d');
    if (input && nearest >= 0) {
      const [h, w, c] = dataset.shape;
      drawImage(input, dataset.images, nearest * h * w * c, dataset.shape, 0, 0, TILE_PX);
    }
    const z = controller.probeCode();
    const text = codeRef.current;
    if (text) {
      const shown = z ? Array.from(z.slice(0, 4), (value) => formatSigned(value)) : [];
      text.textContent = z ? `(${shown.join(', ')}${z.length > 4 ? ', …' : ''})` : 'train first';
      text.dataset.values = shown.join(',');
    }
    const pixels = z ? controller.decode(z) : null;
    const output = outputRef.current?.getContext('2d');
    if (output && pixels) drawImage(output, pixels, 0, dataset.shape, 0, 0, TILE_PX);
  }, [controller, probe, version, dataset, hasMap]);

  const inputSize = dataset ? dataset.shape[0] * dataset.shape[1] * dataset.shape[2] : 784;
  return (
    <figure className="ae-figure" aria-label="Autoencoder, live">
      <div className="ae-row">
        <div className="ae-cell">
          <canvas ref={inputRef} width={TILE_PX} height={TILE_PX} role="img" aria-label="Input image x" />
          <span>x{showSizes ? ` (${inputSize})` : ''}</span>
        </div>
        <span className="ae-arrow" aria-hidden="true">
          f →
        </span>
        <div className="ae-cell ae-code">
          <output ref={codeRef} aria-label="Code z">
            train first
          </output>
          <span>z{showSizes ? ` (${latentDim})` : ''}</span>
        </div>
        <span className="ae-arrow" aria-hidden="true">
          g →
        </span>
        <div className="ae-cell">
          <canvas ref={outputRef} width={TILE_PX} height={TILE_PX} role="img" aria-label="Reconstruction x̂" />
          <span>x̂</span>
        </div>
      </div>
      <figcaption>
        z = f(x), x̂ = g(z){showSizes ? ` · ${inputSize} → ${latentDim} numbers` : ''}
      </figcaption>
    </figure>
  );
}

function formatSigned(value: number): string {
  return value < 0 ? `−${Math.abs(value).toFixed(2)}` : value.toFixed(2);
}
