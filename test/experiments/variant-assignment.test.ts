import { VariantAssignment } from '../../lib/experiments';

describe('VariantAssignment', () => {
  test.each([
    // Reference values of 32-bit FNV-1a (the FNV test suite: '' 0x811c9dc5, 'a' 0xe40c292c, 'foobar' 0xbf9cf968), UTF-8 bytes.
    ['', 0x811c9dc5, 6261],
    ['a', 0xe40c292c, 2220],
    ['foobar', 0xbf9cf968, 5720],
    ['user-42', 0x026073ab, 5499],
    ['ünïcode', 0x45f2402b, 4043],
  ])('hashes %j to %d, bucket %d', (userId, hash, bucket) => {
    expect(VariantAssignment.fnv1a(userId)).toBe(hash);
    expect(VariantAssignment.bucketOf(userId)).toBe(bucket);
  });

  test('has 10,000 buckets', () => {
    expect(VariantAssignment.BUCKET_COUNT).toBe(10000);
  });

  test('gives the challenger the lowest buckets, by the current weights, on both sides of the boundary', () => {
    // 'a' is bucket 2220: challenger from a share above 22.20%, champion at or below.
    expect(VariantAssignment.variantFor('a', 'champion', 77.79, 'challenger', 22.21)).toBe('challenger');
    expect(VariantAssignment.variantFor('a', 'champion', 77.8, 'challenger', 22.2)).toBe('champion');
    expect(VariantAssignment.variantFor('a', 'champion', 0, 'challenger', 5)).toBe('challenger');
    expect(VariantAssignment.variantFor('a', 'champion', 5, 'challenger', 0)).toBe('champion');
  });

  test('moves users only from the champion to the challenger as the challenger gains', () => {
    const users = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
    let previous = new Set<string>();
    for (const share of [10, 20, 50, 90, 100]) {
      const now = new Set(users.filter((u) => VariantAssignment.variantFor(u, 'champion', 100 - share, 'challenger', share) === 'challenger'));
      for (const u of previous) expect(now.has(u)).toBe(true);
      expect(Math.abs(now.size / users.length - share / 100)).toBeLessThan(0.04);
      previous = now;
    }
  });

  test.each([[-1, 10], [10, -1], [0, 0], [NaN, 1]])('fails on weights %d and %d', (a, b) => {
    expect(() => VariantAssignment.variantFor('u', 'champion', a, 'challenger', b)).toThrow(/needs weights >= 0 that are not both 0/);
  });
});
