import { Duration } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/** Options of a Cognito user pool authorizer. */
export interface CognitoAuthorizationOptions {
  /** The user pools whose tokens are accepted (at least one). */
  readonly userPools: cognito.IUserPool[];

  /**
   * OAuth scopes the access token must carry (then clients send an access token, not an ID token).
   *
   * @default - none: an ID token of one of the pools is enough
   */
  readonly scopes?: string[];

  /**
   * How long API Gateway caches a decision for one token.
   *
   * @default Duration.minutes(5)
   */
  readonly resultsCacheTtl?: Duration;
}

/** Options of a Lambda (request) authorizer. */
export interface LambdaAuthorizationOptions {
  /**
   * The function that decides: it receives the request's headers (a REQUEST authorizer) and returns an IAM policy and,
   * optionally, a `context` map; with `VariantTargeting.fromAuthorizerContext()` one key of that map picks the variant.
   */
  readonly handler: lambda.IFunction;

  /**
   * The request headers the decision depends on (they are also the cache key).
   *
   * @default ['Authorization']
   */
  readonly identityHeaders?: string[];

  /**
   * How long API Gateway caches a decision for one set of identity headers; Duration.seconds(0) turns caching off.
   *
   * @default Duration.minutes(5)
   */
  readonly resultsCacheTtl?: Duration;
}

/** The kinds of authorization of an `InferenceApi`. */
export enum InferenceApiAuthorizationKind {
  /** AWS Signature Version 4 with IAM credentials allowed `execute-api:Invoke`. */
  IAM = 'IAM',
  /** A JWT of an Amazon Cognito user pool. */
  COGNITO = 'COGNITO',
  /** A Lambda function that returns an IAM policy. */
  LAMBDA = 'LAMBDA',
}

/**
 * Who may call an `InferenceApi`: IAM (SigV4) by default, a Cognito user pool, or a Lambda authorizer.
 */
export class InferenceApiAuthorization {
  /** Requests signed with AWS Signature Version 4 by a principal allowed `execute-api:Invoke` (see `InferenceApi.grantInvoke`). */
  public static iam(): InferenceApiAuthorization {
    return new InferenceApiAuthorization(InferenceApiAuthorizationKind.IAM);
  }

  /** Requests with a JWT of one of the user pools in the `Authorization` header. */
  public static cognito(options: CognitoAuthorizationOptions): InferenceApiAuthorization {
    return new InferenceApiAuthorization(InferenceApiAuthorizationKind.COGNITO, options, undefined);
  }

  /** Requests a Lambda function allows. */
  public static lambdaAuthorizer(options: LambdaAuthorizationOptions): InferenceApiAuthorization {
    return new InferenceApiAuthorization(InferenceApiAuthorizationKind.LAMBDA, undefined, options);
  }

  private constructor(
    /** The kind of authorization. */
    public readonly kind: InferenceApiAuthorizationKind,
    /** The Cognito options, for `COGNITO`. */
    public readonly cognitoOptions?: CognitoAuthorizationOptions,
    /** The Lambda options, for `LAMBDA`. */
    public readonly lambdaOptions?: LambdaAuthorizationOptions,
  ) {}
}
