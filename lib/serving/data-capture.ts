import { IDataLake, ILakeZone } from '../data-lake';

/** Capture of requests and responses into the lake, for drift analysis. */
export interface DataCaptureOptions {
  /**
   * The lake whose `monitoring` zone receives the captures. Give this or `zone`.
   *
   * @default - the captures go to `zone`
   */
  readonly lake?: IDataLake;

  /**
   * The lake zone that receives the captures. Give this or `lake`.
   *
   * @default - the `monitoring` zone of `lake`
   */
  readonly zone?: ILakeZone;

  /**
   * The key prefix in the zone; SageMaker adds `<endpoint>/<variant>/yyyy/mm/dd/hh/`.
   *
   * @default 'data-capture/'
   */
  readonly prefix?: string;

  /**
   * The share of requests captured, in percent (0-100). Capturing everything multiplies S3 writes and stores every
   * payload, including personal data, for the retention of the zone: sample just enough for drift statistics.
   *
   * @default 10
   */
  readonly samplingPercentage?: number;

  /**
   * Capture the request payloads.
   *
   * @default true
   */
  readonly captureInput?: boolean;

  /**
   * Capture the response payloads.
   *
   * @default true
   */
  readonly captureOutput?: boolean;

  /**
   * Content types captured as CSV text (others are base64-encoded).
   *
   * @default - SageMaker's default
   */
  readonly csvContentTypes?: string[];

  /**
   * Content types captured as JSON text (others are base64-encoded).
   *
   * @default - SageMaker's default
   */
  readonly jsonContentTypes?: string[];
}

/** Where and what an endpoint captures, as drift detection needs to know. */
export interface EndpointDataCapture {
  /** The lake zone that receives the captures. */
  readonly zone: ILakeZone;
  /** The key prefix in the zone; SageMaker writes `<prefix><endpoint>/<variant>/yyyy/mm/dd/hh/<file>.jsonl`. */
  readonly prefix: string;
  /** Whether request payloads are captured. */
  readonly captureInput: boolean;
  /** Whether response payloads are captured. */
  readonly captureOutput: boolean;
  /** The share of requests captured, in percent. */
  readonly samplingPercentage: number;
}
