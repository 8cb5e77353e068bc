/**
 * How load-test traffic is marked: every request a load-test worker sends carries an InferenceId that starts with this prefix
 * (InvokeEndpoint's InferenceId, which data capture records as `eventMetadata.inferenceId`). Drift, model-quality and
 * experiment handlers skip captured records that carry it, so that synthetic traffic never counts as production traffic.
 */
export const LOAD_TEST_INFERENCE_ID_PREFIX = 'cdk-mlops-load-test-';

/** Whether a captured inference id marks a load-test request. */
export function isLoadTestInference(inferenceId: string | undefined): boolean {
  return typeof inferenceId === 'string' && inferenceId.startsWith(LOAD_TEST_INFERENCE_ID_PREFIX);
}
