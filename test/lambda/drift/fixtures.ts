/** Builders of SageMaker data capture lines for the drift tests. */

export interface CaptureLineOptions {
  readonly inferenceTime: string;
  readonly eventId?: string;
  readonly inferenceId?: string;
  readonly encoding?: 'CSV' | 'JSON' | 'BASE64';
  readonly contentType?: string;
  readonly output?: string;
  readonly outputContentType?: string;
}

/** One capture line whose input is `input` (a CSV row or a JSON document as text). */
export function captureLine(input: string, o: CaptureLineOptions): string {
  const encoding = o.encoding ?? 'CSV';
  const contentType = o.contentType ?? (encoding === 'JSON' ? 'application/json' : 'text/csv');
  const data = encoding === 'BASE64' ? Buffer.from(input).toString('base64') : input;
  const outputType = o.outputContentType ?? 'text/csv; charset=utf-8';
  return JSON.stringify({
    captureData: {
      endpointInput: { observedContentType: contentType, mode: 'INPUT', data, encoding },
      endpointOutput: { observedContentType: outputType, mode: 'OUTPUT', data: o.output ?? '0.5', encoding: outputType.includes('json') ? 'JSON' : 'CSV' },
    },
    eventMetadata: { eventId: o.eventId ?? 'e-' + Math.abs(hash(input + o.inferenceTime)), ...(o.inferenceId ? { inferenceId: o.inferenceId } : {}), inferenceTime: o.inferenceTime },
    eventVersion: '0',
  });
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

/** A deterministic PRNG (mulberry32) and a standard normal from it. */
export function rng(seed: number): { next(): number; normal(): number } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()) };
}
