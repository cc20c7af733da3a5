/**
 * DataLoader options every per-request loader shares. Batching and caching are on; turning
 * them off (DATALOADER=off) exists only to measure what they save: each field then costs its
 * own round trip, the N+1 pattern the loaders are there to prevent.
 */
export interface LoaderTuning {
  batch?: boolean;
  cache?: boolean;
}

export function loaderTuning(enabled: boolean): LoaderTuning {
  return enabled ? {} : { batch: false, cache: false };
}
