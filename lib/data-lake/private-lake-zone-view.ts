import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ILakeZone } from './lake-zone';

/**
 * A zone of a lake, defined here or imported: a thin view over its bucket.
 */
export class LakeZoneView implements ILakeZone {
  constructor(public readonly zoneName: string, public readonly bucket: s3.IBucket, public readonly encryptionKey?: kms.IKey) {}

  public s3Uri(prefix: string = ''): string {
    return this.bucket.s3UrlForObject(prefix || undefined);
  }

  public grantRead(grantee: iam.IGrantable, prefix?: string): iam.Grant {
    return this.bucket.grantRead(grantee, objectsPattern(prefix));
  }

  public grantWrite(grantee: iam.IGrantable, prefix?: string): iam.Grant {
    return this.bucket.grantWrite(grantee, objectsPattern(prefix));
  }

  public grantReadWrite(grantee: iam.IGrantable, prefix?: string): iam.Grant {
    return this.bucket.grantReadWrite(grantee, objectsPattern(prefix));
  }
}

function objectsPattern(prefix?: string): string {
  return prefix ? `${prefix}*` : '*';
}
