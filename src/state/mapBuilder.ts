// Turns each snapshot of latent codes into the map the user sees, and map points back into codes.
// Chooses the projection (none for 2-D codes, PCA, UMAP), runs PCA and UMAP in the projection
// worker, aligns each new map to the previous one (so it does not flip or spin between epochs),
// and keeps the codes each map was made from, so decoding a map point always uses matching pairs.
// It knows the current model's latent size and drops snapshots of any other size (a replaced
// model's last codes can arrive after the new model is built), so every code it hands out fits.
import { asLatentCode, type LatentCode } from '../latent/latentCode';
import { alignToPrevious } from '../latent/procrustes';
import { identityProjection, neighbourProjection, pcaProjection, type Projection, type ProjectionKind } from '../latent/projection';
import { ProjectionClient, type UmapProgress } from '../latent/projectionClient';
import { PointIndex } from '../viz/hitTest';
import { mapPoint } from '../viz/spaces';

export interface MapUpdate {
  projection: Projection;
  /** The codes the map was made from (row i = dataset image i). */
  codes: Float32Array;
  latentDim: number;
  globalStep: number;
  /** The first map of a new model or projection: draw it in place instead of gliding. */
  jump: boolean;
}

export interface ProjectionStatus {
  kind: ProjectionKind;
  /** What the projection is doing, in words, or null when its map is up to date. */
  activity: string | null;
  /** 0..1 while UMAP runs. */
  progress: number | null;
}

/** What the builder needs from the projection worker (a test can pass one that runs in-process). */
export type ProjectionRunner = Pick<ProjectionClient, 'pca' | 'umap' | 'cancelUmap' | 'dispose'>;

export class MapBuilder {
  private kind: ProjectionKind = 'none';
  private current: MapUpdate | null = null;
  private index: PointIndex | null = null;
  private client: ProjectionRunner | null = null;
  /** The latent size of the model whose codes are wanted; null until the first model. */
  private modelLatentDim: number | null = null;
  /** Bumped on every new snapshot or reset; results of older requests are dropped. */
  private generation = 0;
  private modelGeneration = 0;
  /** Generation of the snapshot whose map is on screen; an older result never replaces it. */
  private shownGeneration = 0;
  private umapRunning = false;
  private latestSnapshot: { codes: Float32Array; latentDim: number; globalStep: number } | null = null;

  constructor(
    private readonly publish: (update: MapUpdate) => void,
    private readonly reportStatus: (status: ProjectionStatus) => void,
    private readonly reportError: (message: string) => void,
    private readonly umapSeed: () => number,
    private readonly makeRunner: () => ProjectionRunner = () => new ProjectionClient(),
  ) {}

  /**
   * A new model (of `latentDim`-value codes): forget the old map so the next one appears in
   * place, and refuse any late snapshot of another size from the model being replaced.
   */
  reset(latentDim: number | null = null): void {
    this.modelLatentDim = latentDim;
    this.current = null;
    this.index = null;
    this.latestSnapshot = null;
    this.generation++;
    this.modelGeneration++;
    this.client?.cancelUmap();
    this.umapRunning = false;
  }

  /** The projection the user asked for; 'none' only makes sense for 2-D codes. */
  setKind(kind: ProjectionKind): void {
    if (kind === this.kind) return;
    this.kind = kind;
    this.current = null;
    this.index = null;
    this.client?.cancelUmap();
    this.umapRunning = false;
    this.reportStatus(this.status(null, null));
    if (this.latestSnapshot) this.accept(this.latestSnapshot.codes, this.latestSnapshot.latentDim, this.latestSnapshot.globalStep);
  }

  get requestedKind(): ProjectionKind {
    return this.kind;
  }

  private effectiveKind(latentDim: number): ProjectionKind {
    return this.kind === 'none' && latentDim > 2 ? 'pca' : this.kind;
  }

  private status(activity: string | null, progress: number | null): ProjectionStatus {
    return { kind: this.current?.projection.kind ?? this.kind, activity, progress };
  }

  private projectionClient(): ProjectionRunner {
    this.client ??= this.makeRunner();
    return this.client;
  }

  /** A new snapshot of codes from training. */
  accept(codes: Float32Array, latentDim: number, globalStep: number): void {
    // A replaced model's codes: its map would decode to codes the current decoder cannot take.
    if (this.modelLatentDim !== null && latentDim !== this.modelLatentDim) return;
    if (latentDim < 1 || codes.length % latentDim !== 0) return;
    this.latestSnapshot = { codes, latentDim, globalStep };
    const generation = ++this.generation;
    const kind = this.effectiveKind(latentDim);
    if (kind === 'none') {
      this.shownGeneration = generation;
      this.show({ projection: identityProjection(codes), codes, latentDim, globalStep, jump: this.current === null });
      return;
    }
    if (kind === 'umap' && this.current?.projection.kind === 'umap') {
      this.startUmap();
      return;
    }
    // Until the first UMAP map is ready, PCA keeps the map alive. It is asked for first: the worker
    // answers in order, and UMAP's neighbour search holds it for many seconds.
    void this.projectPca(codes, latentDim, globalStep, generation);
    if (kind === 'umap') this.startUmap();
  }

  private async projectPca(codes: Float32Array, latentDim: number, globalStep: number, generation: number): Promise<void> {
    if (latentDim < 2) return;
    const modelGeneration = this.modelGeneration;
    try {
      const { model, points } = await this.projectionClient().pca(codes, codes.length / latentDim, latentDim);
      if (modelGeneration !== this.modelGeneration || generation < this.shownGeneration) return;
      if (this.kind === 'umap' && this.current?.projection.kind === 'umap') return;
      this.shownGeneration = generation;
      const previous = this.current?.projection.kind === 'pca' ? this.current.projection.points : null;
      const transform = previous && previous.length === points.length ? alignToPrevious(previous, points, points.length / 2) : null;
      this.show({
        projection: pcaProjection(model, points, transform),
        codes,
        latentDim,
        globalStep,
        jump: previous === null,
      });
    } catch (error) {
      this.reportError(`The PCA projection failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Fit UMAP on the newest codes; when it finishes and training has moved on, fit again. */
  private startUmap(): void {
    if (this.umapRunning || !this.latestSnapshot) return;
    const { codes, latentDim, globalStep } = this.latestSnapshot;
    if (latentDim < 2) return;
    this.umapRunning = true;
    const modelGeneration = this.modelGeneration;
    const onProgress = (progress: UmapProgress) => {
      const words = progress.stage === 'graph' ? 'finding neighbours' : progress.stage === 'placing' ? 'placing the rest' : 'laying out';
      this.reportStatus(this.status(`UMAP: ${words}…`, progress.totalEpochs > 0 ? progress.epochsDone / progress.totalEpochs : null));
    };
    this.projectionClient()
      .umap(codes, codes.length / latentDim, latentDim, this.umapSeed(), onProgress)
      .then((points) => {
        if (modelGeneration !== this.modelGeneration || this.kind !== 'umap') return;
        const previous = this.current?.projection.kind === 'umap' ? this.current.projection.points : null;
        const aligned = previous && previous.length === points.length ? alignToPrevious(previous, points, points.length / 2).aligned : points;
        this.umapRunning = false;
        this.show({ projection: neighbourProjection(aligned, codes, latentDim), codes, latentDim, globalStep, jump: previous === null });
        this.reportStatus(this.status(null, null));
        if (this.latestSnapshot && this.latestSnapshot.globalStep !== globalStep) this.startUmap();
      })
      .catch((error: unknown) => {
        this.umapRunning = false;
        this.reportError(`The UMAP projection failed: ${error instanceof Error ? error.message : String(error)}`);
      });
  }

  private show(update: MapUpdate): void {
    this.current = update;
    this.index = null;
    this.publish(update);
  }

  /** Index of the data point nearest to a map position (any distance), or -1 without a map. */
  nearestPoint(x: number, y: number): number {
    if (!this.current) return -1;
    this.index ??= new PointIndex(this.current.projection.points, this.current.projection.points.length / 2);
    return this.index.nearest(mapPoint(x, y), Infinity);
  }

  /**
   * The latent code at a map position. Hidden dimensions (PCA) come from `sourceIndex` when the
   * probe was picked up from a data point, else from the data point nearest to the position.
   */
  codeAt(x: number, y: number, sourceIndex: number): LatentCode | null {
    const current = this.current;
    if (!current || !Number.isFinite(x) || !Number.isFinite(y)) return null;
    const { latentDim, codes, projection } = current;
    let anchor: Float32Array | null = null;
    if (projection.kind === 'pca') {
      const anchorIndex = sourceIndex >= 0 ? sourceIndex : this.nearestPoint(x, y);
      if (anchorIndex >= 0 && (anchorIndex + 1) * latentDim <= codes.length) anchor = codes.subarray(anchorIndex * latentDim, (anchorIndex + 1) * latentDim);
    }
    return asLatentCode(projection.invert(x, y, anchor), this.modelLatentDim ?? latentDim);
  }

  /** The latent size of the codes this builder hands out, or null before the first model. */
  get latentDim(): number | null {
    return this.modelLatentDim ?? this.current?.latentDim ?? null;
  }

  /** Where a code lands on the current map, or null before there is a map. */
  projectCode(code: Float32Array): [number, number] | null {
    return this.current ? this.current.projection.project(code) : null;
  }

  get axisNames(): readonly [string, string] {
    return this.current?.projection.axisNames ?? ['z₁', 'z₂'];
  }

  dispose(): void {
    this.client?.dispose();
  }
}
