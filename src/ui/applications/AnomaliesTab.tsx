// Anomalies: held-out images scored by their reconstruction error. A histogram with a draggable
// threshold, the highest-error images (a click makes one the probe's source), and, when a class was
// held out of training, that class as the anomalies: the ROC curve, its AUC, precision and recall.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { evenSubset } from '../../analysis/imageMetrics';
import { areaUnderCurve, precisionRecallAt, rocCurve, type RocPoint } from '../../analysis/roc';
import {
  errorHistogram,
  errorQuantile,
  highestErrorPositions,
  positionOfThreshold,
  stepThreshold,
  thresholdAtPosition,
  type ErrorHistogram,
} from '../../analysis/anomalyHistogram';
import type { DatasetInfo } from '../../state/appState';
import { drawImage } from '../../viz/imageTile';
import { askToDiscard } from '../classroom/confirm';
import { trainedSteps } from '../lesson/applyStep';
import { useAppState, useController } from '../controllerContext';
import { KIND_CHOICES } from '../../model/validate';
import type { AppController } from '../../state/controller';
import { useStoreSelector } from '../../state/store';
import { useApplications } from './applicationsContext';
import { Figure } from './Figure';
import { measurementNote, useMeasurement } from './useMeasurement';

/** Held-out images scored per measurement: enough for a smooth histogram, quick on the analysis worker. */
const EVAL_LIMIT = 2000;
const GALLERY_SIZE = 12;
const BIN_COUNT = 40;
/** Before the user moves it, the threshold flags the top 10% of errors. */
const START_QUANTILE = 0.9;

const HIST = { width: 640, height: 230, left: 56, right: 30, top: 16, bottom: 44 };
const ROC = { size: 320, pad: 48 };

const formatError = (value: number) => (value === 0 ? '0' : value < 0.01 ? value.toExponential(2) : value.toFixed(4));
/** Axis labels: two significant digits are enough to read a histogram from the back of a room. */
const formatTick = (value: number) => String(Number(value.toPrecision(2)));
const percent = (share: number) => `${(share * 100).toFixed(0)}%`;
const kindLabel = (kind: string) => KIND_CHOICES.find((choice) => choice.value === kind)?.label ?? kind;

/**
 * What the model is trained on, read from the training worker's own batch order (the dataset
 * indices this epoch's batches are drawn from): how many images, and how many of them are of the
 * held-out class (0 when holding out works).
 */
function trainingDraw(batchOrder: Int32Array, labels: Uint8Array, held: number | null): { images: number; ofHeldClass: number } {
  let ofHeldClass = 0;
  if (held !== null) for (const index of batchOrder) if (labels[index] === held) ofHeldClass++;
  return { images: batchOrder.length, ofHeldClass };
}

function ThresholdHistogram({
  histogram,
  threshold,
  onChange,
  flagged,
}: {
  histogram: ErrorHistogram;
  threshold: number;
  onChange: (value: number) => void;
  flagged: number;
}) {
  const plotWidth = HIST.width - HIST.left - HIST.right;
  const plotHeight = HIST.height - HIST.top - HIST.bottom;
  const tallest = Math.max(1e-9, ...histogram.shares);
  const barWidth = plotWidth / histogram.shares.length;
  const lineX = HIST.left + positionOfThreshold(histogram, threshold) * plotWidth;
  const dragging = useRef(false);

  const fromPointer = (event: PointerEvent<HTMLDivElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const scale = rect.width / HIST.width;
    const position = (event.clientX - rect.left - HIST.left * scale) / (plotWidth * scale);
    onChange(thresholdAtPosition(histogram, position));
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, () => number> = {
      ArrowRight: () => stepThreshold(histogram, threshold, 1),
      ArrowUp: () => stepThreshold(histogram, threshold, 1),
      ArrowLeft: () => stepThreshold(histogram, threshold, -1),
      ArrowDown: () => stepThreshold(histogram, threshold, -1),
      PageUp: () => stepThreshold(histogram, threshold, 1, true),
      PageDown: () => stepThreshold(histogram, threshold, -1, true),
      Home: () => histogram.min,
      End: () => histogram.max,
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    onChange(move());
  };
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <div
      className="anomaly-histogram"
      role="slider"
      tabIndex={0}
      aria-label="Error threshold"
      aria-valuemin={histogram.min}
      aria-valuemax={histogram.max}
      aria-valuenow={threshold}
      aria-valuetext={`${formatError(threshold)}: ${flagged.toLocaleString('en-US')} images flagged`}
      onKeyDown={onKeyDown}
      onPointerDown={(event) => {
        dragging.current = true;
        event.currentTarget.setPointerCapture(event.pointerId);
        fromPointer(event);
      }}
      onPointerMove={(event) => dragging.current && fromPointer(event)}
      onPointerUp={() => (dragging.current = false)}
      onPointerCancel={() => (dragging.current = false)}
    >
      <svg viewBox={`0 0 ${HIST.width} ${HIST.height}`} width={HIST.width} height={HIST.height} aria-hidden="true">
        {histogram.shares.map((share, i) => {
          const x = HIST.left + i * barWidth;
          const height = (share / tallest) * plotHeight;
          const above = x + barWidth / 2 >= lineX;
          return <rect key={i} x={x + 0.5} y={HIST.top + plotHeight - height} width={Math.max(0, barWidth - 1)} height={height} fill={above ? '#d08c5b' : '#76a5c9'} />;
        })}
        <line x1={HIST.left} x2={HIST.left + plotWidth} y1={HIST.top + plotHeight} y2={HIST.top + plotHeight} stroke="#555" />
        {ticks.map((tick) => (
          <text key={tick} x={HIST.left + tick * plotWidth} y={HIST.top + plotHeight + 18} textAnchor="middle" fontSize="13" fill="#444">
            {formatTick(thresholdAtPosition(histogram, tick))}
          </text>
        ))}
        <text x={HIST.left + plotWidth / 2} y={HIST.height - 4} textAnchor="middle" fontSize="14" fill="#333">
          Reconstruction error (held-out images)
        </text>
        <text x={14} y={HIST.top + plotHeight / 2} textAnchor="middle" fontSize="14" fill="#333" transform={`rotate(-90 14 ${HIST.top + plotHeight / 2})`}>
          Share of images
        </text>
        <line x1={lineX} x2={lineX} y1={HIST.top - 4} y2={HIST.top + plotHeight} stroke="#9b3d12" strokeWidth="3" />
        <rect x={lineX - 7} y={HIST.top - 6} width={14} height={18} rx={3} fill="#9b3d12" />
      </svg>
    </div>
  );
}

function RocChart({ points, marked }: { points: RocPoint[]; marked: { falsePositiveRate: number; truePositiveRate: number } | null }) {
  const inner = ROC.size - 2 * ROC.pad;
  const at = (fpr: number, tpr: number) => `${ROC.pad + fpr * inner},${ROC.pad / 2 + (1 - tpr) * inner}`;
  const path = points.map((point) => at(point.falsePositiveRate, point.truePositiveRate)).join(' ');
  return (
    <svg
      role="img"
      aria-label="ROC curve: anomalies found against normal images flagged, as the threshold moves"
      viewBox={`0 0 ${ROC.size} ${ROC.size - ROC.pad / 2}`}
      width={ROC.size}
      height={ROC.size - ROC.pad / 2}
      className="anomaly-roc"
    >
      <rect x={ROC.pad} y={ROC.pad / 2} width={inner} height={inner} fill="#fafaf7" stroke="#999" />
      <polyline points={`${at(0, 0)} ${at(1, 1)}`} fill="none" stroke="#bbb" strokeDasharray="5 4" />
      <polyline points={path} fill="none" stroke="#1d3b5a" strokeWidth="2.5" />
      {marked && <circle cx={ROC.pad + marked.falsePositiveRate * inner} cy={ROC.pad / 2 + (1 - marked.truePositiveRate) * inner} r="6" fill="#9b3d12" />}
      {[0, 0.5, 1].map((tick) => (
        <g key={tick} fontSize="13" fill="#444">
          <text x={ROC.pad + tick * inner} y={ROC.pad / 2 + inner + 16} textAnchor="middle">
            {tick}
          </text>
          <text x={ROC.pad - 8} y={ROC.pad / 2 + (1 - tick) * inner + 4} textAnchor="end">
            {tick}
          </text>
        </g>
      ))}
      <text x={ROC.pad + inner / 2} y={ROC.pad / 2 + inner + 36} textAnchor="middle" fontSize="14" fill="#333">
        Normal images flagged
      </text>
      <text x={14} y={ROC.pad / 2 + inner / 2} textAnchor="middle" fontSize="14" fill="#333" transform={`rotate(-90 14 ${ROC.pad / 2 + inner / 2})`}>
        Anomalies found
      </text>
    </svg>
  );
}

function GalleryImage({ dataset, index, error, onPick }: { dataset: DatasetInfo; index: number; error: number; onPick: () => void }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const tile = 64;
  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(tile * ratio);
    canvas.height = Math.round(tile * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    const [h, w, c] = dataset.shape;
    drawImage(context, dataset.images, index * h * w * c, dataset.shape, 0, 0, tile);
  }, [dataset, index]);
  const name = dataset.classNames[dataset.labels[index]] ?? String(dataset.labels[index]);
  return (
    <button type="button" className="anomaly-tile" onClick={onPick} aria-label={`Image ${index}, ${name}, error ${formatError(error)}: show it at the probe`}>
      <canvas ref={canvasRef} style={{ width: tile, height: tile }} aria-hidden="true" />
      <span>{name}</span>
    </button>
  );
}

function HoldOutPicker() {
  const controller = useController();
  const anomalyClass = useAppState((state) => state.anomalyClass);
  const classNames = useAppState((state) => state.dataset?.classNames ?? []);
  const status = useAppState((state) => state.status);
  const [changed, setChanged] = useState(false);
  const choose = async (text: string) => {
    const label = text === '' ? null : Number(text);
    if (label === anomalyClass) return;
    const steps = trainedSteps(controller);
    if (steps > 0 && !(await askToDiscard(steps, 'Holding out a class trains a new model without it.'))) return;
    controller.setAnomalyClass(label);
    setChanged(true);
  };
  const fresh = trainedSteps(controller) === 0;
  return (
    <div className="app-tab-controls">
      <label>
        Hold out a class{' '}
        <select value={anomalyClass === null ? '' : String(anomalyClass)} onChange={(event) => void choose(event.target.value)} disabled={classNames.length === 0}>
          <option value="">None</option>
          {classNames.map((name, i) => (
            <option key={i} value={String(i)}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <span className="app-note">
        {anomalyClass === null
          ? 'Choosing a class builds a new model that trains without it (you are asked first when this one is trained); that class’s held-out images become the anomalies.'
          : `This model trains without ${classNames[anomalyClass] ?? anomalyClass}; its held-out images are the anomalies. A change applies to the next model.`}
      </span>
      {changed && fresh && status !== 'training' && (
        <button type="button" className="primary" onClick={() => controller.train()}>
          Train the new model
        </button>
      )}
    </div>
  );
}

export function AnomaliesTab() {
  const controller = useController();
  const anomalyClass = useAppState((state) => state.anomalyClass);
  const measurement = useMeasurement(async ({ measureModel, analysis }) => {
    const model = await measureModel();
    const indices = evenSubset(model.dataset.split.heldOut, EVAL_LIMIT);
    const { errors } = await analysis.run({ kind: 'errors', slot: 'main', indices });
    const drawn = trainingDraw(model.snapshot.batchOrder, model.dataset.labels, anomalyClass);
    return { model, indices, errors, anomalyClass, drawn };
  }, [anomalyClass]);
  // Compare mode's model B is built with every class (only A holds one out), so this tab measures A.
  const { second } = useApplications();
  const { result } = measurement;

  const histogram = useMemo(() => (result ? errorHistogram(result.errors, BIN_COUNT) : null), [result]);
  const [chosenThreshold, setChosenThreshold] = useState<number | null>(null);
  const threshold = chosenThreshold ?? (result ? errorQuantile(result.errors, START_QUANTILE) : 0);
  const isAnomaly = useMemo(() => {
    if (!result || result.anomalyClass === null) return null;
    const labels = result.model.dataset.labels;
    const held = result.anomalyClass;
    return Array.from(result.indices, (index) => labels[index] === held);
  }, [result]);
  const roc = useMemo(() => {
    if (!result || !isAnomaly || !isAnomaly.some(Boolean)) return null;
    const points = rocCurve(result.errors, isAnomaly);
    return { points, auc: areaUnderCurve(points) };
  }, [result, isAnomaly]);
  const atThreshold = result ? precisionRecallAt(result.errors, isAnomaly ?? new Array<boolean>(result.errors.length).fill(false), threshold) : null;
  const marked = useMemo(() => {
    if (!result || !isAnomaly) return null;
    let negatives = 0;
    let falsePositives = 0;
    result.errors.forEach((error, i) => {
      if (isAnomaly[i]) return;
      negatives++;
      if (error >= threshold) falsePositives++;
    });
    return { falsePositiveRate: negatives > 0 ? falsePositives / negatives : 0, truePositiveRate: atThreshold?.recall ?? 0 };
  }, [result, isAnomaly, threshold, atThreshold?.recall]);
  const gallery = useMemo(() => (result ? highestErrorPositions(result.errors, GALLERY_SIZE) : []), [result]);

  const pick = (index: number) => {
    // As pressing a point on the map: the probe moves onto that image's map position and takes it as its source.
    const map = controller.store.getState().map;
    const x = map && index < map.count ? map.points[2 * index] : controller.store.getState().probe.x;
    const y = map && index < map.count ? map.points[2 * index + 1] : controller.store.getState().probe.y;
    controller.moveProbe({ x, y, sourceIndex: index });
  };

  const heldName = result && result.anomalyClass !== null ? (result.model.dataset.classNames[result.anomalyClass] ?? String(result.anomalyClass)) : null;
  return (
    <div className="app-tab">
      <HoldOutPicker />
      {second && <CompareNote second={second} measuredKind={result?.model.config.spec.kind ?? null} holdsOut={anomalyClass !== null} />}
      {result && histogram && atThreshold && (
        <>
          <div className="anomaly-row">
            <div>
              <h3>Reconstruction errors</h3>
              <ThresholdHistogram histogram={histogram} threshold={threshold} onChange={setChosenThreshold} flagged={atThreshold.flagged} />
              <p className="app-note">
                Drag the threshold or use the arrow keys. Images at or above it are flagged as anomalies:{' '}
                <strong>{atThreshold.flagged.toLocaleString('en-US')}</strong> of {result.errors.length.toLocaleString('en-US')} ({percent(atThreshold.flagged / Math.max(1, result.errors.length))}), threshold{' '}
                {formatError(threshold)}.
              </p>
            </div>
            {roc && (
              <div>
                <h3>ROC curve, class {heldName} as the anomalies</h3>
                <RocChart points={roc.points} marked={marked} />
              </div>
            )}
          </div>
          {heldName !== null && roc ? (
            <div className="app-figures">
              <Figure label="Anomaly AUC" value={roc.auc} text={roc.auc.toFixed(3)} detail="0.5 is chance, 1 is perfect" />
              <Figure label="Precision at the threshold" value={atThreshold.precision} text={percent(atThreshold.precision)} detail={`flagged images that are class ${heldName}`} />
              <Figure label="Recall at the threshold" value={atThreshold.recall} text={percent(atThreshold.recall)} detail={`class ${heldName} images flagged`} />
              <Figure
                label="Held-out class images in training batches"
                value={result.drawn.ofHeldClass}
                detail={`of the ${result.drawn.images.toLocaleString('en-US')} training images this epoch's batches are drawn from`}
              />
            </div>
          ) : (
            <p className="app-note">
              {heldName !== null
                ? `No held-out images of ${heldName} were among those measured, so there is no AUC.`
                : 'The Anomaly AUC, precision and recall need known anomalies: hold out a class above and train a model without it. Until then, the gallery shows the images this model finds hardest.'}
            </p>
          )}
          <div>
            <h3>Highest reconstruction errors</h3>
            <div className="anomaly-gallery" role="group" aria-label="Held-out images with the highest reconstruction error">
              {gallery.map((position) => (
                <GalleryImage key={result.indices[position]} dataset={result.model.dataset} index={result.indices[position]} error={result.errors[position]} onPick={() => pick(result.indices[position])} />
              ))}
            </div>
            <p className="app-note">Click an image to make it the probe&apos;s source on the map.</p>
          </div>
        </>
      )}
      <p className={measurement.error ? 'app-note app-error' : 'app-note'}>{measurementNote(measurement, result?.errors.length)}</p>
    </div>
  );
}

/** Compare mode: which of the two models this tab measures, and why. */
function CompareNote({ second, measuredKind, holdsOut }: { second: AppController; measuredKind: string | null; holdsOut: boolean }) {
  const secondKind = useStoreSelector(second.store, (state) => state.applied?.spec.kind ?? null);
  const a = `model A${measuredKind ? ` (${kindLabel(measuredKind)})` : ''}`;
  const b = `model B${secondKind ? ` (${kindLabel(secondKind)})` : ''}`;
  return (
    <p className="app-note">
      {holdsOut ? `In compare mode this tab measures ${a}, the one that holds the class out; ${b} trains on every class.` : `In compare mode this tab measures ${a}, not ${b}.`}
    </p>
  );
}
