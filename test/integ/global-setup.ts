/**
 * Starts moto once for the integration suite, before jest creates the test environments: the handlers run as
 * bundled modules outside jest's sandbox and read the real process.env, which only a global setup can set.
 */
import { startMoto } from './moto';

export default async function globalSetup(): Promise<void> {
  (globalThis as any).__MOTO__ = await startMoto();
}
