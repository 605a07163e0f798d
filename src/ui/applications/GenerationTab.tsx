// Generation: codes drawn at random and decoded. A VAE's codes are pulled towards N(0, I), so its
// prior makes images; a plain autoencoder's codes sit wherever training put them, so N(0, I)
// mostly misses them and a Gaussian fitted to the training codes does better. Each grid is scored
// against the training images, and real held-out images are scored the same way for reference.
import { useEffect, useRef, useState } from 'react';
import type { ImageShape } from '../../data/dataset';
import { studyClient } from '../../analysis/studyClient';
import type { GenerationResult, GridScore } from '../../analysis/studyProtocol';
import { drawImage } from '../../viz/imageTile';
import { formatPercent } from '../format';
import { useApplications } from './applicationsContext';
import { Figure } from './Figure';
import { useMeasureTick } from './useMeasureTick';

const SIDE = 6;
const TILE_PX = 48;
const GAP_PX = 3;

function SampleGrid({ label, pixels, shape, score }: { label: string; pixels: Float32Array; shape: ImageShape; score: GridScore }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const side = SIDE * (TILE_PX + GAP_PX) - GAP_PX;
  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(side * ratio);
    canvas.height = Math.round(side * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.fillStyle = '#f1f1ee';
    context.fillRect(0, 0, side, side);
    const size = shape[0] * shape[1] * shape[2];
    const count = Math.min(SIDE * SIDE, pixels.length / size);
    for (let i = 0; i < count; i++) {
      const x = (i % SIDE) * (TILE_PX + GAP_PX);
      const y = Math.floor(i / SIDE) * (TILE_PX + GAP_PX);
      drawImage(context, pixels, i * size, shape, x, y, TILE_PX);
      // A small mark on the samples the neighbours agree on, so the share can be seen in the grid.
      if (score.confident[i]) {
        context.fillStyle = '#2e8540';
        context.fillRect(x + TILE_PX - 9, y + 3, 6, 6);
      }
    }
  }, [pixels, shape, score, side]);
  return <canvas ref={canvasRef} role="img" aria-label={label} style={{ width: side, height: side }} />;
}

function ScoreFigures({ name, score }: { name: string; score: GridScore | null }) {
  return (
    <div className="app-figures">
      <Figure
        label={`Distance to nearest training image, ${name}`}
        value={score?.meanNearestDistance ?? null}
        text={score ? score.meanNearestDistance.toFixed(3) : undefined}
      />
      <Figure
        label={`Confidently classified, ${name}`}
        value={score?.confidentShare ?? null}
        text={score ? formatPercent(score.confidentShare) : undefined}
      />
    </div>
  );
}

interface Shown {
  result: GenerationResult;
  shape: ImageShape;
  variational: boolean;
}

export function GenerationTab() {
  const tick = useMeasureTick();
  const { measureModel } = useApplications();
  const [draw, setDraw] = useState(0);
  const [shown, setShown] = useState<Shown | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    void (async () => {
      // Marked busy from a promise callback, not synchronously in the effect.
      await Promise.resolve();
      if (current) setBusy(true);
      try {
        const model = await measureModel();
        const { spec } = model.config;
        const latents = model.latents;
        if (!latents || latents.latentDim !== spec.latentDim) throw new Error('The model has no codes yet; train or press Measure.');
        const client = studyClient();
        client.useDataset(model.dataset, model.dataset);
        const decoder = { shapes: model.snapshot.decoder.shapes, values: model.snapshot.decoder.values.map((v) => v.slice()) };
        const result = await client.run({
          kind: 'generation',
          spec,
          decoder,
          codes: latents.codes.slice(),
          count: SIDE * SIDE,
          seed: (model.config.training.seed * 7919 + draw) >>> 0,
        });
        if (!current) return;
        setShown({ result, shape: model.dataset.shape, variational: spec.kind === 'variational' });
        setError(null);
      } catch (problem) {
        if (current) setError(problem instanceof Error ? problem.message : String(problem));
      } finally {
        if (current) setBusy(false);
      }
    })();
    return () => {
      current = false;
    };
  }, [tick, draw, measureModel]);

  const result = shown?.result ?? null;
  return (
    <div className="app-tab generation-tab">
      <div className="app-tab-controls">
        <button type="button" onClick={() => setDraw(draw + 1)}>
          New samples
        </button>
        <span className="hint" aria-live="polite">
          {busy ? 'Decoding and scoring samples…' : result ? `Compared with ${result.referenceCount.toLocaleString('en-US')} training images.` : ''}
        </span>
      </div>
      <p className="app-note">
        {shown?.variational
          ? 'A VAE is trained so its codes look like draws from N(0, I); codes drawn from that prior and decoded are new images.'
          : 'A plain autoencoder never asked its codes to follow N(0, I). Codes drawn from N(0, I) mostly land where no image was encoded; a Gaussian fitted to the training codes lands nearer, but the gaps between classes still decode to blends.'}{' '}
        Scores: the root-mean-square pixel distance to the nearest training image (0 is a copy), and the share of samples whose
        5 nearest training images agree on a class at least 4 times (green mark).
      </p>
      {error && <p className="app-error" role="alert">{error}</p>}
      <div className="generation-grids">
        {result && shown && (
          <>
            <section className="generation-grid" aria-label="Samples from N(0, I)">
              <h3>{shown.variational ? 'Samples from the prior N(0, I)' : 'Samples from N(0, I)'}</h3>
              <SampleGrid label="Decoded samples from N(0, I)" pixels={result.prior.pixels} shape={shown.shape} score={result.prior.score} />
              <ScoreFigures name="N(0, I) samples" score={result.prior.score} />
            </section>
            {result.fitted && (
              <section className="generation-grid" aria-label="Samples from the fitted Gaussian">
                <h3>Samples from a Gaussian fitted to the training codes</h3>
                <SampleGrid label="Decoded samples from the fitted Gaussian" pixels={result.fitted.pixels} shape={shown.shape} score={result.fitted.score} />
                <ScoreFigures name="fitted-Gaussian samples" score={result.fitted.score} />
              </section>
            )}
          </>
        )}
      </div>
      {result && (
        <section aria-label="Real held-out images, for reference">
          <h3>For reference: real held-out images, scored the same way</h3>
          <ScoreFigures name="real held-out images" score={result.heldOut} />
        </section>
      )}
    </div>
  );
}
