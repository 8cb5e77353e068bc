/**
 * A reader of canonical SageMaker capture lines that builds no object per line. Pure.
 *
 * SageMaker writes each inference as one compact JSON line with string values only:
 *   {"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"...","encoding":"CSV"},
 *    "endpointOutput":{...}},"eventMetadata":{"eventId":"...","inferenceTime":"..."},"eventVersion":"0"}
 * `readCanonicalLine` walks such a line once and records where the fields it needs are (offsets into the text),
 * in a `LineFields` the caller reuses. It accepts a line only when JSON.parse would read the same values from it:
 * no escape sequence, no control character, no other key or value type, nothing around the object. Any other line
 * (and every malformed one) is left to the general parser (lambda/shared/capture.ts), which gives the reasons.
 */

/** Offsets [start, end) of the fields of one line; -1 when absent. Reused from line to line. */
export class LineFields {
  inData = -1;
  inDataEnd = -1;
  inEncoding = -1;
  inEncodingEnd = -1;
  inType = -1;
  inTypeEnd = -1;
  outData = -1;
  outDataEnd = -1;
  outEncoding = -1;
  outEncodingEnd = -1;
  outType = -1;
  outTypeEnd = -1;
  time = -1;
  timeEnd = -1;

  resetInput(): void {
    this.inData = this.inDataEnd = this.inEncoding = this.inEncodingEnd = this.inType = this.inTypeEnd = -1;
  }

  resetOutput(): void {
    this.outData = this.outDataEnd = this.outEncoding = this.outEncodingEnd = this.outType = this.outTypeEnd = -1;
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN = 0x7b;
const CLOSE = 0x7d;

/**
 * Where the string starting at `pos` (a quote) ends: the offset of its closing quote, or -1. On a clean line (no
 * backslash, no control character: see readCanonicalLine) the closing quote is the next quote.
 */
function plainStringEnd(text: string, pos: number, end: number): number {
  if (text.charCodeAt(pos) !== QUOTE) return -1;
  const q = text.indexOf('"', pos + 1);
  return q < 0 || q >= end ? -1 : q;
}

function isKey(text: string, start: number, end: number, key: string): boolean {
  return end - start === key.length && text.startsWith(key, start);
}

/** Reads an object of string values at `pos` ('{'); calls `field` for each pair. Returns the offset after '}', or -1. */
function stringObject(text: string, pos: number, end: number, f: LineFields, which: number): number {
  if (text.charCodeAt(pos) !== OPEN) return -1;
  pos++;
  if (text.charCodeAt(pos) === CLOSE) return pos + 1;
  for (;;) {
    const keyEnd = plainStringEnd(text, pos, end);
    if (keyEnd < 0 || text.charCodeAt(keyEnd + 1) !== COLON) return -1;
    const valueStart = keyEnd + 2;
    const valueEnd = plainStringEnd(text, valueStart, end);
    if (valueEnd < 0) return -1;
    setField(text, pos + 1, keyEnd, valueStart + 1, valueEnd, f, which);
    pos = valueEnd + 1;
    const c = text.charCodeAt(pos);
    if (c === CLOSE) return pos + 1;
    if (c !== COMMA) return -1;
    pos++;
  }
}

const INPUT = 0;
const OUTPUT = 1;
const METADATA = 2;

function setField(text: string, k: number, kEnd: number, v: number, vEnd: number, f: LineFields, which: number): void {
  if (which === METADATA) {
    if (isKey(text, k, kEnd, 'inferenceTime')) {
      f.time = v;
      f.timeEnd = vEnd;
    }
    return;
  }
  // The last of duplicate keys wins, as in JSON.parse.
  if (isKey(text, k, kEnd, 'data')) {
    if (which === INPUT) { f.inData = v; f.inDataEnd = vEnd; } else { f.outData = v; f.outDataEnd = vEnd; }
  } else if (isKey(text, k, kEnd, 'encoding')) {
    if (which === INPUT) { f.inEncoding = v; f.inEncodingEnd = vEnd; } else { f.outEncoding = v; f.outEncodingEnd = vEnd; }
  } else if (isKey(text, k, kEnd, 'observedContentType')) {
    if (which === INPUT) { f.inType = v; f.inTypeEnd = vEnd; } else { f.outType = v; f.outTypeEnd = vEnd; }
  }
}

/**
 * Reads text[start, end) as a canonical capture line into `f`. The caller promises the line is clean: no backslash
 * (an escape changes the value JSON.parse reads) and no control character below U+0020 (JSON strings may not hold
 * one raw); it finds them once per chunk (`CLEAN_BREAKERS`). Returns false when the line is anything else (then `f` is
 * meaningless and the general parser must read the line). A true return guarantees a JSON object whose captureData
 * and eventMetadata are objects of strings, and that JSON.parse reads the offsets' values verbatim.
 */
export function readCanonicalLine(text: string, start: number, end: number, f: LineFields): boolean {
  f.resetInput();
  f.resetOutput();
  f.time = f.timeEnd = -1;
  let seenCapture = false;
  if (text.charCodeAt(start) !== OPEN || text.charCodeAt(end - 1) !== CLOSE) return false;
  let pos = start + 1;
  for (;;) {
    const keyEnd = plainStringEnd(text, pos, end);
    if (keyEnd < 0 || text.charCodeAt(keyEnd + 1) !== COLON) return false;
    const k = pos + 1;
    const valueStart = keyEnd + 2;
    if (isKey(text, k, keyEnd, 'captureData')) {
      f.resetInput();
      f.resetOutput();
      seenCapture = true;
      pos = captureData(text, valueStart, end, f);
    } else if (isKey(text, k, keyEnd, 'eventMetadata')) {
      f.time = f.timeEnd = -1;
      pos = stringObject(text, valueStart, end, f, METADATA);
    } else if (isKey(text, k, keyEnd, 'eventVersion')) {
      const e = plainStringEnd(text, valueStart, end);
      pos = e < 0 ? -1 : e + 1;
    } else {
      return false;
    }
    if (pos < 0) return false;
    const c = text.charCodeAt(pos);
    if (c === CLOSE) return pos + 1 === end && seenCapture;
    if (c !== COMMA) return false;
    pos++;
  }
}

function captureData(text: string, pos: number, end: number, f: LineFields): number {
  if (text.charCodeAt(pos) !== OPEN) return -1;
  pos++;
  if (text.charCodeAt(pos) === CLOSE) return pos + 1;
  for (;;) {
    const keyEnd = plainStringEnd(text, pos, end);
    if (keyEnd < 0 || text.charCodeAt(keyEnd + 1) !== COLON) return -1;
    const k = pos + 1;
    if (isKey(text, k, keyEnd, 'endpointInput')) {
      f.resetInput();
      pos = stringObject(text, keyEnd + 2, end, f, INPUT);
    } else if (isKey(text, k, keyEnd, 'endpointOutput')) {
      f.resetOutput();
      pos = stringObject(text, keyEnd + 2, end, f, OUTPUT);
    } else {
      return -1;
    }
    if (pos < 0) return -1;
    const c = text.charCodeAt(pos);
    if (c === CLOSE) return pos + 1;
    if (c !== COMMA) return -1;
    pos++;
  }
}

/** What makes a line unclean for readCanonicalLine: a backslash or a control character (newlines end lines). */
export const CLEAN_BREAKERS = /[\\\u0000-\u0009\u000b-\u001f]/g;

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * The number a plain decimal cell text[start, end) denotes ([+-]digits[.digits], at most 15 digits), exactly as
 * Number() reads it: the digits are an exact integer below 2^53 and 10^k is exact, so one division rounds
 * correctly (Clinger's fast path). NaN when the cell is anything else: the caller then asks Number().
 */
export function parsePlainDecimal(text: string, start: number, end: number): number {
  let i = start;
  let negative = false;
  let c = text.charCodeAt(i);
  if (c === 0x2d || c === 0x2b) {
    negative = c === 0x2d;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      mantissa = mantissa * 10 + (c - 0x30);
      digits++;
    } else if (c === 0x2e && fraction < 0) {
      fraction = 0;
      continue;
    } else {
      return NaN;
    }
    if (fraction >= 0) fraction++;
  }
  if (digits === 0 || digits > 15) return NaN;
  const x = fraction > 0 ? mantissa / POW10[fraction] : mantissa;
  return negative ? -x : x;
}
