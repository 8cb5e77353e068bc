import * as fs from 'fs';
import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { MlopsValidationError } from '../private/validation';

/*
 * The open sets of a `SparkJob`: Glue versions, worker types, and where the script comes from. Sources:
 * - Glue versions and their Spark runtimes: https://docs.aws.amazon.com/glue/latest/dg/release-notes.html (5.1: Spark 3.5.6,
 *   5.0: Spark 3.5.4; both Python 3.11). 5.x logs in real time to the groups named by `--custom-logGroup-prefix`
 *   (https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging.html), which is how a SparkJob keeps its logs.
 * - worker types: https://docs.aws.amazon.com/glue/latest/dg/worker-types.html (G.1X to G.16X, R.1X to R.8X); G.025X is for
 *   streaming jobs and Z.2X for Ray jobs (CreateJob's WorkerType,
 *   https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-jobs-job.html), neither of which a SparkJob (a `glueetl` batch job) is.
 */

/** The Glue versions a SparkJob runs on: Glue 5. */
const GLUE_VERSIONS = ['5.0', '5.1'];

/**
 * The AWS Glue version of a Spark job (its Spark and Python runtime).
 */
export class GlueVersion {
  /** Glue 5.0: Spark 3.5.4, Python 3.11, Java 17. */
  public static readonly V5_0 = new GlueVersion('5.0');
  /** Glue 5.1: Spark 3.5.6, Python 3.11, Java 17. */
  public static readonly V5_1 = new GlueVersion('5.1');

  /** The Glue version known by its name, e.g. `'5.0'`; a token is passed through unchecked. */
  public static of(version: string): GlueVersion {
    return new GlueVersion(version);
  }

  /** The Glue versions a SparkJob accepts. */
  public static readonly SUPPORTED: string[] = [...GLUE_VERSIONS];

  /** The Glue version, such as `'5.0'` (or a token). */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  /** Whether this is a Glue version a SparkJob runs on (tokens count as supported). */
  public get isSupported(): boolean {
    return Token.isUnresolved(this.name) || GLUE_VERSIONS.includes(this.name);
  }
}

/** What is known of a worker type: its DPUs (1 DPU = 4 vCPUs, 16 GB). */
interface WorkerFacts {
  readonly dpu: number;
}

/** Batch Spark worker types (https://docs.aws.amazon.com/glue/latest/dg/worker-types.html). */
const WORKER_TYPES: Record<string, WorkerFacts> = {
  'G.1X': { dpu: 1 },
  'G.2X': { dpu: 2 },
  'G.4X': { dpu: 4 },
  'G.8X': { dpu: 8 },
  'G.12X': { dpu: 12 },
  'G.16X': { dpu: 16 },
  'R.1X': { dpu: 1 },
  'R.2X': { dpu: 2 },
  'R.4X': { dpu: 4 },
  'R.8X': { dpu: 8 },
};
/** Worker types that exist but are not for batch Spark jobs, and why. */
const OTHER_JOB_WORKERS: Record<string, string> = {
  'G.025X': 'G.025X is for Glue streaming jobs only',
  'Z.2X': 'Z.2X is for Glue Ray jobs only',
  'Standard': 'Standard is the worker of Glue 1.0 and earlier',
};

/** The minimum workers of a Spark job: one driver and at least one executor. */
const MIN_SPARK_WORKERS = 2;

/**
 * The worker type of a Spark job.
 */
export class SparkWorkerType {
  /** 1 DPU per worker (4 vCPUs, 16 GB): most transforms, joins and queries. */
  public static readonly G_1X = new SparkWorkerType('G.1X');
  /** 2 DPUs per worker (8 vCPUs, 32 GB). */
  public static readonly G_2X = new SparkWorkerType('G.2X');
  /** 4 DPUs per worker (16 vCPUs, 64 GB): demanding transforms, aggregations and joins. */
  public static readonly G_4X = new SparkWorkerType('G.4X');
  /** 8 DPUs per worker (32 vCPUs, 128 GB). */
  public static readonly G_8X = new SparkWorkerType('G.8X');

  /** The fewest workers of a Spark job: one driver and at least one executor. */
  public static readonly MIN_WORKERS = MIN_SPARK_WORKERS;

  /** A worker type by name, e.g. `'R.2X'`; checked when the job is defined (tokens pass). */
  public static of(name: string): SparkWorkerType {
    return new SparkWorkerType(name);
  }

  /** The Glue worker type, such as `'G.1X'` (or a token). */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  /** Why this type cannot run a batch Spark job, or undefined when it can (or is a token). */
  public get problem(): string | undefined {
    if (Token.isUnresolved(this.name) || WORKER_TYPES[this.name]) {
      return undefined;
    }
    return OTHER_JOB_WORKERS[this.name] ?? 'it is not a Glue worker type';
  }

  /** The batch Spark worker types. */
  public static readonly KNOWN: string[] = Object.keys(WORKER_TYPES);
}

/** Where a SparkJob's script is, once bound. */
export interface SparkScriptConfig {
  /** The `s3://` URI of the script. */
  readonly s3Uri: string;

  /**
   * The script's text, when it is known at synth (a local file), for the checks that read it.
   *
   * @default - not known (a script in S3)
   */
  readonly text?: string;
}

/**
 * The PySpark script of a SparkJob: a file of the user's repository (uploaded as a CDK asset, no bundling) or an object in S3.
 */
export abstract class SparkScript {
  /** A local file, uploaded as an S3 asset at deploy time. */
  public static fromAsset(path: string): SparkScript {
    return new AssetScript(path);
  }

  /** An object in S3 that the job's role may read. */
  public static fromBucket(bucket: s3.IBucket, key: string): SparkScript {
    return new BucketScript(bucket, key);
  }

  /** Makes the script available to `grantee` and says where it is. */
  public abstract bind(scope: Construct, grantee: iam.IGrantable): SparkScriptConfig;
}

class AssetScript extends SparkScript {
  private asset?: s3assets.Asset;

  constructor(private readonly path: string) {
    super();
  }

  public bind(scope: Construct, grantee: iam.IGrantable): SparkScriptConfig {
    if (!fs.existsSync(this.path) || !fs.statSync(this.path).isFile()) {
      throw new MlopsValidationError(`SparkJob ${scope.node.path}: script must be a file of a PySpark script, got '${this.path}'`);
    }
    if (!this.asset) {
      this.asset = new s3assets.Asset(scope, 'Script', { path: this.path });
    }
    grantScriptRead(grantee, this.asset.bucket, this.asset.s3ObjectKey);
    return { s3Uri: this.asset.s3ObjectUrl, text: fs.readFileSync(this.path, 'utf-8') };
  }
}

class BucketScript extends SparkScript {
  constructor(private readonly bucket: s3.IBucket, private readonly key: string) {
    super();
  }

  public bind(_scope: Construct, grantee: iam.IGrantable): SparkScriptConfig {
    grantScriptRead(grantee, this.bucket, this.key);
    return { s3Uri: this.bucket.s3UrlForObject(this.key) };
  }
}

/** Reading exactly the script object (and its key, if the bucket has one): not the bucket's wide `grantRead`. */
function grantScriptRead(grantee: iam.IGrantable, bucket: s3.IBucket, key: string): void {
  iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [bucket.arnForObjects(key)] });
  if (bucket.encryptionKey) {
    iam.Grant.addToPrincipal({
      grantee, actions: ['kms:Decrypt'], resourceArns: [bucket.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${bucket.env.region}.amazonaws.com` } },
    });
  }
}
