/**
 * Process-wide services (decoder pools, synthesis workers) shared by every
 * session register here, so a program can release them all on exit.
 */
const closers = new Map<string, () => Promise<void>>();

/** Returns the service called `name`, creating it on first use. */
export function sharedService<T extends { close(): Promise<void> }>(
  name: string,
  create: () => T,
): T {
  const existing = services.get(name) as T | undefined;
  if (existing) return existing;
  const service = create();
  services.set(name, service);
  closers.set(name, () => service.close());
  return service;
}

const services = new Map<string, unknown>();

/** Closes every shared service (workers, child processes) so the process can exit. */
export async function closeSharedServices(): Promise<void> {
  const all = [...closers.values()];
  closers.clear();
  services.clear();
  await Promise.allSettled(all.map((close) => close()));
}
