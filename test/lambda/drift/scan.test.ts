import { Readable } from 'stream';
import { resolvePolicy } from '../../../lambda/drift/decide';
import { CLEAN_BREAKERS, LineFields, parsePlainDecimal, readCanonicalLine } from '../../../lambda/drift/fast-line';
import { CaptureScanner } from '../../../lambda/drift/scan';
import { buildProfile } from '../../../lambda/shared/profile';
import { captureLine, rng } from './fixtures';

const profile = buildProfile(
  Array.from({ length: 400 }, (_, i) => [i % 37, ['a', 'b', 'c', 'd'][i % 4], (i * 7) % 11]),
  [{ name: 'x', type: 'numeric' }, { name: 'c', type: 'categorical', index: 2 }, { name: 'y', type: 'numeric', index: 1 }],
);
const start = Date.parse('2026-11-23T09:00:00Z');
const end = Date.parse('2026-11-23T10:00:00Z');
const T = '2026-11-23T09:30:00Z';
const policy = resolvePolicy({ minCount: 1 });

/** Everything a scanner ends with: its counters and the window's statistics. */
function outcome(s: CaptureScanner) {
  return { counters: s.counters, summary: s.accumulator.summarize(policy) };
}

function bothPaths(lines: string[]) {
  const fast = new CaptureScanner(profile, start, end);
  const general = new CaptureScanner(profile, start, end, { fastPath: false });
  for (const l of lines) {
    fast.addLine(l);
    general.addLine(l);
  }
  return { fast: outcome(fast), general: outcome(general) };
}

const cells = ['1.5', '-0', '+3', '.5', '5.', '.', '-', '1e3', ' 2', '2 ', '0x10', 'Infinity', 'NaN', '', '007', '123456789012345',
  '1234567890123456', '12345678901234567890', '0.1000000000000000055511151231257827', '9007199254740993', '1_0', 'a', ' a', 'b ', '\u00a0b', 'é',
  'None', 'null', 'NaN', 'nan', 'N/A', '<NA>', '#N/A', '-nan', '1.0', '01', '+1', '1e0', 'New York', 'nope', '#1', '<b>'];
const times = ['2026-11-23T09:30:00Z', '2026-11-23T09:30:00.5Z', '2026-11-23T09:30:59.999Z', '2026-11-23T09:30:59.9999999Z',
  '2026-11-23T09:30:60Z', '2026-11-23T09:30:00.Z', '2026-11-23T09:30:00,5Z', '2026-11-23T09:30:00+00:00', '2026-11-23T10:00:00Z',
  '2026-11-23T08:59:59.999Z', '2026-11-23T24:00:00Z', '2026-11-23T09:3a:00Z', '2026-11-23T09:30:0aZ', 'yesterday', '2026-11-23T09:30:05.12Z'];

function generatedLines(seed: number, n: number): string[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r.next() * xs.length)];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const width = 3 + Math.floor(r.next() * 2) - (r.next() < 0.05 ? 2 : 0);
    const row = Array.from({ length: width }, () => pick(cells)).join(',');
    const u = r.next();
    if (u < 0.6) out.push(captureLine(row, { inferenceTime: pick(times) }));
    else if (u < 0.7) out.push(captureLine(row, { inferenceTime: pick(times), encoding: 'BASE64' }));
    else if (u < 0.8) out.push(captureLine(JSON.stringify({ x: pick(cells), y: pick(cells), c: pick(cells) }), { inferenceTime: pick(times), encoding: 'JSON' }));
    else {
      // A canonical line, then damaged: any character anywhere replaced by one that matters to a JSON reader.
      const chars = captureLine(row, { inferenceTime: pick(times) }).split('');
      chars[Math.floor(r.next() * chars.length)] = pick(['{', '}', '[', ']', '"', ',', ':', '\\', '\t', '\u0001', ' ', '0', 'Z', '.', '\n']);
      out.push(chars.join(''));
    }
  }
  return out;
}

describe('the fast path reads lines as the general path does', () => {
  test('on generated lines with every kind of cell, time and damage', () => {
    const lines = generatedLines(11, 3000);
    const { fast, general } = bothPaths(lines);
    expect(fast).toEqual(general);
    // The lines did exercise the statistics, the window bounds and the malformed counts.
    expect(fast.counters.records).toBeGreaterThan(1000);
    expect(fast.counters.outsideWindow).toBeGreaterThan(100);
    expect(fast.counters.malformed).toBeGreaterThan(100);
  });

  test('on lines SageMaker never writes but JSON allows: reordered or extra keys, blanks, escapes, duplicates', () => {
    const lines = [
      '{"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"},"captureData":{"endpointInput":{"encoding":"CSV","data":"1,2,a"}}}',
      ' {"captureData":{"endpointInput":{"data":"1,2,a","encoding":"CSV"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}}',
      '{"captureData": {"endpointInput":{"data":"1,2,a","encoding":"CSV"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}}',
      '{"captureData":{"endpointInput":{"data":"1,2,a","encoding":"CSV","data":"3,4,b"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}}',
      '{"captureData":{"endpointInput":{"data":"1,2,a","encoding":"CSV"}},"captureData":{},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}}',
      '{"captureData":{"endpointInput":{"data":"1,2,\\u0061","encoding":"CSV"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}}',
      '{"captureData":{"endpointInput":{"data":"1,2,\\"a\\"","encoding":"CSV"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}}',
      '{"captureData":{"endpointInput":{"data":"1,2,a","encoding":"csv"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}}',
      '{"captureData":{"endpointInput":{"data":"1,2,a","encoding":"CSV","mode":1}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}}',
      '{"captureData":{"endpointInput":{"data":"1,2,a","encoding":"CSV"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z","customAttributes":"x"}}',
      '{"captureData":{"endpointInput":{"data":"1,2,a\\n3,4,b","encoding":"CSV"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}}',
      '{"captureData":{"endpointInput":{"data":"1,2,a","encoding":"CSV"},"endpointOutput":{"data":"0.\t5"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}}',
      '{"captureData":{"endpointInput":{"data":"1,2,\ta","encoding":"CSV"}},"eventMetadata":{"inferenceTime":"2026-11-23T10:30:00Z"}}',
      '{"captureData":{"endpointInput":{"data":"1,2,a","encoding":"CSV"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}} ',
      '{"captureData":{"endpointInput":{"data":"","encoding":"CSV"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}}',
      '{"captureData":{"endpointInput":{"data":" ","encoding":"CSV"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}}',
      '{"captureData":{"endpointInput":{"data":"1,2","encoding":"CSV"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}}',
      '{"captureData":{"endpointInput":{"data":"1,2,","encoding":"CSV"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}}',
      '{"captureData":{"endpointInput":{"encoding":"CSV"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}}',
      '{"captureData":{},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}}',
      '{"captureData":{"endpointInput":{"data":"1,2,a","encoding":"CSV"}}}',
      '{"captureData":{"endpointInput":{"data":"1,2,a","encoding":"CSV"}},"eventMetadata":{}}',
      '{"captureData":{"endpointInput":{"data":"1,2,a","encoding":"CSV"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}}}',
      '{"captureData":{"endpointInput":{"data":"1,2,a","encoding":"CSV"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"},}',
      '\ufeff{"captureData":{"endpointInput":{"data":"1,2,a","encoding":"CSV"}},"eventMetadata":{"inferenceTime":"2026-11-23T09:30:00Z"}}',
      '   ',
    ];
    const { fast, general } = bothPaths(lines);
    expect(fast).toEqual(general);
    expect(fast.counters).toMatchObject({ lines: 25, records: 12, outsideWindow: 0, malformed: 13 });
  });

  test('when two features share a column (a hand-written profile), every line goes the general way', () => {
    const shared = { ...profile, features: [profile.features[0], { ...profile.features[2], index: 0 }] };
    const s = new CaptureScanner(shared, start, end);
    const parse = jest.spyOn(JSON, 'parse');
    s.addLine(captureLine('7,1,a', { inferenceTime: T }));
    expect(parse).toHaveBeenCalledTimes(1);
    parse.mockRestore();
    expect(s.accumulator.summarize(policy).features.map((f) => f.count)).toEqual([1, 1]);
  });
});

describe('the fast path', () => {
  test('reads canonical CSV captures without JSON.parse', () => {
    const s = new CaptureScanner(profile, start, end);
    const lines = Array.from({ length: 50 }, (_, i) => captureLine(`${i},${i % 5},b`, { inferenceTime: `2026-11-23T09:${String(i).padStart(2, '0')}:07.25Z` }));
    const parse = jest.spyOn(JSON, 'parse');
    const dateParse = jest.spyOn(Date, 'parse');
    lines.forEach((l) => s.addLine(l));
    expect(parse).not.toHaveBeenCalled();
    // One Date.parse per new minute (and one for its start), not one per line.
    expect(dateParse.mock.calls.length).toBeLessThanOrEqual(100);
    parse.mockRestore();
    dateParse.mockRestore();
    expect(s.counters).toMatchObject({ lines: 50, records: 50, rows: 50 });
    const x = s.accumulator.summarize(policy).features[0];
    expect(x).toMatchObject({ count: 50, min: 0, max: 49, mean: 24.5 });
  });

  test('reads a plain decimal as Number() does, and gives NaN for anything else', () => {
    const r = rng(3);
    for (let k = 0; k < 4000; k++) {
      const digits = 1 + Math.floor(r.next() * 17);
      let s = '';
      for (let d = 0; d < digits; d++) s += String(Math.floor(r.next() * 10));
      const dot = Math.floor(r.next() * (digits + 2)) - 1;
      if (dot >= 0 && dot <= digits) s = s.slice(0, dot) + '.' + s.slice(dot);
      if (r.next() < 0.3) s = (r.next() < 0.5 ? '-' : '+') + s;
      const got = parsePlainDecimal(s, 0, s.length);
      if (!Number.isNaN(got)) expect(Object.is(got, Number(s))).toBe(true);
      // Up to 15 digits the fast path always answers.
      if (digits <= 15 && s !== '.' && !/^[-+]?\.$/.test(s)) expect(Number.isNaN(got)).toBe(false);
    }
    for (const s of ['', '.', '-', '1e3', ' 1', '1 ', '0x1', 'Infinity', '1.2.3', '1234567890123456']) {
      expect(parsePlainDecimal(s, 0, s.length)).toBeNaN();
    }
  });

  test('finds the fields of a canonical line at their offsets', () => {
    const line = captureLine('4,5,c', { inferenceTime: T, output: '0.75' });
    const f = new LineFields();
    expect(readCanonicalLine(line, 0, line.length, f)).toBe(true);
    expect(line.slice(f.inData, f.inDataEnd)).toBe('4,5,c');
    expect(line.slice(f.inEncoding, f.inEncodingEnd)).toBe('CSV');
    expect(line.slice(f.inType, f.inTypeEnd)).toBe('text/csv');
    expect(line.slice(f.outData, f.outDataEnd)).toBe('0.75');
    expect(line.slice(f.time, f.timeEnd)).toBe(T);
    expect(readCanonicalLine('x' + line, 1, line.length + 1, f)).toBe(true);
    expect(readCanonicalLine(line.slice(0, -1), 0, line.length - 1, f)).toBe(false);
    // What the scanner looks for before trusting a line to this reader: a backslash or a control character but \n.
    expect(['a\tb', 'a\\b', 'a\rb', 'a\u0000b', 'a\u001fb', 'a\nb', 'a b', 'a\u00a0b'].map((t) => t.search(CLEAN_BREAKERS))).toEqual([1, 1, 1, 1, 1, -1, -1, -1]);
  });
});

describe('streams', () => {
  test('chunks that split lines, CRLF pairs and UTF-8 characters give what whole lines give', async () => {
    const lines = generatedLines(5, 400).filter((l) => !l.includes('\n'));
    const text = lines.map((l, i) => l + (i % 7 === 0 ? '\r\n' : i % 11 === 0 ? '\r' : '\n')).join('') + lines[0];
    const bytes = Buffer.from(text);
    const r = rng(9);
    const chunks: Buffer[] = [];
    for (let o = 0; o < bytes.length;) {
      const n = 1 + Math.floor(r.next() * 300);
      chunks.push(bytes.subarray(o, o + n));
      o += n;
    }
    const streamed = new CaptureScanner(profile, start, end);
    await streamed.addStream(Readable.from(chunks));
    const byLine = new CaptureScanner(profile, start, end, { fastPath: false });
    text.split(/\r\n|\n|\r/).forEach((l) => byLine.addLine(l));
    expect(outcome(streamed)).toEqual(outcome(byLine));
    expect(streamed.counters.lines).toBe(lines.length + 1);
  });

  test('an object without a final newline ends its last line, and the next object starts afresh', async () => {
    const s = new CaptureScanner(profile, start, end);
    const a = captureLine('1,2,a', { inferenceTime: T });
    await s.addStream(Readable.from([Buffer.from(a.slice(0, 20)), Buffer.from(a.slice(20))]));
    await s.addStream(Readable.from([Buffer.from(a + '\r')]));
    expect(s.counters).toMatchObject({ lines: 2, records: 2, malformed: 0 });
  });
});

describe('numeric accumulators', () => {
  test('place values in the CDF sketch exactly when the search hint takes over, long tails and ties included', () => {
    const r = rng(21);
    const base = Array.from({ length: 5000 }, (_, i) => [
      i % 10 === 0 ? Math.round(r.normal()) : i === 7 ? 1e9 : r.normal() * (i % 3 === 0 ? 100 : 1),
    ]);
    const p = buildProfile(base, [{ name: 'x', type: 'numeric' }]);
    const f = p.features[0];
    if (f.type !== 'numeric') throw new Error('numeric expected');
    const pool = [...f.cdf.points, ...f.cdf.points.map((x) => x + 1e-12), -1e12, 1e12, ...Array.from({ length: 300 }, () => r.normal() * 50)];
    const values = Array.from({ length: 8 * pool.length }, (_, i) => pool[(i * 7919) % pool.length]);
    const oneByOne = new CaptureScanner(p, start, end).accumulator.accumulators[0] as any;
    values.forEach((x) => oneByOne.addValue(x, 1));
    // Grouped by value: far fewer calls, so the plain binary search answers.
    const grouped = new CaptureScanner(p, start, end).accumulator.accumulators[0] as any;
    const counts = new Map<number, number>();
    values.forEach((x) => counts.set(x, (counts.get(x) ?? 0) + 1));
    counts.forEach((n, x) => grouped.addValue(x, n));
    expect(oneByOne.grid).toBeDefined();
    expect(grouped.grid).toBeUndefined();
    expect(Array.from(oneByOne.cdfSlots)).toEqual(Array.from(grouped.cdfSlots));
    // Everything but the mean, whose sum is taken in another order.
    const { mean: a, ...one } = oneByOne.result();
    const { mean: b, ...other } = grouped.result();
    expect(one).toEqual(other);
    expect(a / b).toBeCloseTo(1, 12);
  });
});
