/**
 * Turning the lines of a baseline dataset into rows aligned with a feature schema. Pure.
 */
import { splitCsvLine } from '../shared/capture';
import { FeatureSpec, FeatureValue, normalizeSchema } from '../shared/profile';

export type DatasetFormat = 'csv' | 'jsonl';

export interface RowParser {
  /** The row of a line, aligned with the schema; undefined for a header, a blank or a malformed line. */
  parse(line: string): FeatureValue[] | undefined;
  readonly malformed: number;
}

/**
 * A parser of one dataset format. CSV cells are taken by each feature's column `index` (a header line, when
 * `header` is true, is skipped); JSON lines by each feature's name.
 */
export function rowParser(format: DatasetFormat, schema: readonly FeatureSpec[], header: boolean): RowParser {
  const features = normalizeSchema(schema);
  let skipHeader = header;
  let malformed = 0;
  return {
    get malformed() {
      return malformed;
    },
    parse(line: string): FeatureValue[] | undefined {
      if (line.trim() === '') {
        return undefined;
      }
      if (format === 'csv') {
        if (skipHeader) {
          skipHeader = false;
          return undefined;
        }
        const cells = splitCsvLine(line);
        if (features.some((f) => f.index >= cells.length)) {
          malformed++;
          return undefined;
        }
        return features.map((f) => cells[f.index]);
      }
      let doc: unknown;
      try {
        doc = JSON.parse(line);
      } catch {
        malformed++;
        return undefined;
      }
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
        malformed++;
        return undefined;
      }
      const record = doc as Record<string, unknown>;
      return features.map((f) => {
        const v = record[f.name];
        return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : null;
      });
    },
  };
}
