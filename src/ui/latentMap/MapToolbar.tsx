// The map's toolbar: zoom buttons, the region brush toggle, the ellipses switch, the projection
// choice with its progress, and a hint for what a drag does now.
import type { ProjectionKind } from '../../latent/projection';
import { useAppState, useController } from '../controllerContext';

interface MapToolbarProps {
  selecting: boolean;
  onSelectingChange(selecting: boolean): void;
  /** Zoom by `factor`, or back to the whole map for null. */
  onZoom(factor: number | null): void;
}

export function MapToolbar({ selecting, onSelectingChange, onZoom }: MapToolbarProps) {
  const controller = useController();
  const showingPixelPca = useAppState((state) => state.pixelPcaMap !== null);
  const projectionKind = useAppState((state) => state.projectionKind);
  const projectionStatus = useAppState((state) => state.projectionStatus);
  const latentDim = useAppState((state) => state.applied?.spec.latentDim ?? 2);
  const isVariational = useAppState((state) => state.applied?.spec.kind === 'variational');
  const showEllipses = useAppState((state) => state.showEllipses);
  return (
    <div className="map-tools" role="group" aria-label="Map view">
      <button type="button" onClick={() => onZoom(1.5)} aria-label="Zoom in">
        +
      </button>
      <button type="button" onClick={() => onZoom(1 / 1.5)} aria-label="Zoom out">
        −
      </button>
      <button type="button" onClick={() => onZoom(null)}>
        Fit
      </button>
      <button type="button" aria-pressed={selecting} className={selecting ? 'toggled' : undefined} onClick={() => onSelectingChange(!selecting)}>
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
  );
}
