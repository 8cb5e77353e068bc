/**
 * Time helpers for keys and windows. Pure.
 */

/** Compact UTC stamp for keys: 2026-11-23T09:00:00.000Z -> 20261123T0900Z. */
export function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\d\d\.\d{3}Z$/, 'Z');
}
