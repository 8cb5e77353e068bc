import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LakeWriteOptions, ILakeZone } from './lake-zone';
import { checkObjectKey, normalizePrefix } from '../private/lake-prefix';
import { grantObjects } from '../private/s3-grants';
import { InputErrors } from '../private/validation';

/**
 * A zone of a lake, defined here or imported: a thin view over its bucket. Every grant goes through `grantObjects`.
 */
export class LakeZoneView implements ILakeZone {
  constructor(public readonly zoneName: string, public readonly bucket: s3.IBucket, public readonly encryptionKey?: kms.IKey,
    public readonly objectExpiration?: Duration) {}

  public s3Uri(prefix: string = ''): string {
    const p = this.normalizePrefix(prefix);
    return this.bucket.s3UrlForObject(p || undefined);
  }

  public normalizePrefix(prefix?: string): string {
    const errors = new InputErrors(this.bucket, `LakeZone '${this.zoneName}'`);
    const p = normalizePrefix(errors, 'prefix', prefix);
    errors.throwIfAny();
    return p!;
  }

  public grantRead(grantee: iam.IGrantable, prefix?: string): iam.Grant {
    return grantObjects(grantee, this.scope(prefix), { read: true });
  }

  public grantWrite(grantee: iam.IGrantable, prefix?: string, options: LakeWriteOptions = {}): iam.Grant {
    return grantObjects(grantee, this.scope(prefix), writeAccess(options));
  }

  public grantReadWrite(grantee: iam.IGrantable, prefix?: string, options: LakeWriteOptions = {}): iam.Grant {
    return grantObjects(grantee, this.scope(prefix), { read: true, ...writeAccess(options) });
  }

  public grantObjectRead(grantee: iam.IGrantable, key: string): iam.Grant {
    return grantObjects(grantee, this.objectScope(key), { read: true });
  }

  public grantObjectWrite(grantee: iam.IGrantable, key: string): iam.Grant {
    return grantObjects(grantee, this.objectScope(key), { write: true });
  }

  private scope(prefix?: string) {
    return { bucket: this.bucket, encryptionKey: this.encryptionKey, prefix: this.normalizePrefix(prefix) };
  }

  private objectScope(key: string) {
    const errors = new InputErrors(this.bucket, `LakeZone '${this.zoneName}'`);
    checkObjectKey(errors, 'key', key);
    errors.throwIfAny();
    return { bucket: this.bucket, encryptionKey: this.encryptionKey, objectKey: key };
  }
}

function writeAccess(options: LakeWriteOptions) {
  return {
    write: true,
    delete: options.allowDelete ?? true,
    deleteVersions: options.allowVersionDeletion ?? false,
    retention: options.allowRetention ?? false,
    legalHold: options.allowLegalHold ?? false,
  };
}
