/** Options of variant targeting. */
export interface VariantTargetingOptions {
  /**
   * The variants a request may be sent to; a request that names another variant is answered 400 without reaching the
   * endpoint's model. Each must be a production variant of the endpoint.
   *
   * @default - every production variant of the endpoint
   */
  readonly variantNames?: string[];
}

/** Where a request's target variant comes from. */
export enum VariantTargetingSource {
  /** No targeting: SageMaker routes by the variants' weights. */
  NONE = 'NONE',
  /** A request header the client sends. */
  HEADER = 'HEADER',
  /** A key of the `context` map the Lambda authorizer returns. */
  AUTHORIZER_CONTEXT = 'AUTHORIZER_CONTEXT',
}

/**
 * How a request picks the production variant that serves it: SageMaker's `X-Amzn-SageMaker-Target-Variant` header
 * (InvokeEndpoint `TargetVariant`, https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html),
 * which overrides the variants' weights for that request.
 *
 * API Gateway mapping templates cannot hash a user id: `$util` offers only escapeJavaScript, parseJson, urlEncode,
 * urlDecode, base64Encode and base64Decode
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html#util-template-reference).
 * For sticky experiments, the hash is computed where code runs: in the client (`VariantAssignment.variantFor(userId, ...)`,
 * sent with `fromHeader()`), or in a Lambda authorizer that returns the variant in its context (`fromAuthorizerContext()`).
 */
export class VariantTargeting {
  /** No targeting: SageMaker routes each request by the variants' weights. */
  public static none(): VariantTargeting {
    return new VariantTargeting(VariantTargetingSource.NONE, undefined, []);
  }

  /**
   * The client names the variant in a request header (e.g. the result of `VariantAssignment.variantFor(userId, ...)`);
   * requests without it are routed by weight.
   *
   * @param headerName the request header, e.g. 'X-Target-Variant'
   */
  public static fromHeader(headerName: string, options: VariantTargetingOptions = {}): VariantTargeting {
    return new VariantTargeting(VariantTargetingSource.HEADER, headerName, options.variantNames);
  }

  /**
   * The Lambda authorizer names the variant in its `context` map under `key` (e.g. computed with
   * `VariantAssignment.variantFor(userId, ...)` from the caller's identity); needs `InferenceApiAuthorization.lambdaAuthorizer()`.
   */
  public static fromAuthorizerContext(key: string, options: VariantTargetingOptions = {}): VariantTargeting {
    return new VariantTargeting(VariantTargetingSource.AUTHORIZER_CONTEXT, key, options.variantNames);
  }

  private constructor(
    /** Where the variant comes from. */
    public readonly source: VariantTargetingSource,
    /** The header name or the authorizer context key; undefined for `NONE`. */
    public readonly name?: string,
    /** The variants a request may target; undefined for every production variant. */
    public readonly variantNames?: string[],
  ) {}
}
