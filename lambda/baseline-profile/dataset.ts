/**
 * Where each feature is in a baseline dataset, and turning parsed records into rows aligned with the features.
 * Pure: the handler parses the dataset (csv-parse for CSV, JSON.parse per line for JSON lines) and feeds records.
 *
 * A baseline may be laid out differently from the captured payloads: SageMaker's built-in XGBoost trains on a
 * headerless `train.csv` whose column 0 is the label, while the endpoint receives the features alone. Each feature
 * therefore has its own baseline position, resolved once per dataset, in this order:
 * 1. `baselineColumn`: a header name (the dataset must have a header);
 * 2. `baselineIndex`: a 0-based CSV column;
 * 3. with a header, the feature's own name when the header has it;
 * 4. its capture `index`, shifted by one at and after a declared `labelIndex` (the XGBoost layout).
 * JSON-lines datasets take each feature by `baselineColumn` or its name. The label is declared and never profiled.
 */
import { FeatureSpec, FeatureValue, normalizeSchema } from '../shared/profile';

export type DatasetFormat = 'csv' | 'jsonl';

/** A feature of the baseline: the capture schema plus where the feature is in the dataset. */
export interface BaselineFeature extends FeatureSpec {
  /** The header name (CSV) or field (JSON lines) of the feature in the dataset. */
  readonly baselineColumn?: string;
  /** The 0-based CSV column of the feature in the dataset. */
  readonly baselineIndex?: number;
}

export interface DatasetLayout {
  readonly format: DatasetFormat;
  /** Whether the first CSV record is a header. */
  readonly header: boolean;
  /** The 0-based CSV column of the label (ignored). */
  readonly labelIndex?: number;
  /** The header name (CSV) or field (JSON lines) of the label (ignored). */
  readonly labelColumn?: string;
}

/** The CSV column of each feature, from the layout and the header (undefined without one); throws naming every problem. */
export function resolveCsvColumns(features: readonly BaselineFeature[], layout: DatasetLayout, header: readonly string[] | undefined): number[] {
  const schema = normalizeSchema(features);
  const problems: string[] = [];
  const names = header ? header.map((h) => h.trim()) : undefined;
  let label = layout.labelIndex;
  if (layout.labelColumn !== undefined) {
    if (!names) problems.push(`the label column '${layout.labelColumn}' is named but the dataset has no header`);
    else if (!names.includes(layout.labelColumn)) problems.push(`the label column '${layout.labelColumn}' is not in the header (${names.join(', ')})`);
    else label = names.indexOf(layout.labelColumn);
  }
  const columns = features.map((f, i) => {
    if (f.baselineColumn !== undefined) {
      if (!names) {
        problems.push(`feature '${f.name}' is placed by the header name '${f.baselineColumn}' but the dataset has no header`);
        return -1;
      }
      const at = names.indexOf(f.baselineColumn);
      if (at < 0) problems.push(`feature '${f.name}': column '${f.baselineColumn}' is not in the header (${names.join(', ')})`);
      return at;
    }
    if (f.baselineIndex !== undefined) {
      const at = Number(f.baselineIndex);
      if (!Number.isInteger(at) || at < 0) problems.push(`feature '${f.name}' baselineIndex must be an integer >= 0, got ${f.baselineIndex}`);
      return at;
    }
    if (names && names.includes(f.name)) return names.indexOf(f.name);
    const index = schema[i].index;
    return label !== undefined && index >= label ? index + 1 : index;
  });
  const seen = new Map<number, string>();
  features.forEach((f, i) => {
    const c = columns[i];
    if (c < 0) return;
    if (label !== undefined && c === label) problems.push(`feature '${f.name}' is on the label column ${c}`);
    const other = seen.get(c);
    if (other !== undefined) problems.push(`features '${other}' and '${f.name}' are both on baseline column ${c}`);
    seen.set(c, f.name);
  });
  if (problems.length > 0) throw new Error(`invalid baseline layout: ${problems.join('; ')}`);
  return columns;
}

/** The row of a CSV record (cells by column); undefined when the record is too short (malformed). */
export function csvRow(record: readonly string[], columns: readonly number[]): FeatureValue[] | undefined {
  const row: FeatureValue[] = [];
  for (const c of columns) {
    if (c >= record.length) return undefined;
    row.push(record[c]);
  }
  return row;
}

/** The row of a JSON-lines line (values by field); undefined for a line that is not a JSON object (malformed). */
export function jsonRow(line: string, features: readonly BaselineFeature[]): FeatureValue[] | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const record = doc as Record<string, unknown>;
  return features.map((f) => {
    const v = record[f.baselineColumn ?? f.name];
    return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : null;
  });
}
