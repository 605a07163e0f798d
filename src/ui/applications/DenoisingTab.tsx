// Denoising: one noise (the denoising kind's choices) on held-out images, and how much the model
// cleans it, as mean PSNR before and after. In compare mode both models get the same noisy images.
import { useMemo, useState } from 'react';
import { evenSubset } from '../../analysis/imageMetrics';
import { pickOnePerClass } from '../../data/pickOnePerClass';
import { NOISE_CHOICES, KIND_CHOICES } from '../../model/validate';
import { resolveKindOptions, type NoiseType } from '../../model/spec';
import { useAppState } from '../controllerContext';
import { Figure } from './Figure';
import { ImageRows, type ImageRow } from './ImageRows';
import { measurementNote, useMeasurement } from './useMeasurement';
import type { ModelSlot } from '../../analysis/analysisProtocol';

const EVAL_LIMIT = 500;
const SHOWN = 8;
/** Noise draws are seeded apart from training, so every model and tick sees the same noisy images. */
const NOISE_SEED = 91_001;

const kindLabel = (kind: string) => KIND_CHOICES.find((choice) => choice.value === kind)?.label ?? kind;

export function DenoisingTab() {
  const spec = useAppState((state) => state.applied?.spec ?? null);
  const defaults = spec ? resolveKindOptions(spec) : null;
  const [noiseType, setNoiseType] = useState<NoiseType>(defaults?.noiseType ?? 'gaussian');
  const [levelText, setLevelText] = useState(String(defaults?.noiseLevel ?? 0.3));
  const level = Number(levelText);
  const levelOk = Number.isFinite(level) && level > 0 && level <= 1;
  const measurement = useMeasurement(async ({ measureModel, measureSecondModel, analysis }) => {
    if (!levelOk) throw new Error('Noise level must be a number above 0 and at most 1.');
    const model = await measureModel();
    const second = await measureSecondModel();
    const show = pickOnePerClass(evenSubset(model.dataset.split.heldOut, 200), model.dataset.labels, SHOWN);
    const slots: ModelSlot[] = second ? ['main', 'second'] : ['main'];
    const result = await analysis.run({ kind: 'denoise', slots, noiseType, level, seed: NOISE_SEED, evalLimit: EVAL_LIMIT, showIndices: show });
    return { model, second, show, result };
  }, [noiseType, level, levelOk]);
  const { result } = measurement;

  const rows = useMemo<ImageRow[]>(() => {
    if (!result) return [];
    const { dataset } = result.model;
    const [h, w, c] = dataset.shape;
    const size = h * w * c;
    const offsets = Array.from(result.show, (_, i) => i * size);
    const outputs = result.result.outputPixels.map((pixels, i) => ({
      title: i === 0 ? (result.second ? `A: ${kindLabel(result.model.config.spec.kind)}` : 'Output') : `B: ${kindLabel(result.second?.config.spec.kind ?? '')}`,
      pixels,
      offsets,
    }));
    return [{ title: 'Noisy', pixels: result.result.noisyPixels, offsets }, ...outputs, { title: 'Clean', pixels: dataset.images, offsets: Array.from(result.show, (index) => index * size) }];
  }, [result]);

  const figures = result?.result;
  const db = (value: number) => `${value.toFixed(1)} dB`;
  return (
    <div className="app-tab">
      <div className="app-tab-controls">
        <label>
          Noise type{' '}
          <select value={noiseType} onChange={(event) => setNoiseType(event.target.value as NoiseType)}>
            {NOISE_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Noise level{' '}
          <input type="number" min="0.01" max="1" step="0.05" value={levelText} aria-invalid={!levelOk} onChange={(event) => setLevelText(event.target.value)} />
        </label>
        {!levelOk && <span className="app-error">Noise level must be a number above 0 and at most 1.</span>}
      </div>
      <div className="app-figures">
        <Figure label="PSNR noisy" value={figures?.psnrNoisy ?? null} text={figures ? db(figures.psnrNoisy) : undefined} detail="noisy against clean" />
        <Figure
          label="PSNR denoised"
          value={figures?.psnrDenoised[0] ?? null}
          text={figures ? db(figures.psnrDenoised[0]) : undefined}
          detail={result ? `${kindLabel(result.model.config.spec.kind)} output against clean` : undefined}
        />
        {figures && result?.second && (
          <Figure
            label="PSNR denoised by model B"
            value={figures.psnrDenoised[1] ?? null}
            text={db(figures.psnrDenoised[1])}
            detail={`${kindLabel(result.second.config.spec.kind)} output against clean`}
          />
        )}
      </div>
      <p className="app-note">
        Higher is cleaner. A denoising autoencoder learns to undo this noise; other kinds only see clean images in training.
        {!result?.second && ' Compare two kinds (e.g. Basic and Denoising) to see both on the same noisy images.'}
      </p>
      {result && (
        <div className="app-scroll">
          <ImageRows label="Held-out images: noisy input, model output, clean image" rows={rows} shape={result.model.dataset.shape} />
        </div>
      )}
      <p className={measurement.error ? 'app-note app-error' : 'app-note'}>{measurementNote(measurement, figures?.evaluated)}</p>
    </div>
  );
}
