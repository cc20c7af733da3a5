/**
 * Forgets every row cached by a set of DataLoaders, so a long-lived subscription context
 * resolves each event afresh.
 */
export function clearLoaders(loaders: object): void {
  for (const loader of Object.values(loaders) as { clearAll(): unknown }[]) {
    loader.clearAll();
  }
}
