/**
 * Where the profile of a model is: next to its artifacts. The baseline-profile handler writes it there (invoked with the
 * model's `modelDataUrl`), the drift handler reads it for the variants that serve that model. Pure.
 */

/** Where a profile is: an S3 bucket and key. */
export interface ProfileLocation {
  readonly bucket: string;
  readonly key: string;
}

/** The file name of a model's profile, next to its artifacts, unless the event says otherwise. */
export const DEFAULT_PROFILE_NAME = 'baseline-profile.json';

/**
 * The profile next to a model's artifacts: `s3://b/path/output/model.tar.gz` (a file) or `s3://b/path/model/` (an
 * uncompressed model's prefix) gives `path/output/<name>` or `path/model/<name>`. Undefined for anything but an S3 URI.
 */
export function profileNextTo(modelDataUrl: string | undefined, profileName: string): ProfileLocation | undefined {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(modelDataUrl ?? '');
  if (!m) return undefined;
  const path = m[2];
  const folder = path.endsWith('/') ? path : path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
  return { bucket: m[1], key: `${folder}${profileName}` };
}
