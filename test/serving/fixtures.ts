import { Resource, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ContainerImage } from '@aws-cdk/aws-sagemaker-alpha';
import { Construct } from 'constructs';
import { DataLake } from '../../lib';
import { ServingModel, ServingModelData, ServingModelProps } from '../../lib/serving';
import { IModelRegistry } from '../../lib/training/model-registry';
import { TEST_ENV, testApp } from '../util';

export interface ServingFixture {
  readonly stack: Stack;
  readonly lake: DataLake;
  readonly repo: ecr.IRepository;
  readonly champion: ServingModel;
  readonly challenger: ServingModel;
}

/** A stack with a lake and two models (champion and challenger) read from the lake's models zone. */
export function servingFixture(stackId: string = 'Serve'): ServingFixture {
  const stack = new Stack(testApp(), stackId, { env: TEST_ENV });
  const lake = new DataLake(stack, 'Lake');
  const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'churn-inference');
  const champion = imageModel(stack, 'Champion', { repo, lake, key: 'churn/v3/model.tar.gz' });
  const challenger = imageModel(stack, 'Challenger', { repo, lake, key: 'churn/v4/model.tar.gz' });
  return { stack, lake, repo, champion, challenger };
}

export function imageModel(scope: Construct, id: string,
  opts: { repo: ecr.IRepository; lake: DataLake; key: string } & Partial<ServingModelProps>): ServingModel {
  const { repo, lake, key, ...rest } = opts;
  return new ServingModel(scope, id, {
    image: ContainerImage.fromEcrRepository(repo, '1.4.2'),
    modelData: ServingModelData.fromLakeZone(lake.zone('models'), key),
    ...rest,
  });
}

/** A stand-in for the training capability's ModelRegistry: only the interface the serving capability uses. */
export class FakeRegistry extends Resource implements IModelRegistry {
  public readonly modelPackageGroupName = 'churn';
  public readonly modelPackageGroupArn: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.modelPackageGroupArn = Stack.of(this).formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: 'churn' });
  }

  public modelPackageArn(version: number): string {
    return Stack.of(this).formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `churn/${version}` });
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker:DescribeModelPackage'], resourceArns: [this.modelPackageGroupArn] });
  }

  public grantApprove(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker:UpdateModelPackage'], resourceArns: [this.modelPackageGroupArn] });
  }

  public grantRegister(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker:CreateModelPackage'], resourceArns: [this.modelPackageGroupArn] });
  }

  public onModelApproved(id: string, options?: events.OnEventOptions): events.Rule {
    return new events.Rule(this, id, { ...options, eventPattern: { source: ['aws.sagemaker'] } });
  }
}

