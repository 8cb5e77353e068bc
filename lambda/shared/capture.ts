/**
 * SageMaker data capture files: JSON lines, one inference per line:
 *
 *   {"captureData": {"endpointInput":  {"observedContentType": "text/csv", "mode": "INPUT",  "data": "...", "encoding": "CSV"},
 *                    "endpointOutput": {"observedContentType": "text/csv", "mode": "OUTPUT", "data": "...", "encoding": "CSV"}},
 *    "eventMetadata": {"eventId": "...", "inferenceId": "...", "inferenceTime": "2026-11-23T09:37:26Z"},
 *    "eventVersion": "0"}
 *
 * `encoding` is CSV or JSON when the content type was declared in CaptureContentTypeHeader, else BASE64 (the
 * payload is then decoded and read by its observedContentType). Objects live under
 * <prefix>/<endpoint>/<variant>/yyyy/mm/dd/hh/<file>.jsonl. Pure parsing: nothing here throws on bad input.
 */
import { FeatureValue } from './profile';

export interface CapturePayload {
  readonly observedContentType?: string;
  readonly mode?: string;
  readonly data?: string;
  readonly encoding?: string;
}

export interface CaptureRecord {
  readonly input?: CapturePayload;
  readonly output?: CapturePayload;
  readonly eventId?: string;
  readonly inferenceId?: string;
  /** Epoch milliseconds of eventMetadata.inferenceTime; NaN when absent or unparseable. */
  readonly inferenceTime: number;
}

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/** Parses one capture line. */
export function parseCaptureLine(line: string): ParseResult<CaptureRecord> {
  let doc: any;
  try {
    doc = JSON.parse(line);
  } catch {
    return fail('not JSON');
  }
  if (doc === null || typeof doc !== 'object' || doc.captureData === null || typeof doc.captureData !== 'object') {
    return fail('no captureData');
  }
  const meta = doc.eventMetadata && typeof doc.eventMetadata === 'object' ? doc.eventMetadata : {};
  const time = typeof meta.inferenceTime === 'string' ? Date.parse(meta.inferenceTime) : NaN;
  return {
    ok: true,
    value: {
      input: asPayload(doc.captureData.endpointInput),
      output: asPayload(doc.captureData.endpointOutput),
      eventId: typeof meta.eventId === 'string' ? meta.eventId : undefined,
      inferenceId: typeof meta.inferenceId === 'string' ? meta.inferenceId : undefined,
      inferenceTime: time,
    },
  };
}

function asPayload(p: unknown): CapturePayload | undefined {
  return p !== null && typeof p === 'object' ? (p as CapturePayload) : undefined;
}

export type PayloadFormat = 'csv' | 'json';

/** The text and format of a captured payload (base64 decoded; format from `encoding`, else the content type). */
export function decodePayload(p: CapturePayload): ParseResult<{ format: PayloadFormat; text: string }> {
  if (typeof p.data !== 'string') {
    return fail('payload has no data');
  }
  const encoding = String(p.encoding ?? '').toUpperCase();
  const type = String(p.observedContentType ?? '').toLowerCase();
  const byType: PayloadFormat | undefined = type.includes('csv') ? 'csv' : type.includes('json') ? 'json' : undefined;
  if (encoding === 'CSV') return { ok: true, value: { format: 'csv', text: p.data } };
  if (encoding === 'JSON') return { ok: true, value: { format: 'json', text: p.data } };
  if (encoding === 'BASE64') {
    if (!byType) return fail(`base64 payload of unsupported content type '${type}'`);
    return { ok: true, value: { format: byType, text: Buffer.from(p.data, 'base64').toString('utf-8') } };
  }
  return fail(`unsupported encoding '${encoding}'`);
}

/** Splits one CSV line into cells (RFC 4180 quoting: "a,b" and "" inside quotes). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) {
    return line.split(',');
  }
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else {
      cell += ch;
    }
  }
  cells.push(cell);
  return cells;
}

/** Where a feature's value is found: its CSV column and, in JSON objects, its name. */
export interface FeatureLocation {
  readonly name: string;
  readonly index: number;
}

/**
 * The feature rows of a decoded payload, aligned with `features`. A payload may hold several records:
 * - CSV: one record per non-empty line, feature i at column features[i].index;
 * - JSON: an object keyed by feature name, an array of values (by column index), an array of such rows,
 *   or {"instances": [...]} / {"inputs": [...]} holding rows (the SageMaker JSON request shapes);
 *   JSON lines (one such document per line) too.
 * Fails when the payload cannot be read or a row is shorter than the highest declared column.
 */
export function payloadRows(payload: { format: PayloadFormat; text: string }, features: readonly FeatureLocation[]): ParseResult<FeatureValue[][]> {
  const width = features.reduce((m, f) => Math.max(m, f.index + 1), 0);
  const rows: FeatureValue[][] = [];
  if (payload.format === 'csv') {
    const lines = payload.text.includes('\n') ? payload.text.split(/\r?\n/) : [payload.text];
    for (const line of lines) {
      if (line.trim() === '') continue;
      const cells = splitCsvLine(line);
      if (cells.length < width) return fail(`CSV row has ${cells.length} columns, the schema needs ${width}`);
      rows.push(features.map((f) => cells[f.index]));
    }
    return rows.length > 0 ? { ok: true, value: rows } : fail('empty CSV payload');
  }
  const docs: unknown[] = [];
  try {
    docs.push(JSON.parse(payload.text));
  } catch {
    try {
      for (const line of payload.text.split(/\r?\n/)) {
        if (line.trim() !== '') docs.push(JSON.parse(line));
      }
    } catch {
      return fail('payload is not JSON');
    }
  }
  for (const doc of docs) {
    const problem = jsonRows(doc, features, width, rows);
    if (problem) return fail(problem);
  }
  return rows.length > 0 ? { ok: true, value: rows } : fail('empty JSON payload');
}

function jsonRows(doc: unknown, features: readonly FeatureLocation[], width: number, out: FeatureValue[][]): string | undefined {
  if (Array.isArray(doc)) {
    if (doc.length > 0 && doc.every((r) => Array.isArray(r) || (r !== null && typeof r === 'object'))) {
      for (const r of doc) {
        const problem = jsonRows(r, features, width, out);
        if (problem) return problem;
      }
      return undefined;
    }
    if (doc.length < width) return `JSON row has ${doc.length} values, the schema needs ${width}`;
    out.push(features.map((f) => scalar(doc[f.index])));
    return undefined;
  }
  if (doc !== null && typeof doc === 'object') {
    const o = doc as Record<string, unknown>;
    const nested = o.instances ?? o.inputs ?? o.features;
    if (Array.isArray(nested) && !features.some((f) => f.name in o)) {
      // {"features": [1, 2, 3]} is one row; {"instances": [[..], [..]]} many.
      return jsonRows(nested, features, width, out);
    }
    if (!features.some((f) => f.name in o)) return 'JSON object has none of the declared features';
    out.push(features.map((f) => scalar(o[f.name])));
    return undefined;
  }
  return 'JSON payload is neither an object nor an array';
}

function scalar(v: unknown): FeatureValue {
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : null;
}

/** Hour prefixes yyyy/mm/dd/hh (UTC) of every hour that overlaps [startMs, endMs). */
export function hourPrefixes(startMs: number, endMs: number): string[] {
  const out: string[] = [];
  const hour = 3600_000;
  for (let t = Math.floor(startMs / hour) * hour; t < endMs; t += hour) {
    const d = new Date(t);
    const p2 = (n: number) => String(n).padStart(2, '0');
    out.push(`${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())}/${p2(d.getUTCHours())}`);
  }
  return out;
}
