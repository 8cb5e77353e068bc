/**
 * What SageMaker needs to attach training or model containers to a VPC, as in the SageMaker docs
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html): the Describe actions have no resource-level
 * permissions, and SageMaker creates the network interfaces, whose ids are not known in advance.
 */
export const SAGEMAKER_VPC_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:CreateNetworkInterfacePermission',
  'ec2:DeleteNetworkInterface',
  'ec2:DeleteNetworkInterfacePermission',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DescribeDhcpOptions',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
];
