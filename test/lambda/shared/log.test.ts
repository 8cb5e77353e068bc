import { log } from '../../../lambda/shared/log';
import { stamp } from '../../../lambda/shared/time';

describe('log', () => {
  let out: jest.SpyInstance;
  let err: jest.SpyInstance;
  beforeEach(() => {
    out = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  test('writes INFO as one JSON line on stdout, fields after level and message', () => {
    log('INFO', 'hello', { a: 1 });
    expect(out).toHaveBeenCalledTimes(1);
    expect(out.mock.calls[0][0]).toBe('{"level":"INFO","message":"hello","a":1}');
    expect(err).not.toHaveBeenCalled();
  });

  test('writes WARN and ERROR on stderr', () => {
    log('WARN', 'w');
    log('ERROR', 'e', { reason: 'x' });
    expect(out).not.toHaveBeenCalled();
    expect(err.mock.calls.map((c) => c[0])).toEqual(['{"level":"WARN","message":"w"}', '{"level":"ERROR","message":"e","reason":"x"}']);
  });
});

describe('stamp', () => {
  test('formats a time as a compact UTC stamp to the minute', () => {
    expect(stamp(Date.parse('2026-11-23T09:05:59.999Z'))).toBe('20261123T0905Z');
  });
});
