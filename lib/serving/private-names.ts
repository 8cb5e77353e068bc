import { ArnFormat, Names, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** SageMaker's pattern for endpoint and variant names: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpoint.html */
export const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * A deterministic endpoint name from the construct path: lowercase letters, digits and single hyphens, at most 63
 * characters, with a hash of the full path so that two endpoints never share a name.
 */
export function generateEndpointName(scope: Construct): string {
  const raw = Names.uniqueResourceName(scope, { maxLength: 63, separator: '-' }).toLowerCase();
  const name = raw.replace(/[^a-z0-9-]/g, '').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
  return name.slice(0, 63).replace(/-+$/, '');
}

/** The ARN of a SageMaker endpoint. SageMaker lowercases the endpoint name in its ARNs. */
export function endpointArnFor(scope: Construct, endpointName: string): string {
  return Stack.of(scope).formatArn({
    service: 'sagemaker',
    resource: 'endpoint',
    resourceName: Token.isUnresolved(endpointName) ? endpointName : endpointName.toLowerCase(),
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}
