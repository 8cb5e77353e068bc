import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { DataCaptureOptions } from './data-capture';
import { ILakeZone } from '../data-lake';
import { InputErrors, checkWholeNumber, isToken } from '../private/validation';

/** Checks the data capture options of an endpoint. */
export function checkDataCapture(errors: InputErrors, capture: DataCaptureOptions): void {
  checkWholeNumber(errors, 'dataCapture.samplingPercentage', capture.samplingPercentage, { min: 0, max: 100, allowed: 'a whole percentage from 0 to 100' });
  const prefix = capture.prefix;
  if (prefix !== undefined && !isToken(prefix) && (prefix.startsWith('/') || prefix.includes('*') || !prefix.endsWith('/'))) {
    errors.add('dataCapture.prefix', prefix, 'a key prefix ending with \'/\', without a leading slash or wildcards, e.g. \'data-capture/\'');
  }
  if (!capture.zone && !capture.lake) {
    errors.addMessage('dataCapture needs lake (captures go to its monitoring zone) or zone, got neither');
  }
  if (capture.captureInput === false && capture.captureOutput === false) {
    errors.addMessage('dataCapture must capture input, output or both, got captureInput false and captureOutput false');
  }
}

/** The endpoint configuration's DataCaptureConfig: into `prefix` of `zone`, encrypted with the zone's key. */
export function renderDataCapture(capture: DataCaptureOptions, zone: ILakeZone, prefix: string):
sagemaker.CfnEndpointConfig.DataCaptureConfigProperty {
  const key = zone.encryptionKey ?? zone.bucket.encryptionKey;
  const modes = [];
  if (capture.captureInput ?? true) {
    modes.push({ captureMode: 'Input' });
  }
  if (capture.captureOutput ?? true) {
    modes.push({ captureMode: 'Output' });
  }
  return {
    enableCapture: true,
    initialSamplingPercentage: capture.samplingPercentage ?? 10,
    destinationS3Uri: zone.s3Uri(prefix),
    kmsKeyId: key?.keyArn,
    captureOptions: modes,
    captureContentTypeHeader: capture.csvContentTypes || capture.jsonContentTypes
      ? { csvContentTypes: capture.csvContentTypes, jsonContentTypes: capture.jsonContentTypes }
      : undefined,
  };
}
