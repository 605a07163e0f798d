// Versus PCA: the autoencoder against the linear baseline with as many components as its code,
// on the same held-out images, in the model's own loss; and PCA's 2-D map against the model's.
import { useEffect, useMemo, useState } from 'react';
import { evenSubset } from '../../analysis/imageMetrics';
import { pickOnePerClass } from '../../data/pickOnePerClass';
import { useAppState, useController } from '../controllerContext';
import { formatLoss, formatPercent } from '../format';
import { Figure } from './Figure';
import { ImageRows } from './ImageRows';
import { measurementNote, useMeasurement } from './useMeasurement';

const EVAL_LIMIT = 1000;
const SHOWN = 10;

export function VersusPcaTab() {
  const controller = useController();
  const knnAccuracy = useAppState((state) => state.knnAccuracy);
  const showingPca = useAppState((state) => state.pixelPcaMap !== null);
  const anomalyClass = useAppState((state) => state.anomalyClass);
  const classNames = useAppState((state) => state.dataset?.classNames ?? null);
  const className = (label: number) => classNames?.[label] ?? String(label);
  const [wantPcaMap, setWantPcaMap] = useState(showingPca);
  const measurement = useMeasurement(async ({ measureModel, analysis }) => {
    const model = await measureModel();
    const { heldOut } = model.dataset.split;
    const show = pickOnePerClass(evenSubset(heldOut, 200), model.dataset.labels, SHOWN);
    const result = await analysis.run({
      kind: 'versus-pca',
      slot: 'main',
      components: model.config.spec.latentDim,
      evalLimit: EVAL_LIMIT,
      showIndices: show,
      seed: model.config.training.seed,
      // The training worker's batch order: the same images the model learns from (a held-out class excluded).
      trainIndices: model.snapshot.batchOrder,
    });
    return { model, show, result };
  }, []);
  const { result } = measurement;

  // The PCA map follows the latest measurement while the toggle is on, and goes when the tab does.
  useEffect(() => {
    controller.showPixelPcaMap(
      wantPcaMap && result
        ? { points: result.result.pcaMap, count: result.result.pcaMap.length / 2, axisNames: result.result.pcaAxisNames, jump: true }
        : null,
    );
  }, [controller, wantPcaMap, result]);
  useEffect(() => () => controller.showPixelPcaMap(null), [controller]);

  const rows = useMemo(() => {
    if (!result) return [];
    const { dataset } = result.model;
    const [h, w, c] = dataset.shape;
    const size = h * w * c;
    const offsets = Array.from(result.show, (_, i) => i * size);
    return [
      { title: 'Original', pixels: dataset.images, offsets: Array.from(result.show, (index) => index * size) },
      { title: `PCA (${result.model.config.spec.latentDim})`, pixels: result.result.pcaPixels, offsets },
      { title: 'Autoencoder', pixels: result.result.modelPixels, offsets },
    ];
  }, [result]);

  const figures = result?.result;
  const lossName = figures?.loss === 'bce' ? 'cross-entropy' : 'squared error';
  return (
    <div className="app-tab">
      <p className="app-note">
        PCA is the best <em>linear</em> code of the same size: {result ? result.model.config.spec.latentDim : 'as many'} components fitted to the
        training pixels. An autoencoder should beat it when the data lie on a curved surface.
      </p>
      <div className="app-figures">
        <Figure label="PCA held-out error" value={figures?.pcaError ?? null} text={figures ? formatLoss(figures.pcaError) : undefined} detail={figures ? `mean ${lossName} per pixel` : undefined} />
        <Figure label="Autoencoder held-out error" value={figures?.modelError ?? null} text={figures ? formatLoss(figures.modelError) : undefined} detail={figures ? `mean ${lossName} per pixel` : undefined} />
        <Figure label="PCA map kNN accuracy" value={figures?.pcaKnnAccuracy ?? null} text={figures ? formatPercent(figures.pcaKnnAccuracy) : undefined} detail="first two pixel components" />
        <Figure label="Autoencoder map kNN accuracy" value={knnAccuracy} text={knnAccuracy !== null ? formatPercent(knnAccuracy) : undefined} detail="the latent map" />
      </div>
      <div className="app-tab-controls">
        <label>
          <input type="checkbox" checked={wantPcaMap} disabled={!result} onChange={(event) => setWantPcaMap(event.target.checked)} /> Show PCA map
        </label>
        {figures && (
          <span className="app-note">
            The {result?.model.config.spec.latentDim} components keep {formatPercent(figures.explainedVariance)} of the pixel variance (fitted on{' '}
            {figures.fittedImages.toLocaleString('en-US')} of the images the model trains on{anomalyClass !== null ? `, so without class ${className(anomalyClass)} too` : ''}).
          </span>
        )}
      </div>
      {result && (
        <div className="app-scroll">
          <ImageRows label="Held-out images: originals, PCA's reconstructions, the autoencoder's" rows={rows} shape={result.model.dataset.shape} />
        </div>
      )}
      <p className={measurement.error ? 'app-note app-error' : 'app-note'}>{measurementNote(measurement, figures?.evaluated)}</p>
    </div>
  );
}
