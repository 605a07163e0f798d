// How `count` square image tiles fit across a given width: whole device pixels, so decoded images
// stay crisp at any pixel ratio. Shared by the manifold grid and the interpolation strip.

export interface TileRow {
  count: number;
  /** Tile side, device pixels. */
  tile: number;
  /** Space between tiles, device pixels. */
  gap: number;
  /** Tiles and gaps together, device pixels. */
  extent: number;
}

export function tileRow(count: number, cssWidth: number, cssGap: number, pixelRatio: number): TileRow {
  const gap = Math.max(1, Math.round(cssGap * pixelRatio));
  const tile = Math.floor((cssWidth * pixelRatio - (count - 1) * gap) / count);
  return { count, tile, gap, extent: count * tile + (count - 1) * gap };
}
