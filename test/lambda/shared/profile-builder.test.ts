import { buildProfile, MAX_DISTINCT_CATEGORIES, NumericFeatureProfile, CategoricalFeatureProfile, ProfileBuilder } from '../../../lambda/shared/profile';

describe('profile builder memory bound', () => {
  test('samples as many rows as 192 MiB of numeric values hold, at most 1,000,000', () => {
    expect(ProfileBuilder.capacityFor(20)).toBe(1_000_000);
    // 1M rows x 200 features: 125,829 sampled rows, 8 bytes each: 192 MiB whatever the dataset's size.
    expect(ProfileBuilder.capacityFor(200)).toBe(Math.floor((192 * 1048576) / 1600));
    expect(ProfileBuilder.capacityFor(0)).toBe(1_000_000);
    expect(ProfileBuilder.capacityFor(5, { maxRows: 50 })).toBe(50);
  });

  test('refuses a feature count whose sample would fall under 10,000 rows, at the boundary included', () => {
    expect(ProfileBuilder.capacityFor(2516)).toBe(10_002);
    expect(() => ProfileBuilder.capacityFor(2517)).toThrow(/2517 numeric features do not fit the profiler's 192 MiB: each needs 10000 sampled rows; at most 2516/);
    expect(() => ProfileBuilder.capacityFor(1, { maxRows: 0 })).toThrow(/maxRows must be an integer >= 1, got 0/);
  });

  test('keeps a uniform, reproducible sample of numeric values and the sample size as the feature rows', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => [i, i % 3 === 0 ? 'a' : 'b']);
    const schema = [{ name: 'x', type: 'numeric' as const }, { name: 'c', type: 'categorical' as const }];
    const p = buildProfile(rows, schema, { maxRows: 1000 });
    const q = buildProfile(rows, schema, { maxRows: 1000 });
    expect(p).toEqual(q);
    const x = p.features[0] as NumericFeatureProfile;
    expect(p.rowCount).toBe(20_000);
    expect(x.rows).toBe(1000);
    // The sample's median is near the dataset's (10,000): a uniform sample of 1,000 is within 5% with overwhelming odds.
    expect(Math.abs(x.bins.edges[4] - 10_000)).toBeLessThan(1000);
    // Categorical features are counted over every row.
    const c = p.features[1] as CategoricalFeatureProfile;
    expect(c.rows).toBe(20_000);
    expect(c.categories).toEqual([{ value: 'b', count: 13_333 }, { value: 'a', count: 6_667 }]);
  });

  test('counts categories first seen after the distinct cap in __other__', () => {
    const b = new ProfileBuilder([{ name: 'id', type: 'categorical' }]);
    for (let i = 0; i < MAX_DISTINCT_CATEGORIES + 10; i++) b.add([`v${i}`]);
    b.add(['v0']);
    b.add([null]);
    const c = b.build().features[0] as CategoricalFeatureProfile;
    expect(c.categories[0]).toEqual({ value: 'v0', count: 2 });
    expect(c.categories).toHaveLength(50);
    expect(c.otherCount).toBe(MAX_DISTINCT_CATEGORIES - 50 + 10);
    expect(c).toMatchObject({ rows: MAX_DISTINCT_CATEGORIES + 12, missing: 1 });
  });
});
