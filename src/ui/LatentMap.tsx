// The latent map: every image as a point on a canvas, axes in SVG, and the probe.
// Drawing runs in one requestAnimationFrame loop outside React; React only lays out the elements.
// Dragging on the map moves the probe (pressing on a data point picks that point up); the mouse
// wheel zooms, and Shift-drag (or the middle button) pans.
import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { select, zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3';
import { drawMapAxes } from '../viz/mapAxes';
import { drawSigmaEllipses } from '../viz/sigmaEllipses';
import { classColors, pointColors } from '../viz/colors';
import { codeColumn, mutedClassColors, rampCss, robustScale, valueColors } from '../viz/pointColouring';
import { computeDensityContours, contourTransform, type DensityContours } from '../viz/densityContours';
import { PointIndex } from '../viz/hitTest';
import { createMapView, type MapView } from '../viz/mapView';
import { ScatterRenderer } from '../viz/scatterRenderer';
import { mapPoint, screenPoint } from '../viz/spaces';
import { interpolateDomain, nextDomain, type Domain } from '../viz/stableDomain';
import { drawImage } from '../viz/imageTile';
import type { AppState, MapZoom } from '../state/appState';
import type { ProjectionKind } from '../latent/projection';
import { useAppState, useController } from './controllerContext';
import { mapMetrics } from './metrics';

const MARGIN = { top: 12, right: 16, bottom: 44, left: 56 };
/** A press within this many CSS pixels of a point picks that point up. */
const PICK_RADIUS_PX = 7;
/** Points glide to their new places over this long when a new snapshot arrives. */
const MOVE_MS = 450;
const DOMAIN_MS = 500;
const HOVER_TILE_PX = 84;
const DEFAULT_AXIS_NAMES = ['z₁', 'z₂'] as const;

interface Hover {
  index: number;
  left: number;
  top: number;
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
  const zoomRef = useRef<ZoomBehavior<HTMLDivElement, unknown> | null>(null);
  /** The size the current zoom behaviour works in (a zoom request is scaled to it). */
  const zoomSizeRef = useRef({ width: 600, height: 600 });
  const [size, setSize] = useState({ width: 600, height: 600 });
  const [hover, setHover] = useState<Hover | null>(null);
  const [selecting, setSelecting] = useState(false);
  const selectingRef = useRef(false);
  useEffect(() => {
    selectingRef.current = selecting;
  }, [selecting]);
  const brushRef = useRef<HTMLDivElement>(null);
  const hasPoints = useAppState((state) => state.map !== null);
  const showingPixelPca = useAppState((state) => state.pixelPcaMap !== null);
  const axisNames = useAppState((state) => (state.pixelPcaMap ?? state.map)?.axisNames ?? DEFAULT_AXIS_NAMES);
  const projectionKind = useAppState((state) => state.projectionKind);
  const projectionStatus = useAppState((state) => state.projectionStatus);
  const latentDim = useAppState((state) => state.applied?.spec.latentDim ?? 2);
  const isVariational = useAppState((state) => state.applied?.spec.kind === 'variational');
  const showEllipses = useAppState((state) => state.showEllipses);
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

  // The render loop: everything that changes per frame lives in this closure, not in React state.
  useEffect(() => {
    const canvas = canvasRef.current;
    const svg = svgRef.current;
    const container = containerRef.current;
    const probeHandle = probeRef.current;
    if (!canvas || !svg || !container || !probeHandle) return;
    const renderer = new ScatterRenderer(canvas);
    const ellipseCanvas = ellipseCanvasRef.current;
    const ellipseContext = ellipseCanvas?.getContext('2d') ?? null;
    const ratio = window.devicePixelRatio || 1;
    if (ellipseCanvas) {
      ellipseCanvas.width = Math.round(size.width * ratio);
      ellipseCanvas.height = Math.round(size.height * ratio);
      ellipseCanvas.style.width = `${size.width}px`;
      ellipseCanvas.style.height = `${size.height}px`;
    }
    // Variational kind: each held-out mean's 1-sigma ellipse (axis-aligned: the posterior is diagonal).
    let ellipsesShown = false;
    const drawEllipses = (state: AppState, current: MapView) => {
      if (!ellipseContext) return;
      const latents = state.latents;
      const wanted = state.showEllipses && latents?.logVar && latents.latentDim === 2 && state.projectionKind === 'none' && state.dataset;
      if (!wanted && !ellipsesShown) return;
      ellipsesShown = Boolean(wanted);
      drawSigmaEllipses(
        ellipseContext,
        current,
        ratio,
        wanted ? { points: drawnPoints, logVar: latents.logVar as Float32Array, indices: state.dataset!.split.heldOut } : null,
      );
    };
    renderer.resize(size.width, size.height, window.devicePixelRatio || 1);

    // A new size (the layout changed) keeps the zoom the map had, scaled to the new size.
    let transform: ZoomTransform = transformFor(store.getState().mapZoom, size);
    zoomSizeRef.current = size;
    let domain: Domain | null = null;
    let domainFrom: Domain | null = null;
    let domainChangedAt = 0;
    let shownMap: AppState['map'] = null;
    let fromPoints: Float32Array = new Float32Array(0);
    let targetPoints: Float32Array = new Float32Array(0);
    let drawnPoints: Float32Array = new Float32Array(0);
    let movedAt = 0;
    let colors: Uint32Array = new Uint32Array(0);
    // The hover/pick index is built on the first pointer query after a new map, not in the frame
    // that receives the map (a quadtree of 70,000 points takes tens of milliseconds).
    let index: PointIndex | null = null;
    let indexFor: Float32Array | null = null;
    const pointIndex = (): PointIndex | null => {
      if (targetPoints.length === 0) return null;
      if (indexFor !== targetPoints) {
        index = new PointIndex(targetPoints, targetPoints.length / 2);
        indexFor = targetPoints;
      }
      return index;
    };
    let view: MapView | null = null;
    let dirty = true;
    let frame = 0;
    let dragging = false;

    const currentDomain = (now: number): Domain => {
      if (!domain) return { x: [-1, 1], y: [-1, 1] };
      if (!domainFrom) return domain;
      const t = (now - domainChangedAt) / DOMAIN_MS;
      if (t >= 1) {
        domainFrom = null;
        return domain;
      }
      return interpolateDomain(domainFrom, domain, easeOut(t));
    };

    const takeSnapshot = (state: AppState, now: number) => {
      // The raw pixels' PCA map (Applications, `Show PCA map`) takes the latent map's place.
      const map = state.pixelPcaMap ?? state.map;
      if (map === shownMap) return;
      shownMap = map;
      if (!map) {
        targetPoints = new Float32Array(0);
        drawnPoints = new Float32Array(0);
        index = null;
        indexFor = null;
        dirty = true;
        return;
      }
      const sameCount = targetPoints.length === map.points.length && !map.jump;
      fromPoints = sameCount ? drawnPoints.slice() : map.points;
      targetPoints = map.points;
      if (drawnPoints.length !== targetPoints.length) drawnPoints = new Float32Array(targetPoints.length);
      movedAt = now;
      const next = nextDomain(domain, map.points, map.count);
      if (next !== domain) {
        domainFrom = domain ? currentDomain(now) : null;
        domain = next;
        domainChangedAt = now;
      }
      dirty = true;
    };

    // Colours follow the colouring mode, the labels and (for value modes) the codes.
    let colouredFor: unknown[] = [];
    const recolour = (state: AppState) => {
      const { dataset, colourBy, latents, map, reconstructionErrors } = state;
      if (!dataset || !map) return;
      const palette = state.classroom.palette;
      const key = [dataset, colourBy, colourBy.mode === 'dimension' ? latents : null, colourBy.mode === 'error' ? reconstructionErrors : null, palette];
      if (key.every((part, i) => part === colouredFor[i])) return;
      colouredFor = key;
      const classCount = dataset.classNames.length;
      if (colourBy.mode === 'dimension' && latents) {
        const values = codeColumn(latents.codes, latents.latentDim, Math.min(colourBy.dimension, latents.latentDim - 1));
        colors = valueColors(values, robustScale(values), colors);
      } else if (colourBy.mode === 'factor' && dataset.factors?.[colourBy.factor]) {
        const values = dataset.factors[colourBy.factor];
        colors = valueColors(values, robustScale(values), colors);
      } else if (colourBy.mode === 'error' && reconstructionErrors) {
        colors = valueColors(reconstructionErrors, robustScale(reconstructionErrors), colors);
      } else if (colourBy.mode === 'density') {
        colors = mutedClassColors(dataset.labels, classCount);
      } else {
        colors = pointColors(dataset.labels, classColors(classCount, palette).packed);
      }
      dirty = true;
    };

    // Density contours: computed per map in a fixed frame, placed by an SVG transform each frame.
    let contours: DensityContours | null = null;
    let contoursFor: unknown = null;
    const contourGroup = select(svg).select<SVGGElement>('g.contours');
    const updateContours = (state: AppState, current: MapView) => {
      if (state.colourBy.mode !== 'density' || !state.map || !domain) {
        if (contours) {
          contours = null;
          contoursFor = null;
          contourGroup.selectAll('path').remove();
        }
        return;
      }
      if (contoursFor !== state.map) {
        contoursFor = state.map;
        contours = computeDensityContours(state.map.points, state.map.count, domain);
        contourGroup
          .selectAll('path')
          .data(contours.paths)
          .join('path')
          .attr('d', (d) => d)
          .attr('class', (_, i) => `contour level-${i}`)
          .attr('stroke', (_, i, all) => rampCss(0.15 + (0.85 * i) / Math.max(1, all.length - 1)));
      }
      if (contours) contourGroup.attr('transform', contourTransform(contours, current));
    };

    const positionProbe = (current: MapView) => {
      const probe = store.getState().probe;
      const at = current.toScreen(mapPoint(probe.x, probe.y));
      const area = current.plotArea;
      const inside =
        at.x >= area.left && at.x <= area.left + area.width && at.y >= area.top && at.y <= area.top + area.height;
      probeHandle.style.transform = `translate(${at.x}px, ${at.y}px)`;
      probeHandle.style.opacity = inside ? '1' : '0.25';
      // On the pixels' PCA map the probe's latent-map position means nothing: hidden (and out of the tab order).
      probeHandle.style.visibility = store.getState().pixelPcaMap ? 'hidden' : '';
      if (probe !== describedProbe && describeTimer === 0) {
        // Described in a task of its own: finding the nearest image may build the map's point index,
        // which would lengthen this frame on every map refresh.
        describeTimer = window.setTimeout(() => {
          describeTimer = 0;
          const latest = store.getState().probe;
          describedProbe = latest;
          probeHandle.setAttribute('aria-valuetext', describeProbe(store.getState(), controller.nearestPoint(latest.x, latest.y)));
        }, 0);
      }
    };
    let describedProbe: AppState['probe'] | null = null;
    let describeTimer = 0;

    // Tell the store which part of the map is on screen (for the manifold grid), at most 5 times a second.
    let reportedRegion = '';
    let reportedAt = 0;
    const reportRegion = (current: MapView, now: number) => {
      const area = current.plotArea;
      const topLeft = current.toMap(screenPoint(area.left, area.top));
      const bottomRight = current.toMap(screenPoint(area.left + area.width, area.top + area.height));
      const region = { x: [topLeft.x, bottomRight.x] as const, y: [bottomRight.y, topLeft.y] as const };
      const key = [...region.x, ...region.y].map((v) => v.toPrecision(4)).join(',');
      if (key === reportedRegion) return;
      if (now - reportedAt < 200) {
        dirty = true; // try again next frame, so the final region is always reported
        return;
      }
      reportedRegion = key;
      reportedAt = now;
      controller.setViewRegion(region);
    };

    const draw = (now: number) => {
      frame = requestAnimationFrame(draw);
      const state = store.getState();
      takeSnapshot(state, now);
      recolour(state);
      const moving = targetPoints.length > 0 && now - movedAt < MOVE_MS;
      const zooming = domainFrom !== null;
      if (!dirty && !moving && !zooming) return;
      const started = performance.now();
      dirty = false;
      const t = moving ? easeOut((now - movedAt) / MOVE_MS) : 1;
      for (let i = 0; i < targetPoints.length; i++) {
        drawnPoints[i] = fromPoints.length === targetPoints.length ? fromPoints[i] + (targetPoints[i] - fromPoints[i]) * t : targetPoints[i];
      }
      view = createMapView({ width: size.width, height: size.height, margin: MARGIN, domain: currentDomain(now), transform });
      const probe = store.getState().probe;
      renderer.render(drawnPoints, drawnPoints.length / 2, colors, view, {
        pointRadius: drawnPoints.length > 40_000 ? 1.2 : 1.8,
        highlight: probe.sourceIndex >= 0 ? probe.sourceIndex : undefined,
      });
      drawMapAxes(svg, view);
      updateContours(store.getState(), view);
      drawEllipses(store.getState(), view);
      positionProbe(view);
      reportRegion(view, now);
      mapMetrics.recordFrame(performance.now() - started, drawnPoints.length / 2);
    };
    frame = requestAnimationFrame(draw);

    const unsubscribe = store.subscribe(() => {
      dirty = true;
    });

    // Zoom: the wheel always; dragging only with Shift or the middle button, since a plain drag moves the probe.
    const zoomBehavior = zoom<HTMLDivElement, unknown>()
      .scaleExtent([0.5, 64])
      .filter((event: MouseEvent | WheelEvent) => event.type === 'wheel' || event.shiftKey || event.button === 1)
      .on('zoom', (event: { transform: ZoomTransform }) => {
        transform = event.transform;
        dirty = true;
        // Kept in the store so a saved session can bring the same view back.
        store.dispatch({ type: 'map-zoomed', zoom: { k: transform.k, x: transform.x, y: transform.y, width: size.width, height: size.height } });
      });
    zoomRef.current = zoomBehavior;
    const containerSelection = select(container).call(zoomBehavior).on('dblclick.zoom', null);
    container.__zoom = transform;

    const pointerToMap = (event: PointerEvent) => {
      const rect = container.getBoundingClientRect();
      const screen = screenPoint(event.clientX - rect.left, event.clientY - rect.top);
      return { screen, map: view ? view.toMap(screen) : null };
    };

    const moveProbeTo = (x: number, y: number, sourceIndex: number) => {
      controller.moveProbe({ x, y, sourceIndex });
    };

    // Brushing: with "Select region" on, a drag draws a rectangle and selects the points inside.
    let brushStart: { x: number; y: number } | null = null;
    const brush = brushRef.current;
    const drawBrush = (a: { x: number; y: number }, b: { x: number; y: number }) => {
      if (!brush) return;
      brush.style.display = 'block';
      brush.style.left = `${Math.min(a.x, b.x)}px`;
      brush.style.top = `${Math.min(a.y, b.y)}px`;
      brush.style.width = `${Math.abs(a.x - b.x)}px`;
      brush.style.height = `${Math.abs(a.y - b.y)}px`;
    };

    // Two fingers pinch to zoom (and pan with their midpoint); one finger drags the probe.
    const touches = new Map<number, { x: number; y: number }>();
    let pinch: { distance: number; mid: { x: number; y: number } } | null = null;
    const touchPoint = (event: PointerEvent) => {
      const rect = container.getBoundingClientRect();
      return { x: event.clientX - rect.left, y: event.clientY - rect.top };
    };
    const pinchState = () => {
      const [a, b] = [...touches.values()];
      return { distance: Math.hypot(a.x - b.x, a.y - b.y), mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } };
    };
    const onPinch = (event: PointerEvent): boolean => {
      if (event.pointerType !== 'touch' || !touches.has(event.pointerId)) return false;
      touches.set(event.pointerId, touchPoint(event));
      if (!pinch || touches.size !== 2) return touches.size >= 2;
      const next = pinchState();
      if (pinch.distance > 0 && next.distance > 0) {
        containerSelection.call(zoomBehavior.translateBy, (next.mid.x - pinch.mid.x) / transform.k, (next.mid.y - pinch.mid.y) / transform.k);
        containerSelection.call(zoomBehavior.scaleBy, next.distance / pinch.distance, [next.mid.x, next.mid.y]);
      }
      pinch = next;
      return true;
    };

    const onPointerDown = (event: PointerEvent) => {
      if (event.pointerType === 'touch') {
        touches.set(event.pointerId, touchPoint(event));
        if (touches.size === 2) {
          dragging = false; // the second finger turns a probe drag into a pinch
          pinch = pinchState();
          container.setPointerCapture(event.pointerId);
          event.preventDefault();
          return;
        }
        if (touches.size > 2) return;
      }
      if (event.button !== 0 || event.shiftKey || !view) return;
      const { map, screen } = pointerToMap(event);
      if (!map) return;
      if (selectingRef.current) {
        brushStart = { x: screen.x, y: screen.y };
        drawBrush(brushStart, brushStart);
        container.setPointerCapture(event.pointerId);
        event.preventDefault();
        return;
      }
      const picked = pointIndex()?.nearest(map, PICK_RADIUS_PX / view.pixelsPerUnit) ?? -1;
      const latentMap = store.getState().map;
      if (store.getState().pixelPcaMap) {
        // The pixels' PCA map has no decoder of this model behind it: a press on an image decodes
        // that image's own code (the probe goes to its place on the latent map); empty space does nothing.
        if (picked >= 0 && latentMap && picked < latentMap.count) moveProbeTo(latentMap.points[2 * picked], latentMap.points[2 * picked + 1], picked);
        event.preventDefault();
        return;
      }
      if (picked >= 0) {
        moveProbeTo(targetPoints[2 * picked], targetPoints[2 * picked + 1], picked);
      } else {
        moveProbeTo(map.x, map.y, -1);
      }
      dragging = true;
      container.setPointerCapture(event.pointerId);
      setHover(null);
      event.preventDefault();
    };
    const onPointerMove = (event: PointerEvent) => {
      if (onPinch(event)) return;
      if (!view) return;
      const { screen, map } = pointerToMap(event);
      if (!map) return;
      if (brushStart) {
        drawBrush(brushStart, screen);
        return;
      }
      if (dragging) {
        moveProbeTo(map.x, map.y, store.getState().probe.sourceIndex);
        return;
      }
      const found = pointIndex()?.nearest(map, PICK_RADIUS_PX / view.pixelsPerUnit) ?? -1;
      setHover((previous) => {
        if (found < 0) return previous === null ? previous : null;
        if (previous && previous.index === found) return previous;
        return { index: found, left: screen.x, top: screen.y };
      });
    };
    const onPointerUp = (event: PointerEvent) => {
      touches.delete(event.pointerId);
      if (touches.size < 2) pinch = null;
      if (brushStart && view) {
        const { screen } = pointerToMap(event);
        const a = view.toMap(screenPoint(brushStart.x, brushStart.y));
        const b = view.toMap(screen);
        brushStart = null;
        if (brush) brush.style.display = 'none';
        controller.selectRegion({ x: [a.x, b.x], y: [a.y, b.y] });
      }
      dragging = false;
      if (container.hasPointerCapture(event.pointerId)) container.releasePointerCapture(event.pointerId);
    };
    const onPointerLeave = () => setHover(null);
    container.addEventListener('pointerdown', onPointerDown);
    container.addEventListener('pointermove', onPointerMove);
    container.addEventListener('pointerup', onPointerUp);
    container.addEventListener('pointercancel', onPointerUp);
    container.addEventListener('pointerleave', onPointerLeave);

    return () => {
      cancelAnimationFrame(frame);
      window.clearTimeout(describeTimer);
      unsubscribe();
      containerSelection.on('.zoom', null);
      container.removeEventListener('pointerdown', onPointerDown);
      container.removeEventListener('pointermove', onPointerMove);
      container.removeEventListener('pointerup', onPointerUp);
      container.removeEventListener('pointercancel', onPointerUp);
      container.removeEventListener('pointerleave', onPointerLeave);
    };
  }, [controller, store, size]);

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
    select(container).call(zoomRef.current.transform, transformFor(zoomRequest.zoom, zoomSizeRef.current));
  }, [zoomRequest]);

  const zoomBy = (factor: number) => {
    const container = containerRef.current;
    if (container && zoomRef.current) select(container).transition().duration(250).call(zoomRef.current.scaleBy, factor);
  };
  const resetZoom = () => {
    const container = containerRef.current;
    if (container && zoomRef.current) select(container).transition().duration(300).call(zoomRef.current.transform, zoomIdentity);
  };

  const onProbeKey = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? 0.25 : 0.05;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, step],
      ArrowDown: [0, -step],
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const probe = store.getState().probe;
    const span = controller.mapSpan();
    controller.moveProbe({ x: probe.x + move[0] * span, y: probe.y + move[1] * span, sourceIndex: probe.sourceIndex });
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
      <div className="map-tools" role="group" aria-label="Map view">
        <button type="button" onClick={() => zoomBy(1.5)} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => zoomBy(1 / 1.5)} aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={resetZoom}>
          Fit
        </button>
        <button type="button" aria-pressed={selecting} className={selecting ? 'toggled' : undefined} onClick={() => setSelecting(!selecting)}>
          Select region
        </button>
        {isVariational && latentDim === 2 ? (
          <label className="check">
            <input type="checkbox" checked={showEllipses} onChange={(e) => controller.showEllipses(e.target.checked)} />
            1σ ellipses
          </label>
        ) : null}
        <label className="projection-select">
          <span>Projection</span>
          <select
            aria-label="Projection"
            value={projectionKind}
            onChange={(event) => controller.setProjection(event.target.value as ProjectionKind)}
          >
            <option value="none" disabled={latentDim > 2}>
              None (2-D codes)
            </option>
            <option value="pca">PCA</option>
            <option value="umap">UMAP</option>
          </select>
        </label>
        {projectionStatus.activity ? (
          <span className="projection-activity" role="status">
            {projectionStatus.activity}
            {projectionStatus.progress !== null ? ` ${Math.round(projectionStatus.progress * 100)}%` : ''}
          </span>
        ) : null}
        <span className="map-hint">
          {selecting
            ? 'Drag a rectangle to see its images'
            : showingPixelPca
              ? 'PCA map of the pixels: hover to see an image, press one to decode it with the model · the probe drags on the latent map'
              : 'Drag to decode · wheel to zoom · Shift-drag to pan'}
        </span>
      </div>
    </div>
  );
}

/** The probe for a screen reader: "z₁ −3.2, z₂ 1.4, near 7s" (axis names of the projection shown). */
function describeProbe(state: AppState, nearest: number): string {
  const names = (state.map?.axisNames ?? DEFAULT_AXIS_NAMES).map((name) => name.replace(/\s*\(.*\)$/, ''));
  const format = (value: number) => (value < 0 ? `−${Math.abs(value).toFixed(1)}` : value.toFixed(1));
  const position = `${names[0]} ${format(state.probe.x)}, ${names[1]} ${format(state.probe.y)}`;
  const dataset = state.dataset;
  if (!dataset || nearest < 0 || nearest >= dataset.labels.length) return position;
  const name = dataset.classNames[dataset.labels[nearest]] ?? '';
  const plural = /^[\p{L}\d]+$/u.test(name) && !/s$/i.test(name) ? `${name}s` : name;
  return `${position}, near ${plural}`;
}

function easeOut(t: number): number {
  const clamped = Math.min(1, Math.max(0, t));
  return 1 - (1 - clamped) ** 3;
}

declare global {
  interface HTMLDivElement {
    __zoom?: ZoomTransform;
  }
}

/** A kept zoom as a d3 transform for a map of `size`: the pan scales with the map's size. */
function transformFor(zoom: MapZoom | null, size: { width: number; height: number }): ZoomTransform {
  if (!zoom) return zoomIdentity;
  const scaleX = zoom.width ? size.width / zoom.width : 1;
  const scaleY = zoom.height ? size.height / zoom.height : 1;
  return zoomIdentity.translate(zoom.x * scaleX, zoom.y * scaleY).scale(zoom.k);
}
