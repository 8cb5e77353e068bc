/**
 * The S3 listings of the model-quality handler that the shared I/O does not have: the files written flat under
 * the ground-truth prefix (not in its yyyy/mm/dd/hh/ folders), with their write times.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { s3 } from '../shared/io';

export interface ListedObject {
  readonly key: string;
  /** Epoch milliseconds of LastModified; NaN when S3 gave none. */
  readonly lastModified: number;
}

/** The objects directly under `prefix` (ListObjectsV2 with a '/' delimiter: no key of a sub-folder), all pages. */
export async function listFlatObjects(bucket: string, prefix: string): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      if (o.Key && !o.Key.endsWith('/')) out.push({ key: o.Key, lastModified: o.LastModified ? o.LastModified.getTime() : NaN });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}
