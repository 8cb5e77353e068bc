/**
 * The baseline profile: what the drift handler compares each window against. A JSON document, versioned by
 * `formatVersion`; see PROFILE.md next to this file for the format.
 */
import { inverseCdfSorted, lowerBound, quantileEdges, histogram, upperBound, uniqueSorted } from './stats';

export const PROFILE_FORMAT_VERSION = 1;

/** Name of the bucket that collects the categories outside a profile's top K. */
export const OTHER_CATEGORY = '__other__';

export type FeatureType = 'numeric' | 'categorical';

/** A feature as declared by the user. `index` is the CSV column (0-based); it defaults to the position in the list. */
export interface FeatureSpec {
  readonly name: string;
  readonly type: FeatureType;
  readonly index?: number;
}

/** A raw feature value: a number, a string (CSV cell, category), or missing. */
export type FeatureValue = number | string | boolean | null | undefined;

export interface ProfileOptions {
  /** Quantile bins for PSI. @default 10 (deciles) */
  readonly bins?: number;
  /** Resolution Q of the CDF sketch used for KS: the KS statistic is exact to within 1/Q. @default 1000 */
  readonly cdfResolution?: number;
  /** Categories kept per categorical feature; the rest are counted in `__other__`. @default 50 */
  readonly topK?: number;
  /** Written into the profile as `createdAt`. @default - no timestamp (the profile is then reproducible) */
  readonly createdAt?: string;
}

export interface NumericFeatureProfile {
  readonly name: string;
  readonly type: 'numeric';
  readonly index: number;
  /** Rows seen, missing included. */
  readonly rows: number;
  /** Rows without a finite number (empty, null, NaN, not a number). */
  readonly missing: number;
  readonly missingRate: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  /** PSI bins: inner edges (bin i is (edges[i-1], edges[i]], outer bins open) and baseline counts per bin. */
  readonly bins: { readonly edges: number[]; readonly counts: number[] };
  /**
   * CDF sketch for KS: `points` are the baseline values at the quantiles k/Q, k = 0..Q (inverted CDF,
   * deduplicated); `below[j]` and `atOrBelow[j]` count the baseline values < and <= points[j].
   */
  readonly cdf: { readonly resolution: number; readonly points: number[]; readonly below: number[]; readonly atOrBelow: number[] };
}

export interface CategoricalFeatureProfile {
  readonly name: string;
  readonly type: 'categorical';
  readonly index: number;
  readonly rows: number;
  readonly missing: number;
  readonly missingRate: number;
  /** The top K categories by count (ties by name), most frequent first. */
  readonly categories: Array<{ readonly value: string; readonly count: number }>;
  /** Count of every other category (the `__other__` bucket). */
  readonly otherCount: number;
}

export type FeatureProfile = NumericFeatureProfile | CategoricalFeatureProfile;

export interface BaselineProfile {
  readonly formatVersion: typeof PROFILE_FORMAT_VERSION;
  readonly createdAt?: string;
  readonly rowCount: number;
  readonly options: { readonly bins: number; readonly cdfResolution: number; readonly topK: number };
  readonly features: FeatureProfile[];
}

/**
 * A finite number from a raw value, or undefined for missing: null, empty, NaN, infinite, and every string that is not
 * a number (so 'NaN', 'None', 'null', 'NA' and the other MISSING_MARKERS are missing). true and false are 1 and 0.
 */
export function toNumber(v: FeatureValue): number | undefined {
  if (typeof v === 'number') {
    return Number.isFinite(v) ? v : undefined;
  }
  if (typeof v === 'boolean') {
    return v ? 1 : 0;
  }
  if (typeof v === 'string') {
    // Number() ignores surrounding whitespace but reads '' and '  ' as 0: only then is a trim needed.
    const n = Number(v);
    if (n === 0 && v.trim() === '') return undefined;
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * The strings read as a missing value, for categorical and numeric features alike: pandas' default `na_values`
 * (pandas.read_csv), so that a dataset written by pandas and the payloads built from it agree on what is missing.
 */
export const MISSING_MARKERS: ReadonlySet<string> = new Set([
  '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN',
  'None', 'n/a', 'nan', 'null',
]);

/** A decimal literal (what a CSV writer prints for a number): digits, an optional fraction and exponent. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A category from a raw value, or undefined for missing. Normalised so that the baseline and the payloads agree:
 * - surrounding blanks are trimmed; null, undefined, NaN and the MISSING_MARKERS ('', 'NaN', 'None', 'null', 'NA', ...)
 *   are missing;
 * - a number, or a string that is a decimal literal, is the category of its number written the shortest way
 *   (String(Number(s))): 1, '1', '1.0', '01', '+1' and '1e0' are the category '1' (pandas writes an integer column
 *   with a missing value as 1.0; a JSON payload sends 1). Codes whose leading zeros matter ('007') must be sent as
 *   non-numeric strings (e.g. 'z007');
 * - booleans are 'true' and 'false'.
 */
export function toCategory(v: FeatureValue): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return String(v);
  const s = String(v).trim();
  if (MISSING_MARKERS.has(s)) return undefined;
  if (DECIMAL.test(s)) {
    const n = Number(s);
    return Number.isFinite(n) ? String(n) : s;
  }
  return s;
}

/** Checks a feature list (non-empty, unique names, known types, unique non-negative indexes) and fills in indexes. */
export function normalizeSchema(schema: readonly FeatureSpec[]): Array<Required<FeatureSpec>> {
  const problems: string[] = [];
  if (schema.length === 0) {
    problems.push('the feature list is empty');
  }
  const names = new Set<string>();
  const indexes = new Set<number>();
  const out = schema.map((f, i) => {
    const index = f.index ?? i;
    if (typeof f.name !== 'string' || f.name === '') problems.push(`feature #${i} has no name`);
    if (names.has(f.name)) problems.push(`feature '${f.name}' is declared twice`);
    names.add(f.name);
    if (f.type !== 'numeric' && f.type !== 'categorical') {
      problems.push(`feature '${f.name}' type must be 'numeric' or 'categorical', got '${String(f.type)}'`);
    }
    if (!Number.isInteger(index) || index < 0) problems.push(`feature '${f.name}' index must be an integer >= 0, got ${index}`);
    if (indexes.has(index)) problems.push(`feature '${f.name}' reuses column index ${index}`);
    indexes.add(index);
    return { name: f.name, type: f.type, index };
  });
  if (problems.length > 0) {
    throw new Error(`invalid feature schema: ${problems.join('; ')}`);
  }
  return out;
}

/** The memory the profiler may spend on sampled numeric values (8 bytes each). */
export const NUMERIC_MEMORY_BUDGET_BYTES = 192 * 1024 * 1024;
/** Rows sampled at most, whatever the budget allows. */
export const DEFAULT_MAX_ROWS = 1_000_000;
/** The fewest sampled rows a profile may rest on: a profile that the budget cannot give as many is refused. */
export const MIN_SAMPLE_ROWS = 10_000;
/** Distinct categories counted per categorical feature; values first seen after that are counted in `__other__`. */
export const MAX_DISTINCT_CATEGORIES = 5_000;

export interface BuilderOptions extends ProfileOptions {
  /** Rows sampled at most for numeric features. @default DEFAULT_MAX_ROWS */
  readonly maxRows?: number;
  /** @default NUMERIC_MEMORY_BUDGET_BYTES */
  readonly memoryBudgetBytes?: number;
}

/**
 * Builds a profile from rows streamed one at a time, in memory bounded by the feature count, never by the dataset:
 * - numeric features keep a uniform sample of rows (seeded reservoir sampling, algorithm R) in one Float64Array per
 *   feature, `capacity` = min(maxRows, budget / (8 x numeric features)) rows; their profile is that of the sample
 *   (its `rows` is the sample's size, so the KS test sees the baseline's real sample size);
 * - categorical features count every row exactly, at most MAX_DISTINCT_CATEGORIES distinct values each.
 * The same rows in the same order always give the same profile.
 */
export class ProfileBuilder {
  readonly features: Array<Required<FeatureSpec>>;
  /** Rows kept for numeric features. */
  readonly capacity: number;
  /** Rows added. */
  seen = 0;
  private readonly numericSlots: number[];
  private readonly columns: Float64Array[];
  private readonly counts: Array<Map<string, number>>;
  private readonly overflow: number[];
  private readonly missing: number[];
  private state = 0x9e3779b9;

  /** The rows a builder samples for `numeric` numeric features; throws when fewer than MIN_SAMPLE_ROWS fit the budget. */
  static capacityFor(numeric: number, options: BuilderOptions = {}): number {
    const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    const budget = options.memoryBudgetBytes ?? NUMERIC_MEMORY_BUDGET_BYTES;
    if (!Number.isInteger(maxRows) || maxRows < 1) throw new Error(`maxRows must be an integer >= 1, got ${maxRows}`);
    const capacity = numeric > 0 ? Math.min(maxRows, Math.floor(budget / (8 * numeric))) : maxRows;
    if (capacity < Math.min(MIN_SAMPLE_ROWS, maxRows)) {
      throw new Error(`${numeric} numeric features do not fit the profiler's ${Math.round(budget / 1048576)} MiB: each needs `
        + `${MIN_SAMPLE_ROWS} sampled rows; at most ${Math.floor(budget / (8 * MIN_SAMPLE_ROWS))} numeric features per profile`);
    }
    return capacity;
  }

  constructor(schema: readonly FeatureSpec[], private readonly options: BuilderOptions = {}) {
    this.features = normalizeSchema(schema);
    this.capacity = ProfileBuilder.capacityFor(this.features.filter((f) => f.type === 'numeric').length, options);
    this.numericSlots = this.features.map((f, i) => (f.type === 'numeric' ? i : -1)).filter((i) => i >= 0);
    this.columns = this.numericSlots.map(() => new Float64Array(this.capacity));
    this.counts = this.features.map(() => new Map());
    this.overflow = this.features.map(() => 0);
    this.missing = this.features.map(() => 0);
  }

  /** Adds a row aligned with the schema. */
  add(row: readonly FeatureValue[]): void {
    this.seen++;
    let slot = this.seen - 1;
    if (slot >= this.capacity) {
      slot = Math.floor(this.random() * this.seen);
    }
    if (slot < this.capacity) {
      for (let k = 0; k < this.numericSlots.length; k++) {
        this.columns[k][slot] = toNumber(row[this.numericSlots[k]]) ?? NaN;
      }
    }
    for (let i = 0; i < this.features.length; i++) {
      if (this.features[i].type !== 'categorical') continue;
      const c = toCategory(row[i]);
      if (c === undefined) {
        this.missing[i]++;
        continue;
      }
      const m = this.counts[i];
      const n = m.get(c);
      if (n !== undefined) m.set(c, n + 1);
      else if (m.size < MAX_DISTINCT_CATEGORIES) m.set(c, 1);
      else this.overflow[i]++;
    }
  }

  /** Numeric rows sampled so far. */
  get sampled(): number {
    return Math.min(this.seen, this.capacity);
  }

  build(): BaselineProfile {
    const bins = this.options.bins ?? 10;
    const cdfResolution = this.options.cdfResolution ?? 1000;
    const topK = this.options.topK ?? 50;
    if (!Number.isInteger(bins) || bins < 2) throw new Error(`bins must be an integer >= 2, got ${bins}`);
    if (!Number.isInteger(cdfResolution) || cdfResolution < 1) throw new Error(`cdfResolution must be an integer >= 1, got ${cdfResolution}`);
    if (!Number.isInteger(topK) || topK < 1) throw new Error(`topK must be an integer >= 1, got ${topK}`);
    const sampled = this.sampled;
    const profiles: FeatureProfile[] = this.features.map((f, i) => {
      if (f.type === 'numeric') {
        const column = this.columns[this.numericSlots.indexOf(i)].subarray(0, sampled);
        const values = column.filter((x) => !Number.isNaN(x)).sort();
        const missing = sampled - values.length;
        return numericProfile(f.name, f.index, sampled, missing, sampled > 0 ? missing / sampled : 0, values, bins, cdfResolution);
      }
      const all = [...this.counts[i].entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const kept = all.slice(0, topK).map(([value, count]) => ({ value, count }));
      const otherCount = all.slice(topK).reduce((n, [, c]) => n + c, 0) + this.overflow[i];
      return {
        name: f.name, type: 'categorical', index: f.index, rows: this.seen, missing: this.missing[i],
        missingRate: this.seen > 0 ? this.missing[i] / this.seen : 0, categories: kept, otherCount,
      };
    });
    return {
      formatVersion: PROFILE_FORMAT_VERSION,
      ...(this.options.createdAt ? { createdAt: this.options.createdAt } : {}),
      rowCount: this.seen,
      options: { bins, cdfResolution, topK },
      features: profiles,
    };
  }

  /** mulberry32 */
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/**
 * Builds a baseline profile from rows whose values are aligned with `schema` (row[i] is schema[i]); see
 * ProfileBuilder for the memory bound.
 */
export function buildProfile(rows: Iterable<readonly FeatureValue[]>, schema: readonly FeatureSpec[], options: BuilderOptions = {}): BaselineProfile {
  const builder = new ProfileBuilder(schema, options);
  for (const row of rows) builder.add(row);
  return builder.build();
}

function numericProfile(
  name: string, index: number, rows: number, missing: number, missingRate: number,
  sorted: Float64Array, bins: number, resolution: number,
): NumericFeatureProfile {
  const n = sorted.length;
  const edges = n > 0 ? quantileEdges(sorted, bins) : [];
  const counts = histogram(sorted, edges);
  const points = n > 0 ? uniqueSorted(Array.from({ length: resolution + 1 }, (_, k) => inverseCdfSorted(sorted, k / resolution))) : [];
  let total = 0;
  for (const v of sorted) total += v;
  return {
    name,
    type: 'numeric',
    index,
    rows,
    missing,
    missingRate,
    min: n > 0 ? sorted[0] : null,
    max: n > 0 ? sorted[n - 1] : null,
    mean: n > 0 ? total / n : null,
    bins: { edges, counts },
    cdf: {
      resolution,
      points,
      below: points.map((p) => lowerBound(sorted, p)),
      atOrBelow: points.map((p) => upperBound(sorted, p)),
    },
  };
}

/** Checks a parsed JSON document is a profile this code can read; throws naming the first problems. */
export function parseProfile(doc: unknown): BaselineProfile {
  const problems: string[] = [];
  const p = doc as Partial<BaselineProfile> | null;
  if (p === null || typeof p !== 'object') {
    throw new Error('invalid baseline profile: not a JSON object');
  }
  if (p.formatVersion !== PROFILE_FORMAT_VERSION) {
    throw new Error(`invalid baseline profile: formatVersion must be ${PROFILE_FORMAT_VERSION}, got ${JSON.stringify(p.formatVersion)}`);
  }
  if (!Array.isArray(p.features) || p.features.length === 0) {
    throw new Error('invalid baseline profile: features must be a non-empty array');
  }
  for (const f of p.features as FeatureProfile[]) {
    if (typeof f?.name !== 'string') {
      problems.push('a feature has no name');
    } else if (f.type === 'numeric') {
      const ok = Array.isArray(f.bins?.edges) && Array.isArray(f.bins?.counts) && f.bins.counts.length === f.bins.edges.length + 1
        && Array.isArray(f.cdf?.points) && f.cdf.below?.length === f.cdf.points.length && f.cdf.atOrBelow?.length === f.cdf.points.length;
      if (!ok) problems.push(`numeric feature '${f.name}' lacks consistent bins or cdf`);
    } else if (f.type === 'categorical') {
      if (!Array.isArray(f.categories) || typeof f.otherCount !== 'number') problems.push(`categorical feature '${f.name}' lacks categories or otherCount`);
    } else {
      problems.push(`feature '${(f as FeatureProfile).name}' has unknown type '${String((f as FeatureProfile).type)}'`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`invalid baseline profile: ${problems.join('; ')}`);
  }
  return { ...(p as BaselineProfile), features: (p.features as FeatureProfile[]).map(normalizeCategories) };
}

/**
 * A categorical profile whose categories follow toCategory: a profile written before the normalisation (with
 * 'None' or '1.0' as categories) is read as the same profile written now would be: missing markers become missing
 * values, categories that normalise alike are merged. Profiles already normalised come back unchanged.
 */
export function normalizeCategories(f: FeatureProfile): FeatureProfile {
  if (f.type !== 'categorical' || f.categories.every((c) => toCategory(c.value) === c.value)) return f;
  const merged = new Map<string, number>();
  let missing = f.missing;
  for (const c of f.categories) {
    const k = toCategory(c.value);
    if (k === undefined) missing += c.count;
    else merged.set(k, (merged.get(k) ?? 0) + c.count);
  }
  const categories = [...merged.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([value, count]) => ({ value, count }));
  return { ...f, categories, missing, missingRate: f.rows > 0 ? missing / f.rows : 0 };
}
