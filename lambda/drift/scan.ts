/**
 * One window's scan of capture lines into bounded accumulators. Pure (no AWS): the handler feeds it the chunks of
 * the capture objects it streams from S3, tests and the benchmark feed it strings or file streams.
 *
 * Speed: a canonical SageMaker line with a CSV input is read in place (fast-line.ts), its cells parsed where they
 * are, with no JSON.parse, no split and no object per line; every other line goes through the general parser
 * (lambda/shared/capture.ts). Both paths count and accumulate the same (test/lambda/drift/scan.test.ts).
 */
import { StringDecoder } from 'string_decoder';
import { CapturePayload, decodePayload, FeatureLocation, parseCaptureLine, payloadRows } from '../shared/capture';
import { BaselineProfile, toCategory, toNumber } from '../shared/profile';
import { isLoadTestInference, LOAD_TEST_INFERENCE_ID_PREFIX } from '../shared/load-test-marker';
import { CLEAN_BREAKERS, LineFields, parsePlainDecimal, readCanonicalLine } from './fast-line';
import { PredictionSpec, predictionValues } from './prediction';
import { CategoricalAccumulator, NumericAccumulator, WindowAccumulator } from './window';

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
  /** Records whose output held no readable prediction (only with a prediction feature); their inputs are counted. */
  unreadOutputs: number;
  /** Records of load-test traffic (an inference id with the load-test prefix), skipped: synthetic traffic is not production's. */
  loadTest: number;
}

export interface ScannerOptions {
  /** Read canonical lines in place. Off only to check both paths agree. @default true */
  readonly fastPath?: boolean;
  /** The profile feature read from the captured output (prediction drift). @default - every feature is an input */
  readonly prediction?: PredictionSpec;
}

const COMMA = 0x2c;
const CR = 0x0d;

export class CaptureScanner {
  readonly accumulator: WindowAccumulator;
  readonly counters: ScanCounters = { lines: 0, records: 0, rows: 0, outsideWindow: 0, malformed: 0, malformedReasons: {}, unreadOutputs: 0,
    loadTest: 0 };
  /** The input features (all but the prediction) and, for each, its accumulator's position. */
  private readonly locations: FeatureLocation[];
  private readonly inputSlots: number[];
  private readonly prediction?: PredictionSpec;
  private readonly predictionAccumulator?: NumericAccumulator | CategoricalAccumulator;
  /** CSV columns a row must have. */
  private readonly width: number;
  /** Per CSV column, the feature accumulator it feeds, or undefined. */
  private readonly byColumn: Array<NumericAccumulator | CategoricalAccumulator | undefined>;
  /** Per CSV column, whether that feature is numeric. */
  private readonly numericColumn: Uint8Array;
  /** Offsets of the first `width` cell ends of the current CSV row. */
  private readonly cellEnds: Int32Array;
  private readonly fields = new LineFields();
  private readonly fast: boolean;
  private carry = '';
  /** The text whose next backslash or control character is at `breaker` (at or after `breakerFrom`; -1 for none). */
  private breakerText = '';
  private breakerFrom = 0;
  private breaker = -1;
  private readonly breakers = new RegExp(CLEAN_BREAKERS.source, 'g');
  /** The text whose next load-test marker is at `marker` (at or after `markerFrom`; -1 for none). */
  private markerText = '';
  private markerFrom = 0;
  private marker = -1;
  /** Inference times 'yyyy-mm-ddThh:mm:' seen last, and its epoch milliseconds. */
  private minutePrefix = '';
  private minuteMs = NaN;

  constructor(readonly profile: BaselineProfile, readonly startMs: number, readonly endMs: number, options: ScannerOptions = {}) {
    this.accumulator = new WindowAccumulator(profile);
    const predictionAt = options.prediction ? profile.features.findIndex((f) => f.name === options.prediction!.name) : -1;
    if (options.prediction && predictionAt < 0) throw new Error(`the prediction feature '${options.prediction.name}' is not in the baseline profile`);
    this.prediction = options.prediction;
    this.predictionAccumulator = predictionAt >= 0 ? this.accumulator.accumulators[predictionAt] : undefined;
    this.inputSlots = profile.features.map((_, i) => i).filter((i) => i !== predictionAt);
    this.locations = this.inputSlots.map((i) => ({ name: profile.features[i].name, index: profile.features[i].index }));
    this.width = this.locations.reduce((m, f) => Math.max(m, f.index + 1), 0);
    this.byColumn = new Array(this.width).fill(undefined);
    this.numericColumn = new Uint8Array(this.width);
    let distinct = true;
    profile.features.forEach((f, i) => {
      if (i === predictionAt) return;
      if (this.byColumn[f.index] !== undefined) distinct = false;
      this.byColumn[f.index] = this.accumulator.accumulators[i];
      this.numericColumn[f.index] = f.type === 'numeric' ? 1 : 0;
    });
    this.cellEnds = new Int32Array(this.width);
    // Two features on one column (a hand-written profile) are left to the general path.
    this.fast = options.fastPath !== false && distinct && this.width > 0;
  }

  /** Adds one capture line. */
  addLine(line: string): void {
    // A raw newline inside a line (never in a split stream) is for the general path to reject.
    if (line.includes('\n')) this.addGeneral(line);
    else this.addRange(line, 0, line.length);
  }

  /**
   * Adds the next chunk of an object's text; lines may span chunks. Lines end at \n, \r\n or a lone \r (as
   * readline reads them). Call `endText()` at the end of each object.
   */
  addText(chunk: string): void {
    const text = this.carry === '' ? chunk : this.carry + chunk;
    let start = 0;
    const hasCr = text.indexOf('\r') >= 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      if (hasCr) this.addCrRange(text, start, nl);
      else this.addRange(text, start, nl);
      start = nl + 1;
    }
    this.carry = start === 0 ? text : text.slice(start);
  }

  /** Ends the current object: its last line needs no newline. */
  endText(): void {
    const rest = this.carry;
    this.carry = '';
    if (rest !== '') this.addCrRange(rest, 0, rest.length);
  }

  /** Reads a whole object from a byte (or string) stream, chunk by chunk: memory holds a chunk, not the object. */
  async addStream(body: AsyncIterable<Buffer | Uint8Array | string>): Promise<void> {
    const decoder = new StringDecoder('utf8');
    for await (const chunk of body) {
      this.addText(typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer));
    }
    this.addText(decoder.end());
    this.endText();
  }

  /** A line range that may hold carriage returns: \r\n ends a line once, a lone \r ends one too. */
  private addCrRange(text: string, start: number, end: number): void {
    let s = start;
    for (let i = start; i < end; i++) {
      if (text.charCodeAt(i) === CR) {
        this.addRange(text, s, i);
        s = i + 1;
      }
    }
    // A final \r of the object (end of text) is a line break too; an empty range adds nothing.
    this.addRange(text, s, end);
  }

  private addRange(text: string, start: number, end: number): void {
    if (start >= end) return;
    // A line that may be load-test traffic goes to the general path, which reads its inference id.
    if (this.fast && !this.mayBeLoadTest(text, start, end) && this.addCanonical(text, start, end)) return;
    this.addGeneral(start === 0 && end === text.length ? text : text.slice(start, end));
  }

  /** The fast path: true when the line was read here (counted and accumulated), false to hand it to addGeneral. */
  private addCanonical(text: string, start: number, end: number): boolean {
    const f = this.fields;
    if (!this.isClean(text, start, end) || !readCanonicalLine(text, start, end, f) || f.time < 0 || f.inData < 0) return false;
    const time = this.timeOf(text, f.time, f.timeEnd);
    if (Number.isNaN(time)) return false;
    if (time < this.startMs || time >= this.endMs) {
      this.counters.lines++;
      this.counters.outsideWindow++;
      return true;
    }
    const output = () => (f.outData < 0 && f.outEncoding < 0 && f.outType < 0 ? undefined : {
      data: f.outData < 0 ? undefined : text.slice(f.outData, f.outDataEnd),
      encoding: f.outEncoding < 0 ? undefined : text.slice(f.outEncoding, f.outEncodingEnd),
      observedContentType: f.outType < 0 ? undefined : text.slice(f.outType, f.outTypeEnd),
    });
    if (f.inEncodingEnd - f.inEncoding === 3 && text.startsWith('CSV', f.inEncoding)) {
      if (!this.csvRow(text, f.inData, f.inDataEnd)) return false;
      this.counters.lines++;
      this.counters.records++;
      this.counters.rows++;
      if (this.prediction) this.addPrediction(output());
      return true;
    }
    // JSON or base64 payloads: the envelope was read here, the payload by the general reader.
    this.counters.lines++;
    this.addPayload({
      data: text.slice(f.inData, f.inDataEnd),
      encoding: f.inEncoding < 0 ? undefined : text.slice(f.inEncoding, f.inEncodingEnd),
      observedContentType: f.inType < 0 ? undefined : text.slice(f.inType, f.inTypeEnd),
    }, this.prediction ? output() : undefined);
    return true;
  }

  /** Whether text[start, end) holds the load-test inference-id prefix; each text is searched once, front to back. */
  private mayBeLoadTest(text: string, start: number, end: number): boolean {
    if (text !== this.markerText || start < this.markerFrom || (this.marker >= 0 && this.marker < start)) {
      this.markerText = text;
      this.markerFrom = start;
      this.marker = text.indexOf(LOAD_TEST_INFERENCE_ID_PREFIX, start);
    }
    return this.marker >= 0 && this.marker < end;
  }

  /** Whether text[start, end) holds no backslash and no control character; each text is searched once, front to back. */
  private isClean(text: string, start: number, end: number): boolean {
    if (text !== this.breakerText || start < this.breakerFrom || (this.breaker >= 0 && this.breaker < start)) {
      this.breakerText = text;
      this.breakerFrom = start;
      this.breakers.lastIndex = start;
      const m = this.breakers.exec(text);
      this.breaker = m ? m.index : -1;
    }
    return this.breaker < 0 || this.breaker >= end;
  }

  /**
   * Date.parse of text[start, end), with the minute 'yyyy-mm-ddThh:mm:' of the last time remembered: a time in the
   * same minute written ss, ss.f... or ss.fff...Z (what SageMaker writes) is read by hand, as Date.parse reads it
   * (milliseconds from the first three fraction digits, seconds 00-59). Anything else goes to Date.parse.
   */
  private timeOf(text: string, start: number, end: number): number {
    const len = end - start;
    if (len >= 20 && this.minutePrefix !== '' && text.startsWith(this.minutePrefix, start) && text.charCodeAt(end - 1) === 0x5a /* Z */) {
      const s1 = text.charCodeAt(start + 17) - 0x30;
      const s2 = text.charCodeAt(start + 18) - 0x30;
      if (s1 >= 0 && s1 <= 5 && s2 >= 0 && s2 <= 9) {
        const seconds = s1 * 10 + s2;
        if (len === 20) return this.minuteMs + seconds * 1000;
        if (text.charCodeAt(start + 19) === 0x2e /* . */ && len >= 22 && len <= 30) {
          let ms = 0;
          let ok = true;
          for (let i = start + 20, k = 0; i < end - 1; i++, k++) {
            const d = text.charCodeAt(i) - 0x30;
            if (d < 0 || d > 9) {
              ok = false;
              break;
            }
            if (k < 3) ms += d * (k === 0 ? 100 : k === 1 ? 10 : 1);
          }
          if (ok) return this.minuteMs + seconds * 1000 + ms;
        }
      }
    }
    const s = text.slice(start, end);
    const t = Date.parse(s);
    // Remember the minute of a plain UTC time (hours 00-23: Date.parse reads 24:00:00 but no other second of hour 24).
    if (!Number.isNaN(t) && len >= 20 && /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:/.test(s)) {
      const prefix = s.slice(0, 17);
      const base = Date.parse(prefix + '00Z');
      if (!Number.isNaN(base)) {
        this.minutePrefix = prefix;
        this.minuteMs = base;
      }
    }
    return t;
  }

  /**
   * Accumulates the one-line CSV row text[start, end) (no quote, no newline: the fast reader guarantees both) if it
   * has enough columns; false (nothing accumulated) when the general path must read it.
   */
  private csvRow(text: string, start: number, end: number): boolean {
    const first = text.charCodeAt(start);
    const last = text.charCodeAt(end - 1);
    // Leading or trailing blanks (a blank row is "empty"): the general path decides.
    if (start >= end || first <= 0x20 || first >= 0x80 || last <= 0x20 || last >= 0x80) return false;
    const width = this.width;
    const ends = this.cellEnds;
    let col = 0;
    for (let i = start; i < end && col < width; i++) {
      if (text.charCodeAt(i) === COMMA) ends[col++] = i;
    }
    if (col < width) {
      if (col < width - 1) return false;
      ends[col] = end;
    }
    let cellStart = start;
    for (let c = 0; c < width; c++) {
      const cellEnd = ends[c];
      const acc = this.byColumn[c];
      if (acc !== undefined) {
        if (this.numericColumn[c] === 1) this.numericCell(acc as NumericAccumulator, text, cellStart, cellEnd);
        else this.categoricalCell(acc as CategoricalAccumulator, text, cellStart, cellEnd);
      }
      cellStart = cellEnd + 1;
    }
    return true;
  }

  private numericCell(acc: NumericAccumulator, text: string, start: number, end: number): void {
    let x = start < end ? parsePlainDecimal(text, start, end) : NaN;
    if (Number.isNaN(x)) x = toNumber(text.slice(start, end)) ?? NaN;
    if (Number.isFinite(x)) acc.addValue(x, 1);
    else acc.addMissing();
  }

  private categoricalCell(acc: CategoricalAccumulator, text: string, start: number, end: number): void {
    if (start >= end) return acc.addMissing();
    const cell = text.slice(start, end);
    const a = text.charCodeAt(start);
    const b = text.charCodeAt(end - 1);
    // A cell that toCategory would change (blanks, a missing marker, a number) starts or ends with one of these.
    const general = a <= 0x20 || a >= 0x80 || b <= 0x20 || b >= 0x80 || (a >= 0x30 && a <= 0x39) || a === 0x2b || a === 0x2d || a === 0x2e
      || a === 0x23 || a === 0x3c || a === 0x4e || a === 0x6e;
    const c = general ? toCategory(cell) : cell;
    if (c === undefined) acc.addMissing();
    else acc.addCategory(c, 1);
  }

  /** The general path: any line, JSON.parse'd. */
  private addGeneral(line: string): void {
    if (line.trim() === '') return;
    this.counters.lines++;
    const parsed = parseCaptureLine(line);
    if (!parsed.ok) return this.malformed(parsed.reason);
    const record = parsed.value;
    if (isLoadTestInference(record.inferenceId)) {
      this.counters.loadTest++;
      return;
    }
    if (Number.isNaN(record.inferenceTime)) return this.malformed('no inferenceTime');
    if (record.inferenceTime < this.startMs || record.inferenceTime >= this.endMs) {
      this.counters.outsideWindow++;
      return;
    }
    if (!record.input) return this.malformed('no endpointInput');
    this.addPayload(record.input, record.output);
  }

  /** Decodes an input payload and accumulates its rows, then the prediction of its output (the line is already counted). */
  private addPayload(input: CapturePayload, output?: CapturePayload): void {
    const payload = decodePayload(input);
    if (!payload.ok) return this.malformed(payload.reason);
    const rows = payloadRows(payload.value, this.locations);
    if (!rows.ok) return this.malformed(rows.reason);
    this.counters.records++;
    const accs = this.accumulator.accumulators;
    const slots = this.inputSlots;
    for (const row of rows.value) {
      for (let k = 0; k < slots.length; k++) accs[slots[k]].add(row[k]);
      this.counters.rows++;
    }
    if (this.prediction) this.addPrediction(output);
  }

  /** Accumulates the predictions of a record's output; an output without one is counted, never fatal. */
  private addPrediction(output: CapturePayload | undefined): void {
    const decoded = output ? decodePayload(output) : undefined;
    const values = decoded?.ok ? predictionValues(decoded.value, this.prediction!) : undefined;
    if (!values?.ok) {
      this.counters.unreadOutputs++;
      return;
    }
    for (const v of values.value) this.predictionAccumulator!.add(v);
  }

  private malformed(why: string): void {
    const c = this.counters;
    const reason = why.length > 100 ? why.slice(0, 100) + '...' : why;
    c.malformed++;
    const key = reason in c.malformedReasons || Object.keys(c.malformedReasons).length < MAX_REASONS ? reason : 'other';
    c.malformedReasons[key] = (c.malformedReasons[key] ?? 0) + 1;
  }
}
