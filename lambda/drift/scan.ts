/**
 * One window's scan of capture lines into bounded accumulators. Pure (no AWS): the handler feeds it lines
 * streamed from S3, tests and the benchmark feed it strings.
 */
import { decodePayload, FeatureLocation, parseCaptureLine, payloadRows } from '../shared/capture';
import { BaselineProfile } from '../shared/profile';
import { WindowAccumulator } from './window';

/** At most this many distinct malformed-line reasons are kept (the counts stay exact). */
const MAX_REASONS = 20;

export interface ScanCounters {
  /** Non-empty lines read. */
  lines: number;
  /** Lines inside the window whose input was read. */
  records: number;
  /** Feature rows accumulated (a record may carry several, e.g. a CSV batch). */
  rows: number;
  /** Lines skipped because their inferenceTime is outside the window. */
  outsideWindow: number;
  /** Lines that could not be read: not JSON, no input, undecodable payload, too few columns, no time. */
  malformed: number;
  malformedReasons: Record<string, number>;
}

export class CaptureScanner {
  readonly accumulator: WindowAccumulator;
  readonly counters: ScanCounters = { lines: 0, records: 0, rows: 0, outsideWindow: 0, malformed: 0, malformedReasons: {} };
  private readonly locations: FeatureLocation[];

  constructor(readonly profile: BaselineProfile, readonly startMs: number, readonly endMs: number) {
    this.accumulator = new WindowAccumulator(profile);
    this.locations = profile.features.map((f) => ({ name: f.name, index: f.index }));
  }

  addLine(line: string): void {
    if (line.trim() === '') return;
    this.counters.lines++;
    const parsed = parseCaptureLine(line);
    if (!parsed.ok) return this.malformed(parsed.reason);
    const record = parsed.value;
    if (Number.isNaN(record.inferenceTime)) return this.malformed('no inferenceTime');
    if (record.inferenceTime < this.startMs || record.inferenceTime >= this.endMs) {
      this.counters.outsideWindow++;
      return;
    }
    if (!record.input) return this.malformed('no endpointInput');
    const payload = decodePayload(record.input);
    if (!payload.ok) return this.malformed(payload.reason);
    const rows = payloadRows(payload.value, this.locations);
    if (!rows.ok) return this.malformed(rows.reason);
    this.counters.records++;
    for (const row of rows.value) {
      this.accumulator.addRow(row);
      this.counters.rows++;
    }
  }

  private malformed(why: string): void {
    const c = this.counters;
    const reason = why.length > 100 ? why.slice(0, 100) + '...' : why;
    c.malformed++;
    const key = reason in c.malformedReasons || Object.keys(c.malformedReasons).length < MAX_REASONS ? reason : 'other';
    c.malformedReasons[key] = (c.malformedReasons[key] ?? 0) + 1;
  }
}
