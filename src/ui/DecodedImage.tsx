// The probe's decoded image, enlarged, and the original of the data point it was picked up from.
// Decoding runs on the main thread at most once per animation frame, when the probe moves or the
// decoder gets new weights; it never waits for the worker.
import { useEffect, useRef } from 'react';
import { drawImage } from '../viz/imageTile';
import { useAppState, useController } from './controllerContext';
import { mapMetrics } from './metrics';

const TILE_PX = 224;

export function DecodedImage() {
  const controller = useController();
  const store = controller.store;
  const decodedRef = useRef<HTMLCanvasElement>(null);
  const originalRef = useRef<HTMLCanvasElement>(null);
  const dataset = useAppState((state) => state.dataset);
  const sourceIndex = useAppState((state) => state.probe.sourceIndex);
  const hasDecoder = useAppState((state) => state.decoderVersion > 0 && state.latents !== null);

  useEffect(() => {
    const canvas = decodedRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context || !dataset) return;
    let frame = 0;
    let drawnProbe: unknown = null;
    let drawnVersion = -1;
    let drawnLatents: unknown = null;
    const draw = () => {
      frame = 0;
      const state = store.getState();
      if (state.probe === drawnProbe && state.decoderVersion === drawnVersion && state.latents === drawnLatents) return;
      const started = performance.now();
      const code = controller.probeCode();
      const pixels = code ? controller.decode(code) : null;
      if (!pixels) return;
      drawnProbe = state.probe;
      drawnVersion = state.decoderVersion;
      drawnLatents = state.latents;
      drawImage(context, pixels, 0, dataset.shape, 0, 0, TILE_PX);
      mapMetrics.recordDecode(performance.now() - started);
      canvas.dataset.decodes = String(Number(canvas.dataset.decodes ?? '0') + 1);
    };
    // A frame only after the store changed (the probe moved, new weights or codes): many changes
    // within a frame make one decode, and an idle page asks for no frames at all.
    const request = () => {
      if (frame === 0) frame = requestAnimationFrame(draw);
    };
    const unsubscribe = store.subscribe(request);
    request();
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
    };
  }, [controller, store, dataset]);

  useEffect(() => {
    const context = originalRef.current?.getContext('2d');
    if (!context || !dataset || sourceIndex < 0) return;
    const [h, w, c] = dataset.shape;
    drawImage(context, dataset.images, sourceIndex * h * w * c, dataset.shape, 0, 0, TILE_PX / 2);
  }, [dataset, sourceIndex]);

  const label = dataset && sourceIndex >= 0 ? dataset.classNames[dataset.labels[sourceIndex]] : null;
  return (
    <section className="panel decoded" aria-labelledby="decoded-title">
      <h2 id="decoded-title">Decoded at the probe</h2>
      <div className="decoded-row">
        <canvas
          ref={decodedRef}
          className="decoded-canvas"
          width={TILE_PX}
          height={TILE_PX}
          role="img"
          aria-label="Decoded image"
        />
        {label !== null ? (
          <figure className="original">
            <canvas ref={originalRef} width={TILE_PX / 2} height={TILE_PX / 2} role="img" aria-label="Original image" />
            <figcaption>
              Original
              <br />
              label {label}
            </figcaption>
          </figure>
        ) : null}
      </div>
      {!hasDecoder ? <p className="hint">The decoder appears once the model is built.</p> : null}
    </section>
  );
}
