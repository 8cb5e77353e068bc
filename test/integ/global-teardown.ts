/** Stops the moto server that global-setup.ts started. */
import type { Moto } from './moto';

export default async function globalTeardown(): Promise<void> {
  await ((globalThis as any).__MOTO__ as Moto | undefined)?.stop();
}
