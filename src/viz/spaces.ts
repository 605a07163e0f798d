// The two 2-D coordinate spaces the map deals in, as distinct types: mixing a map coordinate with a
// screen position is the classic bug of zoomable plots, so the compiler refuses it. Only a MapView
// converts between them.

declare const space: unique symbol;

/**
 * A position on the 2-D map, in map units: the latent code itself when the latent space is 2-D,
 * otherwise its projection (PCA, UMAP). y grows upwards.
 */
export type MapPoint = { readonly x: number; readonly y: number; readonly [space]: 'map' };

/** A position in CSS pixels from the map element's top-left corner; y grows downwards. */
export type ScreenPoint = { readonly x: number; readonly y: number; readonly [space]: 'screen' };

export function mapPoint(x: number, y: number): MapPoint {
  return { x, y } as MapPoint;
}

export function screenPoint(x: number, y: number): ScreenPoint {
  return { x, y } as ScreenPoint;
}
