/**
 * How a training container reads a channel.
 */
export enum TrainingInputMode {
  /** Copy the channel to the training volume before training starts. */
  FILE = 'File',
  /** Stream the channel from S3 through a named pipe. */
  PIPE = 'Pipe',
  /** Read the channel from S3 on demand through a file system (FastFile). */
  FAST_FILE = 'FastFile',
}

/**
 * An input channel of a training job: a prefix in a zone of the lake.
 */
export interface TrainingChannel {
  /** The channel name that the container sees (`/opt/ml/input/data/<name>`): 1-64 letters, digits, `.`, `-` and `_`. */
  readonly name: string;

  /** The lake zone that holds the data, such as `curated` or `features`. */
  readonly zone: string;

  /** The key prefix of the data in the zone, such as `churn/train/`. The training role may read only this prefix. */
  readonly prefix: string;

  /**
   * How the container reads the channel.
   *
   * @default TrainingInputMode.FILE
   */
  readonly inputMode?: TrainingInputMode;

  /**
   * The MIME type of the data, passed to the container.
   *
   * @default - none
   */
  readonly contentType?: string;

  /**
   * For distributed training: give each instance a share of the objects (`ShardedByS3Key`) instead of a full copy.
   *
   * @default false
   */
  readonly shardByS3Key?: boolean;
}

/**
 * A metric that SageMaker parses from the training job's logs.
 */
export interface MetricDefinition {
  /** The metric name, such as `validation:auc`: 1-255 characters. */
  readonly name: string;

  /** A regular expression whose first group captures the value, such as `validation-auc:([0-9.]+)`: 1-500 characters. */
  readonly regex: string;
}

/**
 * How a quality gate compares a metric with its threshold.
 */
export enum GateComparison {
  /** Pass when the metric is greater than or equal to the threshold (accuracy, AUC, F1). */
  GREATER_THAN_OR_EQUAL = '>=',
  /** Pass when the metric is less than or equal to the threshold (loss, RMSE). */
  LESS_THAN_OR_EQUAL = '<=',
}

/**
 * The condition a trained model must meet to reach the registry.
 */
export interface QualityGate {
  /** The metric to check; it must be one of the pipeline's `metricDefinitions`. */
  readonly metricName: string;

  /** The threshold. */
  readonly threshold: number;

  /**
   * How the final metric value is compared with the threshold.
   *
   * @default GateComparison.GREATER_THAN_OR_EQUAL
   */
  readonly comparison?: GateComparison;
}

/**
 * The approval status a registered model package starts with.
 */
export enum ModelApprovalStatus {
  /** A person (or an automation with `grantApprove`) approves the model before it is deployed. */
  PENDING_MANUAL_APPROVAL = 'PendingManualApproval',
  /** The model is approved as soon as it passes the quality gate. */
  APPROVED = 'Approved',
}
