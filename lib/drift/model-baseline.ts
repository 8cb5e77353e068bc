import { ILakeZone } from '../data-lake';

/**
 * A baseline that follows the deployed model: each run compares a variant with the profile of the model that variant
 * serves now (DescribeEndpoint, DescribeEndpointConfig, DescribeModel), read next to that model's artifacts as
 * `<model data folder>/<profileName>`. The monitor's `baselineProfile` or `baselineDataset` stays the baseline of a
 * model without such a profile.
 *
 * Write a model's profile when it is trained: invoke the monitor's `baselineFunction` with the dataset's properties and
 * the model's `modelDataUrl` (the training job's `ModelArtifacts.S3ModelArtifacts`), e.g. as a step after registration.
 * After drift retrains and the new model is deployed, its own training data is the baseline, so the monitor stops
 * alarming on the drift retraining answered, and retraining does not loop.
 */
export interface ModelBaseline {
  /** The zone that holds the deployed models' artifacts and, next to them, their profiles. */
  readonly modelsZone: ILakeZone;
  /**
   * The file name of a model's profile, next to its artifacts.
   *
   * @default 'baseline-profile.json'
   */
  readonly profileName?: string;
}
