/**
 * Ground truth as the application writes it, read one way by every check that joins it to captured requests (model
 * quality, and the experiments' success measure): JSON lines, either `{"inferenceId": "...", "label": 1}` or
 * SageMaker's ground-truth shape `{"groundTruthData": {"data": "1", "encoding": "CSV"}, "eventMetadata":
 * {"eventId": "..."}}` (BASE64 data decoded; JSON data read as the label, or its `label` / `groundTruth` field).
 * Labels as teams write them: 1, 1.0, "1", "1.0", true, "True" are one class; so are 0, "0.0", false, "false".
 * Pure.
 */

export interface GroundTruth {
  readonly id: string;
  /** The normalised label (see normaliseLabel). */
  readonly label: string;
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * The canonical text of a label: booleans and "true"/"false" (any case) become "1"/"0", numeric text becomes the
 * number's shortest form ("1.0" -> "1", " 2 " -> "2"), other text is trimmed. Undefined for an empty or
 * non-scalar label.
 */
export function normaliseLabel(raw: unknown): string | undefined {
  if (typeof raw === 'boolean') return raw ? '1' : '0';
  if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : undefined;
  if (typeof raw !== 'string') return undefined;
  const t = raw.trim();
  if (t === '') return undefined;
  const lower = t.toLowerCase();
  if (lower === 'true') return '1';
  if (lower === 'false') return '0';
  return NUMERIC.test(t) ? String(Number(t)) : t;
}

function labelOfJsonData(text: string): unknown {
  try {
    const v = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v.label ?? v.groundTruth) : v;
  } catch {
    return text;
  }
}

/** Parses one ground-truth line; undefined for a malformed line. */
export function parseGroundTruthLine(line: string): GroundTruth | undefined {
  let doc: any;
  try {
    doc = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (doc === null || typeof doc !== 'object') return undefined;
  if (typeof doc.inferenceId === 'string' && doc.inferenceId !== '') {
    const label = normaliseLabel(doc.label);
    return label === undefined ? undefined : { id: doc.inferenceId, label };
  }
  const gt = doc.groundTruthData;
  const id = doc.eventMetadata?.inferenceId ?? doc.eventMetadata?.eventId;
  if (gt && typeof gt.data === 'string' && typeof id === 'string' && id !== '') {
    const encoding = String(gt.encoding ?? '').toUpperCase();
    const text = encoding === 'BASE64' ? Buffer.from(gt.data, 'base64').toString('utf-8') : gt.data;
    const label = normaliseLabel(encoding === 'JSON' ? labelOfJsonData(text) : text);
    return label === undefined ? undefined : { id, label };
  }
  return undefined;
}
