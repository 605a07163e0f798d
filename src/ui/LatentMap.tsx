// The latent map: every image as a point on a canvas, axes in SVG, and the probe.
// This component lays the elements out and wires the parts: a frame loop draws the scene outside
// React (viz/mapScene), and each gesture is its own module in ./latentMap.
import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { zoomIdentity, type ZoomTransform } from 'd3';
import { drawMapScene } from '../viz/mapScene/drawMapScene';
import type { MapSurfaces } from '../viz/mapScene/mapScene';
import type { MapView } from '../viz/mapView';
import { ScatterRenderer } from '../viz/scatterRenderer';
import { drawImage } from '../viz/imageTile';
import { useAppState, useController } from './controllerContext';
import { mapMetrics } from './metrics';
import { MapToolbar } from './latentMap/MapToolbar';
import { startFrameLoop, type FrameLoop } from './latentMap/frameLoop';
import { mapMayHaveChanged } from './latentMap/mapInputs';
import type { HoveredPoint } from './latentMap/hoverPoint';
import { attachMapGestures } from './latentMap/mapGestures';
import { createMapSceneModel, type MapSceneModel, type MapSize } from './latentMap/mapSceneModel';
import { createProbeDescriber, DEFAULT_AXIS_NAMES } from './latentMap/probeDescription';
import { probeAfterKey } from './latentMap/probeKeys';
import { probePress } from './latentMap/probePress';
import { createRegionReporter } from './latentMap/regionReport';
import { createZoomPan, placeZoom, resetZoom, transformFor, zoomBy, zoomTo, type MapZoomBehavior } from './latentMap/zoomPan';

const MARGIN = { top: 12, right: 16, bottom: 44, left: 56 };
const HOVER_TILE_PX = 84;

/** What the drawing effect made, for the resize effect to size. */
interface MapDrawing {
  renderer: ScatterRenderer;
  surfaces: MapSurfaces;
  model: MapSceneModel;
  loop: FrameLoop;
}

export function LatentMap() {
  const controller = useController();
  const store = controller.store;
  const containerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const ellipseCanvasRef = useRef<HTMLCanvasElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const probeRef = useRef<HTMLDivElement>(null);
  const hoverCanvasRef = useRef<HTMLCanvasElement>(null);
  const brushRef = useRef<HTMLDivElement>(null);
  const zoomRef = useRef<MapZoomBehavior | null>(null);
  const drawingRef = useRef<MapDrawing | null>(null);
  /** The size and zoom the next frame is drawn at: read by the frame loop and the gestures, never captured. */
  const viewportRef = useRef<{ size: MapSize; transform: ZoomTransform }>({ size: { width: 600, height: 600 }, transform: zoomIdentity });
  const [size, setSize] = useState({ width: 600, height: 600 });
  const [hover, setHover] = useState<HoveredPoint | null>(null);
  const [selecting, setSelecting] = useState(false);
  const selectingRef = useRef(false);
  useEffect(() => {
    selectingRef.current = selecting;
  }, [selecting]);
  const hasPoints = useAppState((state) => state.map !== null);
  const axisNames = useAppState((state) => (state.pixelPcaMap ?? state.map)?.axisNames ?? DEFAULT_AXIS_NAMES);
  const dataset = useAppState((state) => state.dataset);

  // Follow the element's size.
  useEffect(() => {
    const element = containerRef.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      const { width, height } = entry.contentRect;
      setSize({ width: Math.max(200, Math.floor(width)), height: Math.max(200, Math.floor(height)) });
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Drawing and gestures, made once per element: a resize only changes what viewportRef holds.
  useEffect(() => {
    const canvas = canvasRef.current;
    const svg = svgRef.current;
    const container = containerRef.current;
    const probeHandle = probeRef.current;
    if (!canvas || !svg || !container || !probeHandle) return;
    const renderer = new ScatterRenderer(canvas);
    const surfaces: MapSurfaces = {
      points: renderer,
      axes: svg,
      contours: svg.querySelector<SVGGElement>('g.contours'),
      ellipses: ellipseCanvasRef.current?.getContext('2d') ?? null,
      probe: probeHandle,
      pixelRatio: 1,
    };
    const model = createMapSceneModel(MARGIN);
    const describer = createProbeDescriber(probeHandle, store.getState, (x, y) => controller.nearestPoint(x, y));
    const reportRegion = createRegionReporter((region) => controller.setViewRegion(region));
    let view: MapView | null = null;
    const loop = startFrameLoop({
      prepare: (now) => model.update(store.getState(), now),
      animating: (now) => model.animating(now),
      draw: (now) => {
        const started = performance.now();
        const { size: drawnSize, transform } = viewportRef.current;
        const frame = model.frame(store.getState(), now, drawnSize, transform);
        view = frame.view;
        drawMapScene(frame.scene, frame.view, surfaces);
        describer.update();
        if (reportRegion(frame.view, now)) loop.invalidate();
        mapMetrics.recordFrame(performance.now() - started, frame.scene.points.length / 2);
      },
    });
    let seen = store.getState();
    const unsubscribe = store.subscribe(() => {
      const next = store.getState();
      if (mapMayHaveChanged(seen, next)) loop.invalidate();
      seen = next;
    });

    const zoomBehavior = createZoomPan((transform) => {
      const viewport = viewportRef.current;
      viewport.transform = transform;
      loop.invalidate();
      // Kept in the store so a saved session can bring the same view back.
      const zoom = { k: transform.k, x: transform.x, y: transform.y, width: viewport.size.width, height: viewport.size.height };
      store.dispatch({ type: 'map-zoomed', zoom });
    });
    zoomRef.current = zoomBehavior;
    const detachGestures = attachMapGestures(container, {
      getView: () => view,
      zoom: zoomBehavior,
      getTransform: () => viewportRef.current.transform,
      brushRectangle: brushRef.current,
      isSelecting: () => selectingRef.current,
      selectRegion: (a, b) => controller.selectRegion({ x: [a.x, b.x], y: [a.y, b.y] }),
      pointNear: model.pointNear,
      pressProbe: (at, pressView) => {
        const press = probePress(store.getState(), at, model.pointNear(at, pressView), model.targetPoints());
        if (press.probe) controller.moveProbe(press.probe);
        return press.drag;
      },
      dragProbe: (at) => controller.moveProbe({ x: at.x, y: at.y, sourceIndex: store.getState().probe.sourceIndex }),
      setHover,
    });
    drawingRef.current = { renderer, surfaces, model, loop };
    return () => {
      drawingRef.current = null;
      loop.stop();
      describer.dispose();
      unsubscribe();
      detachGestures();
    };
  }, [controller, store]);

  // A new size (the layout changed): canvases follow it, and the map keeps its zoom, scaled to the new size.
  useEffect(() => {
    const drawing = drawingRef.current;
    const container = containerRef.current;
    if (!drawing || !container) return;
    const ratio = window.devicePixelRatio || 1;
    const ellipseCanvas = ellipseCanvasRef.current;
    if (ellipseCanvas) {
      ellipseCanvas.width = Math.round(size.width * ratio);
      ellipseCanvas.height = Math.round(size.height * ratio);
      ellipseCanvas.style.width = `${size.width}px`;
      ellipseCanvas.style.height = `${size.height}px`;
    }
    drawing.renderer.resize(size.width, size.height, ratio);
    drawing.surfaces.pixelRatio = ratio;
    const transform = transformFor(store.getState().mapZoom, size);
    viewportRef.current = { size, transform };
    placeZoom(container, transform);
    // Laid out afresh for the new size, as on a first draw (no glide from the old layout).
    drawing.model.forgetLayout();
    drawing.loop.invalidate();
  }, [size, store]);

  // Draw the hovered image into its tooltip.
  useEffect(() => {
    const canvas = hoverCanvasRef.current;
    if (!hover || !canvas || !dataset) return;
    const context = canvas.getContext('2d');
    if (!context) return;
    const [h, w, c] = dataset.shape;
    drawImage(context, dataset.images, hover.index * h * w * c, dataset.shape, 0, 0, HOVER_TILE_PX);
  }, [hover, dataset]);

  // A resumed session's or a link's zoom and pan.
  const zoomRequest = useAppState((state) => state.zoomRequest);
  useEffect(() => {
    const container = containerRef.current;
    if (!zoomRequest || !container || !zoomRef.current) return;
    zoomTo(container, zoomRef.current, transformFor(zoomRequest.zoom, viewportRef.current.size));
  }, [zoomRequest]);

  /** Zoom by `factor`, or back to the whole map for null. */
  const zoomButton = (factor: number | null) => {
    const container = containerRef.current;
    if (!container || !zoomRef.current) return;
    if (factor === null) resetZoom(container, zoomRef.current);
    else zoomBy(container, zoomRef.current, factor);
  };

  const onProbeKey = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    const next = probeAfterKey(event.key, event.shiftKey, store.getState().probe, () => controller.mapSpan());
    if (!next) return;
    event.preventDefault();
    controller.moveProbe(next);
  };

  const hoverLabel = hover && dataset ? dataset.classNames[dataset.labels[hover.index]] : '';

  return (
    <div className="latent-map">
      <div className={selecting ? 'map-surface selecting' : 'map-surface'} ref={containerRef}>
        <canvas ref={canvasRef} role="img" aria-label="Latent map" />
        <canvas ref={ellipseCanvasRef} className="ellipse-layer" aria-hidden="true" />
        <svg ref={svgRef} className="map-axes" width={size.width} height={size.height} aria-hidden="true">
          <g className="contours" />
          <g className="axis-x" />
          <g className="axis-y" />
          <text className="axis-title" x={MARGIN.left + (size.width - MARGIN.left - MARGIN.right) / 2} y={size.height - 6} textAnchor="middle">
            {axisNames[0]}
          </text>
          <text className="axis-title" transform={`translate(16,${MARGIN.top + (size.height - MARGIN.top - MARGIN.bottom) / 2}) rotate(-90)`} textAnchor="middle">
            {axisNames[1]}
          </text>
        </svg>
        <div
          ref={probeRef}
          className="probe"
          role="slider"
          tabIndex={0}
          aria-label="Latent probe"
          aria-valuetext="x 0.00, y 0.00"
          onKeyDown={onProbeKey}
          onPointerDown={(event) => event.stopPropagation()}
        />
        <div ref={brushRef} className="brush" aria-hidden="true" />
        {!hasPoints ? <p className="map-empty">Press Train to see every image appear on the map.</p> : null}
        {hover ? (
          <div className="hover-card" style={{ left: hover.left + 14, top: hover.top + 14 }} role="tooltip">
            <canvas ref={hoverCanvasRef} width={HOVER_TILE_PX} height={HOVER_TILE_PX} />
            <span>
              Label <strong>{hoverLabel}</strong>
              <br />
              image #{hover.index}
            </span>
          </div>
        ) : null}
      </div>
      <MapToolbar selecting={selecting} onSelectingChange={setSelecting} onZoom={zoomButton} />
    </div>
  );
}
