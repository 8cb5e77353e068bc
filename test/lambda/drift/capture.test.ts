import { decodePayload, hourPrefixes, parseCaptureLine, payloadRows, splitCsvLine } from '../../../lambda/shared/capture';
import { buildProfile } from '../../../lambda/shared/profile';
import { resolvePolicy } from '../../../lambda/drift/decide';
import { CaptureScanner } from '../../../lambda/drift/scan';
import { captureLine, rng } from './fixtures';

const features = [{ name: 'age', index: 0 }, { name: 'city', index: 2 }];
const T = '2026-11-23T09:30:00Z';

describe('capture lines', () => {
  test('a CSV-encoded line gives its input, output, ids and time', () => {
    const r = parseCaptureLine(captureLine('41,x,Paris', { inferenceTime: T, eventId: 'ev1', inferenceId: 'inf1', output: '0.9' }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ eventId: 'ev1', inferenceId: 'inf1', inferenceTime: Date.parse(T) });
    expect(decodePayload(r.value.input!)).toEqual({ ok: true, value: { format: 'csv', text: '41,x,Paris' } });
    expect(decodePayload(r.value.output!)).toEqual({ ok: true, value: { format: 'csv', text: '0.9' } });
  });

  test('a BASE64 payload is decoded and read by its content type', () => {
    const csv = parseCaptureLine(captureLine('1,2,3', { inferenceTime: T, encoding: 'BASE64', contentType: 'text/csv' }));
    const json = parseCaptureLine(captureLine('{"age": 3}', { inferenceTime: T, encoding: 'BASE64', contentType: 'application/json' }));
    expect(csv.ok && decodePayload(csv.value.input!)).toEqual({ ok: true, value: { format: 'csv', text: '1,2,3' } });
    expect(json.ok && decodePayload(json.value.input!)).toEqual({ ok: true, value: { format: 'json', text: '{"age": 3}' } });
  });

  test('fails, without throwing, on lines that are not captures', () => {
    expect(parseCaptureLine('{not json')).toEqual({ ok: false, reason: 'not JSON' });
    expect(parseCaptureLine('{"eventVersion":"0"}')).toEqual({ ok: false, reason: 'no captureData' });
    expect(parseCaptureLine('null')).toEqual({ ok: false, reason: 'no captureData' });
    expect(decodePayload({ data: 'AAAA', encoding: 'BASE64', observedContentType: 'image/png' })).toMatchObject({ ok: false });
    expect(decodePayload({ data: 'x', encoding: 'XML' })).toEqual({ ok: false, reason: "unsupported encoding 'XML'" });
    expect(decodePayload({ encoding: 'CSV' })).toEqual({ ok: false, reason: 'payload has no data' });
    expect(decodePayload({ data: 'x', encoding: 7, observedContentType: ['text/csv'] } as any)).toEqual({ ok: false, reason: "unsupported encoding '7'" });
  });
});

describe('payload rows', () => {
  test('CSV payloads map columns by index, one row per line, with RFC 4180 quotes', () => {
    const r = payloadRows({ format: 'csv', text: '41,x,Paris\n52,y,"Rome, IT"\n' }, features);
    expect(r).toEqual({ ok: true, value: [['41', 'Paris'], ['52', 'Rome, IT']] });
    expect(splitCsvLine('a,"say ""hi""",c')).toEqual(['a', 'say "hi"', 'c']);
  });

  test('JSON payloads map objects by name and arrays by index, in every SageMaker shape', () => {
    const want = { ok: true, value: [[41, 'Paris']] };
    expect(payloadRows({ format: 'json', text: '{"age": 41, "city": "Paris"}' }, features)).toEqual(want);
    expect(payloadRows({ format: 'json', text: '[41, "x", "Paris"]' }, features)).toEqual(want);
    expect(payloadRows({ format: 'json', text: '{"features": [41, "x", "Paris"]}' }, features)).toEqual(want);
    expect(payloadRows({ format: 'json', text: '{"instances": [[41, "x", "Paris"], {"age": 7, "city": null}]}' }, features))
      .toEqual({ ok: true, value: [[41, 'Paris'], [7, null]] });
    expect(payloadRows({ format: 'json', text: '{"age": 41}\n{"age": 42, "city": "Oslo"}' }, features))
      .toEqual({ ok: true, value: [[41, undefined], [42, 'Oslo']].map((r) => r.map((v) => v ?? null)) });
  });

  test('fails on rows shorter than the schema and on unreadable payloads', () => {
    expect(payloadRows({ format: 'csv', text: '41,x' }, features)).toEqual({ ok: false, reason: 'CSV row has 2 columns, the schema needs 3' });
    expect(payloadRows({ format: 'json', text: '[1]' }, features)).toMatchObject({ ok: false });
    expect(payloadRows({ format: 'json', text: '{"other": 1}' }, features)).toEqual({ ok: false, reason: 'JSON object has none of the declared features' });
    expect(payloadRows({ format: 'json', text: '{oops' }, features)).toEqual({ ok: false, reason: 'payload is not JSON' });
    expect(payloadRows({ format: 'csv', text: '\n' }, features)).toEqual({ ok: false, reason: 'empty CSV payload' });
  });
});

test('hour prefixes cover every hour that overlaps the window, across a day boundary', () => {
  expect(hourPrefixes(Date.parse('2026-12-31T22:30:00Z'), Date.parse('2027-01-01T01:00:00Z')))
    .toEqual(['2026/12/31/22', '2026/12/31/23', '2027/01/01/00']);
});

describe('capture scanner', () => {
  const profile = buildProfile([[1, 'a'], [2, 'b'], [3, 'a']], [{ name: 'x', type: 'numeric' }, { name: 'c', type: 'categorical', index: 1 }]);
  const start = Date.parse('2026-11-23T09:00:00Z');
  const end = Date.parse('2026-11-23T10:00:00Z');

  test('counts malformed lines by reason and never throws', () => {
    const s = new CaptureScanner(profile, start, end);
    [
      captureLine('1,a', { inferenceTime: T }),
      captureLine('2,b\n3,a', { inferenceTime: T }),
      '{"truncated": ',
      captureLine('5', { inferenceTime: T }),
      captureLine('9,z', { inferenceTime: '2026-11-23T10:00:00Z' }),
      JSON.stringify({ captureData: { endpointOutput: { data: '1', encoding: 'CSV' } }, eventMetadata: { inferenceTime: T } }),
      JSON.stringify({ captureData: {}, eventMetadata: {} }),
      '',
    ].forEach((l) => s.addLine(l));
    expect(s.counters).toEqual({
      lines: 7, records: 2, rows: 3, outsideWindow: 1, malformed: 4,
      malformedReasons: { 'not JSON': 1, 'CSV row has 1 columns, the schema needs 2': 1, 'no endpointInput': 1, 'no inferenceTime': 1 }, unreadOutputs: 0,
      loadTest: 0,
    });
    const summary = s.accumulator.summarize(resolvePolicy({ minCount: 1 }));
    expect(summary.features.map((f) => f.count)).toEqual([3, 3]);
  });

  test('skips load-test traffic (an inference id with the load-test prefix) on the fast and the general path', () => {
    for (const fastPath of [true, false]) {
      const s = new CaptureScanner(profile, start, end, { fastPath });
      const text = [
        captureLine('1,a', { inferenceTime: T, inferenceId: 'cdk-mlops-load-test-0123456789ab-0-0-0-1' }),
        captureLine('2,b', { inferenceTime: T, inferenceId: 'customer-7' }),
        // The prefix inside a payload is not a mark: the record counts.
        captureLine('3,cdk-mlops-load-test-x', { inferenceTime: T }),
        captureLine('3,a', { inferenceTime: T, inferenceId: 'cdk-mlops-load-test-0123456789ab-0-0-0-2' }),
      ].join('\n');
      s.addText(text);
      s.endText();
      expect({ fastPath, ...s.counters }).toMatchObject({ fastPath, lines: 4, records: 2, loadTest: 2, malformed: 0 });
      expect(s.accumulator.summarize(resolvePolicy({ minCount: 1 })).features[0].count).toBe(2);
    }
  });

  test('never throws on truncated or corrupted lines, and counts each one once', () => {
    const s = new CaptureScanner(profile, start, end);
    const valid = [
      captureLine('1,a', { inferenceTime: T }),
      captureLine('{"instances": [[1, "a"], {"x": 2, "c": "b"}]}', { inferenceTime: T, encoding: 'BASE64', contentType: 'application/json' }),
    ];
    const r = rng(5);
    let lines = 0;
    for (const line of valid) {
      for (let cut = 1; cut < line.length; cut++) {
        s.addLine(line.slice(0, cut));
        lines++;
      }
      for (let k = 0; k < 300; k++) {
        const chars = line.split('');
        chars[Math.floor(r.next() * chars.length)] = '{}[]",:0aZ='[Math.floor(r.next() * 11)];
        s.addLine(chars.join(''));
        lines++;
      }
    }
    const c = s.counters;
    expect(c.lines).toBe(lines);
    expect(c.records + c.malformed + c.outsideWindow).toBe(lines);
    expect(Object.values(c.malformedReasons).reduce((a, b) => a + b, 0)).toBe(c.malformed);
    expect(() => s.accumulator.summarize(resolvePolicy({ minCount: 1 }))).not.toThrow();
  });
});
