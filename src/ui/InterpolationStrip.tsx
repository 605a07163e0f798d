// The interpolation strip: two codes taken from the probe (A and B) and the images decoded along the
// straight line between them. A smooth strip means the decoder fills the space between the two
// codes; a sudden jump shows where the line crosses a region the model never learned.
// Redraws follow the decoder weights, which the training worker sends a few times a second at most.
import { useEffect, useRef, useState, type MouseEvent as ReactMouseEvent } from 'react';
import { interpolateCodes } from '../latent/walks';
import { drawImage } from '../viz/imageTile';
import type { ExperimentConfig } from '../model/spec';
import { tileRow } from './tileLayout';
import { useAppState, useController } from './controllerContext';

const STEP_CHOICES = [5, 8, 12] as const;
const DEFAULT_STEPS = 8;
/** The strip's width in CSS pixels; tiles shrink as steps are added so it never scrolls. */
const STRIP_CSS_PX = 420;
const GAP_CSS_PX = 4;
const THUMB_CSS_PX = 56;
const BACKGROUND = '#f1f1ee';

/** A code taken from the probe, and the model it belongs to: another model's code means nothing here. */
interface End {
  code: Float32Array;
  model: ExperimentConfig | null;
}

interface StripLayout {
  steps: number;
  tile: number;
  gap: number;
  width: number;
}

function stripLayout(steps: number, pixelRatio: number): StripLayout {
  const { tile, gap, extent } = tileRow(steps, STRIP_CSS_PX, GAP_CSS_PX, pixelRatio);
  return { steps, tile, gap, width: extent };
}

export function InterpolationStrip({ active }: { active: boolean }) {
  const controller = useController();
  const stripRef = useRef<HTMLCanvasElement>(null);
  const thumbARef = useRef<HTMLCanvasElement>(null);
  const thumbBRef = useRef<HTMLCanvasElement>(null);
  /** The codes of the strip on screen, so a click sets the probe to exactly that code. */
  const drawnCodesRef = useRef<Float32Array | null>(null);
  const [pixelRatio] = useState(() => window.devicePixelRatio || 1);
  const [steps, setSteps] = useState<number>(DEFAULT_STEPS);
  const [endA, setEndA] = useState<End | null>(null);
  const [endB, setEndB] = useState<End | null>(null);
  const dataset = useAppState((state) => state.dataset);
  const model = useAppState((state) => state.applied);
  const decoderVersion = useAppState((state) => state.decoderVersion);
  const hasMap = useAppState((state) => state.map !== null);
  const layout = stripLayout(steps, pixelRatio);
  const thumbPx = Math.round(THUMB_CSS_PX * pixelRatio);

  const codeA = endA && endA.model === model ? endA.code : null;
  const codeB = endB && endB.model === model ? endB.code : null;

  const takeFromProbe = (set: (end: End) => void) => {
    const code = controller.probeCode();
    if (code) set({ code: code.slice(), model });
  };

  // The two ends' thumbnails.
  useEffect(() => {
    if (!active || !dataset) return;
    const ends: [HTMLCanvasElement | null, Float32Array | null][] = [
      [thumbARef.current, codeA],
      [thumbBRef.current, codeB],
    ];
    for (const [canvas, code] of ends) {
      const context = canvas?.getContext('2d');
      if (!canvas || !context) continue;
      context.fillStyle = '#000';
      context.fillRect(0, 0, canvas.width, canvas.height);
      const checked = code ? controller.latentCode(code) : null;
      const pixels = checked ? controller.decode(checked) : null;
      if (pixels) drawImage(context, pixels, 0, dataset.shape, 0, 0, canvas.width);
    }
  }, [active, controller, dataset, codeA, codeB, decoderVersion]);

  // The strip itself.
  useEffect(() => {
    const canvas = stripRef.current;
    const context = canvas?.getContext('2d');
    if (!active || !canvas || !context || !dataset) return;
    context.fillStyle = BACKGROUND;
    context.fillRect(0, 0, canvas.width, canvas.height);
    drawnCodesRef.current = null;
    if (!codeA || !codeB || codeA.length !== codeB.length) return;
    const codes = interpolateCodes(codeA, codeB, layout.steps);
    const pixels = controller.decodeMany(codes, layout.steps);
    if (!pixels) return;
    const [h, w, c] = dataset.shape;
    for (let i = 0; i < layout.steps; i++) {
      drawImage(context, pixels, i * h * w * c, dataset.shape, i * (layout.tile + layout.gap), 0, layout.tile);
    }
    drawnCodesRef.current = codes;
    canvas.dataset.draws = String(Number(canvas.dataset.draws ?? '0') + 1);
  }, [active, controller, dataset, codeA, codeB, decoderVersion, layout.steps, layout.tile, layout.gap]);

  const onStripClick = (event: ReactMouseEvent<HTMLCanvasElement>) => {
    const canvas = stripRef.current;
    const codes = drawnCodesRef.current;
    if (!canvas || !codes) return;
    const rect = canvas.getBoundingClientRect();
    const x = ((event.clientX - rect.left) * canvas.width) / rect.width;
    const index = Math.min(layout.steps - 1, Math.max(0, Math.floor(x / (layout.tile + layout.gap))));
    const latentDim = codes.length / layout.steps;
    controller.setProbeCode(codes.slice(index * latentDim, (index + 1) * latentDim));
  };

  const bothSet = codeA !== null && codeB !== null;
  return (
    <div className="walk-view">
      <div className="walk-ends">
        {(
          [
            ['A', codeA, thumbARef, setEndA],
            ['B', codeB, thumbBRef, setEndB],
          ] as const
        ).map(([name, code, ref, set]) => (
          <div className="walk-end" key={name}>
            <canvas
              ref={ref}
              width={thumbPx}
              height={thumbPx}
              className={code ? 'walk-thumb' : 'walk-thumb empty'}
              role="img"
              aria-label={code ? `End ${name}` : `End ${name} (not set)`}
            />
            <button type="button" disabled={!hasMap} onClick={() => takeFromProbe(set)}>
              Set {name} from probe
            </button>
          </div>
        ))}
        <div className="walk-options walk-steps">
          <label htmlFor="walks-steps">Steps</label>
          <select id="walks-steps" value={steps} onChange={(event) => setSteps(Number(event.target.value))}>
            {STEP_CHOICES.map((choice) => (
              <option key={choice} value={choice}>
                {choice}
              </option>
            ))}
          </select>
        </div>
      </div>
      <canvas
        ref={stripRef}
        className="walk-strip"
        width={layout.width}
        height={layout.tile}
        style={{ maxWidth: layout.width / pixelRatio }}
        role="img"
        aria-label="Interpolation"
        data-steps={layout.steps}
        data-tile={layout.tile}
        data-gap={layout.gap}
        onClick={onStripClick}
      />
      <p className="hint">
        {bothSet
          ? 'From A (left) to B (right) in a straight line through the latent space. Click an image to move the probe to its code.'
          : 'Move the probe, press Set A; move it again, press Set B.'}
      </p>
    </div>
  );
}
