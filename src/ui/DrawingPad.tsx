// Draw your own image and see what the model makes of it: the drawing is shrunk to the dataset's
// image shape, the worker's model encodes and reconstructs it, the probe jumps to its code on the
// map and the reconstruction shows beside the pad. At most one request is in flight, and a new one
// goes at most once per animation frame, so a fast stroke never queues up work in the worker.
import { useEffect, useId, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { fitRgbaToShape } from '../data/parsers/fitImage';
import type { DatasetInfo } from '../state/appState';
import { drawImage } from '../viz/imageTile';
import { useAppState, useController } from './controllerContext';
import './drawingPad.css';

/** The pad's own pixels; the drawing is shrunk from these to the image size by area averaging. */
const PAD_PX = 224;
const RECONSTRUCTION_PX = 112;
/** Pen width in image pixels: about the stroke of a handwritten MNIST digit. */
const STROKE_IMAGE_PX = 2.6;
/** Images sampled for the pad's background colour; their border pixels are averaged. */
const BACKGROUND_SAMPLE = 400;
const DEFAULT_PEN_COLOUR = '#e0402e';
/** Code values shown under the reconstruction; longer codes are cut with an ellipsis. */
const SHOWN_CODE_VALUES = 4;

type Rgb = readonly [number, number, number];

export function DrawingPad() {
  const controller = useController();
  const store = controller.store;
  const dataset = useAppState((state) => state.dataset);
  const hasModel = useAppState((state) => state.applied !== null);
  const latents = useAppState((state) => state.latents);
  const padRef = useRef<HTMLCanvasElement>(null);
  const reconstructionRef = useRef<HTMLCanvasElement>(null);
  const [penColour, setPenColour] = useState(DEFAULT_PEN_COLOUR);
  const [hasInk, setHasInk] = useState(false);
  const [code, setCode] = useState<Float32Array | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();

  const background = useMemo(() => (dataset ? borderColour(dataset) : ([0, 0, 0] as Rgb)), [dataset]);
  const colour = dataset?.shape[2] === 3;
  // Gray datasets draw in white on dark (or black on light), as their images are.
  const stroke = colour ? penColour : luminance(background) < 128 ? '#ffffff' : '#000000';

  /** Mutable drawing state that must not re-render: the stroke in progress and the request loop. */
  const live = useRef({
    lastPoint: null as { x: number; y: number } | null,
    pointerId: -1,
    frame: 0,
    inFlight: false,
    dirty: false,
    /** Bumped on clear and on a new dataset, so late answers for an old drawing are dropped. */
    generation: 0,
    /** The code this pad last gave the probe; later codes only move the probe if it still holds it. */
    lastProbeCode: null as Float32Array | null,
  });

  /** Paint the pad blank and forget the drawing's requests (the canvas and refs, not React state). */
  const blankPad = () => {
    const context = padContext(padRef.current);
    if (context) {
      context.fillStyle = rgbText(background);
      context.fillRect(0, 0, PAD_PX, PAD_PX);
    }
    const reconstruction = reconstructionRef.current?.getContext('2d');
    reconstruction?.clearRect(0, 0, RECONSTRUCTION_PX, RECONSTRUCTION_PX);
    live.current.generation++;
    live.current.dirty = false;
    live.current.lastProbeCode = null;
  };

  const clearPad = () => {
    blankPad();
    setHasInk(false);
    setCode(null);
    setProblem(null);
  };

  // A new dataset starts a blank pad: the old drawing means nothing to the new model. The state is
  // reset while rendering (React's pattern for state that follows a prop), the canvas in an effect.
  const [padDataset, setPadDataset] = useState(dataset);
  if (padDataset !== dataset) {
    setPadDataset(dataset);
    setHasInk(false);
    setCode(null);
    setProblem(null);
  }
  useEffect(() => {
    blankPad();
    // blankPad only reads the background, which follows the dataset.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dataset, background]);

  /** Shrink the drawing, ask the model, show the answer. One request at a time. */
  const encodeDrawing = () => {
    const state = live.current;
    state.frame = 0;
    const canvas = padRef.current;
    const context = padContext(canvas ?? null);
    const shape = store.getState().dataset?.shape;
    if (!canvas || !context || !shape) return;
    if (state.inFlight) {
      state.dirty = true;
      return;
    }
    state.dirty = false;
    const { data } = context.getImageData(0, 0, PAD_PX, PAD_PX);
    const bytes = fitRgbaToShape(data, PAD_PX, PAD_PX, shape);
    const pixels = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) pixels[i] = bytes[i] / 255;
    const generation = state.generation;
    state.inFlight = true;
    controller
      .encodeImages(pixels, 1)
      .then(({ codes, reconstructions }) => {
        if (generation !== state.generation) return;
        const target = reconstructionRef.current?.getContext('2d');
        if (target) drawImage(target, reconstructions, 0, shape, 0, 0, RECONSTRUCTION_PX);
        // Take the probe only if the user has not moved it elsewhere since this pad last set it.
        const probe = store.getState().probe;
        if (state.lastProbeCode === null || probe.code === state.lastProbeCode) {
          controller.setProbeCode(codes);
          state.lastProbeCode = codes;
        }
        setCode(codes);
        setProblem(null);
      })
      .catch((error: unknown) => {
        if (generation !== state.generation) return;
        setProblem(error instanceof Error ? error.message : String(error));
      })
      .finally(() => {
        state.inFlight = false;
        if (state.dirty) requestEncode();
      });
  };

  const requestEncode = () => {
    if (live.current.frame === 0) live.current.frame = requestAnimationFrame(encodeDrawing);
  };

  useEffect(() => () => cancelAnimationFrame(live.current.frame), []);

  // Training moves the codes: ask again for the drawing's code whenever the map is refreshed.
  useEffect(() => {
    if (latents && hasInk) requestEncode();
    // Only a new map should trigger this; requestEncode reads everything else through refs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [latents]);

  const toPad = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) * PAD_PX) / rect.width,
      y: ((event.clientY - rect.top) * PAD_PX) / rect.height,
    };
  };

  const penWidth = dataset ? (PAD_PX * STROKE_IMAGE_PX) / dataset.shape[1] : 16;

  const onPointerDown = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    if (!event.isPrimary || event.button !== 0) return;
    const context = padContext(event.currentTarget);
    if (!context) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    const point = toPad(event);
    live.current.pointerId = event.pointerId;
    live.current.lastPoint = point;
    context.fillStyle = stroke;
    context.beginPath();
    context.arc(point.x, point.y, penWidth / 2, 0, 2 * Math.PI);
    context.fill();
    setHasInk(true);
    requestEncode();
  };

  const onPointerMove = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    const state = live.current;
    if (event.pointerId !== state.pointerId || !state.lastPoint) return;
    const context = padContext(event.currentTarget);
    if (!context) return;
    // Coalesced events keep fast pen and touch strokes smooth between animation frames.
    const events = event.nativeEvent.getCoalescedEvents?.() ?? [];
    const rect = event.currentTarget.getBoundingClientRect();
    const points = (events.length > 0 ? events : [event.nativeEvent]).map((moved) => ({
      x: ((moved.clientX - rect.left) * PAD_PX) / rect.width,
      y: ((moved.clientY - rect.top) * PAD_PX) / rect.height,
    }));
    context.strokeStyle = stroke;
    context.lineWidth = penWidth;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(state.lastPoint.x, state.lastPoint.y);
    for (const point of points) context.lineTo(point.x, point.y);
    context.stroke();
    state.lastPoint = points[points.length - 1];
    requestEncode();
  };

  const endStroke = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    if (event.pointerId !== live.current.pointerId) return;
    live.current.pointerId = -1;
    live.current.lastPoint = null;
  };

  const shownCode = code
    ? `(${Array.from(code.slice(0, SHOWN_CODE_VALUES), (value) => value.toFixed(2)).join(', ')}${code.length > SHOWN_CODE_VALUES ? ', …' : ''})`
    : null;
  return (
    <section className="panel drawing-pad" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Draw your own</h2>
      <div className="drawing-pad-row">
        <canvas
          ref={padRef}
          className="drawing-pad-canvas"
          width={PAD_PX}
          height={PAD_PX}
          aria-label="Drawing pad"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={endStroke}
          onPointerCancel={endStroke}
        />
        <figure className="drawing-pad-result">
          <canvas
            ref={reconstructionRef}
            className="drawing-pad-reconstruction"
            width={RECONSTRUCTION_PX}
            height={RECONSTRUCTION_PX}
            role="img"
            aria-label="Reconstruction of the drawing"
          />
          <figcaption>
            What the model makes of it
            {shownCode ? <span className="drawing-pad-code">code {shownCode}</span> : null}
          </figcaption>
        </figure>
      </div>
      <div className="drawing-pad-tools">
        <button type="button" onClick={clearPad} disabled={!hasInk}>
          Clear
        </button>
        {colour ? (
          <label className="drawing-pad-colour">
            Pen colour
            <input type="color" value={penColour} onChange={(event) => setPenColour(event.target.value)} />
          </label>
        ) : null}
      </div>
      <p className="hint">
        {problem && hasInk
          ? `No code for the drawing yet: ${problem}`
          : !hasModel
            ? 'Draw once a model is built; its code shows as the probe on the map.'
            : hasInk
              ? 'The probe on the map marks the drawing’s code.'
              : 'Draw with the mouse, a pen or a finger; the probe jumps to the drawing’s code.'}
      </p>
    </section>
  );
}

/** The mean colour of the images' outermost pixels: the datasets' background, so a drawing sits on it. */
function borderColour(dataset: DatasetInfo): Rgb {
  const [height, width, channels] = dataset.shape;
  const imageBytes = height * width * channels;
  const images = Math.min(dataset.count, BACKGROUND_SAMPLE);
  const sums = [0, 0, 0];
  let pixels = 0;
  for (let image = 0; image < images; image++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (y !== 0 && y !== height - 1 && x !== 0 && x !== width - 1) continue;
        const at = image * imageBytes + (y * width + x) * channels;
        for (let channel = 0; channel < 3; channel++) sums[channel] += dataset.images[at + (channels === 3 ? channel : 0)];
        pixels++;
      }
    }
  }
  if (pixels === 0) return [0, 0, 0];
  return [sums[0] / pixels, sums[1] / pixels, sums[2] / pixels].map(Math.round) as unknown as Rgb;
}

/** The pad is read back after every stroke; a CPU-backed canvas makes that cheap. */
function padContext(canvas: HTMLCanvasElement | null): CanvasRenderingContext2D | null {
  return canvas?.getContext('2d', { willReadFrequently: true }) ?? null;
}

function luminance([red, green, blue]: Rgb): number {
  return 0.299 * red + 0.587 * green + 0.114 * blue;
}

function rgbText([red, green, blue]: Rgb): string {
  return `rgb(${red}, ${green}, ${blue})`;
}
