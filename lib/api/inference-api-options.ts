import { Duration, Size } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LatencyAlarmOptions, RateAlarmOptions } from '../monitoring';

/** A token bucket: requests per second, and the bucket's size. */
export interface InferenceApiThrottle {
  /**
   * Steady-state requests per second (> 0).
   */
  readonly rateLimit: number;

  /**
   * The most requests at once (the bucket's size): a whole number at least `rateLimit`.
   */
  readonly burstLimit: number;
}

/** A quota of requests per period, for the keys of a usage plan. */
export interface InferenceApiQuota {
  /** Requests per period (a whole number >= 1). */
  readonly limit: number;

  /**
   * The period.
   *
   * @default apigateway.Period.MONTH
   */
  readonly period?: apigateway.Period;
}

/** A usage plan: the API keys of one partner (or tier) with their own throttle and quota. */
export interface InferenceApiUsagePlan {
  /** A construct id for the plan (unique among the plans). */
  readonly id: string;

  /** The keys of the plan (at least one); clients send one in the `x-api-key` header. */
  readonly apiKeys: apigateway.IApiKey[];

  /**
   * The throttle of each key of the plan.
   *
   * @default - the stage's throttle
   */
  readonly throttle?: InferenceApiThrottle;

  /**
   * The quota of each key of the plan.
   *
   * @default - no quota
   */
  readonly quota?: InferenceApiQuota;
}

/** Keeps the API private: reachable only through interface VPC endpoints of `execute-api`. */
export interface InferenceApiPrivateAccess {
  /** The interface VPC endpoints (service `execute-api`) the API accepts requests through (at least one). */
  readonly vpcEndpoints: ec2.IInterfaceVpcEndpoint[];
}

/** The AWS WAF web ACL in front of the API. */
export interface InferenceApiWafOptions {
  /**
   * Requests from one client IP within `evaluationWindow` above which its further requests are blocked; AWS WAF's lowest
   * limit is 10.
   *
   * @default 2000
   */
  readonly rateLimit?: number;

  /**
   * How far back AWS WAF counts a client's requests: 1, 2, 5 or 10 minutes.
   *
   * @default Duration.minutes(5)
   */
  readonly evaluationWindow?: Duration;
}

/** CORS for browser clients. */
export interface InferenceApiCors {
  /** The one origin allowed (e.g. 'https://app.example.com'), or '*'. */
  readonly allowOrigin: string;

  /**
   * Request headers the browser may send.
   *
   * @default - Content-Type, Authorization, X-Amz-Date, X-Amz-Security-Token, X-Api-Key, X-Inference-Id, X-Custom-Attributes and
   * the targeting header
   */
  readonly allowHeaders?: string[];

  /**
   * How long the browser caches a preflight answer.
   *
   * @default Duration.minutes(10)
   */
  readonly maxAge?: Duration;
}

/** The access logs of the API's stage. */
export interface InferenceApiAccessLogOptions {
  /**
   * How long the logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly retention?: logs.RetentionDays;

  /**
   * The key that encrypts the logs; a key defined in this app gets the key-policy statement that lets CloudWatch Logs use it
   * for this API's log groups.
   *
   * @default - a key is defined, rotated yearly
   */
  readonly encryptionKey?: kms.IKey;
}

/** The alarms of the API. */
export interface InferenceApiAlarmOptions {
  /** Share of requests answered with a 5XX error. @default - 1%, critical */
  readonly errorRate5xx?: RateAlarmOptions;
  /** Share of requests answered with a 4XX error. @default - 10%, warning */
  readonly errorRate4xx?: RateAlarmOptions;
  /** p99 latency of the API (request received to response sent). @default - 2 seconds, warning */
  readonly latency?: LatencyAlarmOptions;
}

/** The content types and body size a request may have. */
export interface InferenceApiRequestOptions {
  /**
   * The content types the model accepts; any other is answered 415 by API Gateway (passthrough behavior NEVER). Text types only
   * (text/*, application/json, application/jsonlines, application/x-jsonlines, application/x-ndjson, application/xml,
   * application/*+json, application/*+xml): the API passes bodies as UTF-8 text, so binary input (images, NumPy arrays) goes
   * base64-encoded inside JSON.
   *
   * @default ['application/json']
   */
  readonly contentTypes?: string[];

  /**
   * The largest request body: at most SageMaker's 6 MB (InvokeEndpoint `Body`). Enforced by the web ACL's Content-Length rule,
   * so a limit below 6 MB needs `waf`; without it, SageMaker rejects bodies over 6 MB (400).
   *
   * @default Size.mebibytes(6)
   */
  readonly maxBodySize?: Size;

  /**
   * A JSON schema that `application/json` bodies must match; API Gateway answers 400 to others before calling the endpoint.
   *
   * @default - bodies are not checked against a schema
   */
  readonly jsonSchema?: apigateway.JsonSchema;
}
