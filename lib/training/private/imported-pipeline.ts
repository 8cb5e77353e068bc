import { Arn, ArnFormat, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { InputErrors } from '../../private/validation';
import { ITrainingPipeline } from '../training-pipeline-interface';

/** `arn:<partition>:states:<region>:<account>:stateMachine:<name>`; state machine names are 1-80 characters. */
const STATE_MACHINE_ARN = /^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

/** A training pipeline defined elsewhere (another stack or app), known by its state machine's ARN. */
export class ImportedTrainingPipeline extends Construct implements ITrainingPipeline {
  public readonly stateMachine: sfn.IStateMachine;
  public readonly stateMachineArn: string;
  public readonly pipelineName: string;

  constructor(scope: Construct, id: string, stateMachineArn: string) {
    super(scope, id);
    const errors = new InputErrors(this, 'TrainingPipeline.fromStateMachineArn');
    if (typeof stateMachineArn !== 'string') {
      errors.add('stateMachineArn', stateMachineArn, 'the ARN of a state machine, arn:<partition>:states:<region>:<account>:stateMachine:<name>');
    } else if (!Token.isUnresolved(stateMachineArn)) {
      errors.check(STATE_MACHINE_ARN.test(stateMachineArn), 'stateMachineArn', stateMachineArn,
        'the ARN of a state machine, arn:<partition>:states:<region>:<account>:stateMachine:<name>');
    }
    errors.throwIfAny();
    this.stateMachine = sfn.StateMachine.fromStateMachineArn(this, 'StateMachine', stateMachineArn);
    this.stateMachineArn = this.stateMachine.stateMachineArn;
    this.pipelineName = Arn.split(stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName!;
  }

  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartExecution(grantee);
  }

  public metricFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricFailed(props);
  }

  public metricTimedOut(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricTimedOut(props);
  }

  public metricAborted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricAborted(props);
  }

  public metricSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricSucceeded(props);
  }
}
