import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * A key-policy statement that lets only AWS services, acting for a principal, create grants on the key
 * (Control Tower CT.KMS.PR.3). SageMaker, Athena, Glue and CloudWatch Logs still get their grants.
 */
export function denyGrantsNotForAwsResources(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyGrantsNotForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  });
}
