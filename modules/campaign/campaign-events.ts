/**
 * The Batch-event side of the campaign ledger: an EventBridge rule on Batch's job state changes
 * (SUCCEEDED, FAILED) of this environment's campaign queues, the campaign-events Lambda that moves
 * each array child's ledger row (lambdas/campaign-events), a dead-letter queue for the events it
 * fails on every retry (with its alarm), and a role that may only update the ledger.
 */
import type { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { Construct } from 'constructs';
import { BATCH_EVENT, CAMPAIGN_EVENTS_ENV } from '../../lambdas/campaign-events/contract';
import { BundledFunction } from '../lambda/bundled-function';
import { FailureQueue } from '../messaging/message-queue';
import type { Naming } from '../naming';
import { EnvironmentKeyReference } from '../iam/environment-key';
import type { PolicyStatement } from '../iam/policy';
import type { CampaignNames } from './names';

export interface CampaignEventsProps {
  readonly naming: Naming;
  readonly names: CampaignNames;
  /** The environment key: the ledger's, the DLQ's, the log group's and the function's environment. */
  readonly kmsKeyArn: string;
  /** The config's Batch job queues campaigns submit to (their names in the config). */
  readonly jobQueues: readonly string[];
  readonly logRetentionDays: number;
  /** SNS topic of the environment's alerts (the DLQ's alarm). */
  readonly alarmTopicArn: string;
}

export class CampaignEvents extends Construct {
  readonly function: BundledFunction;
  readonly rule: CloudwatchEventRule;
  readonly deadLetterQueue: FailureQueue;
  /** The function's own statements (the construct adds logging, its DLQ and its environment key). */
  readonly statements: readonly PolicyStatement[];
  /** The rule's event pattern. */
  readonly eventPattern: Readonly<Record<string, unknown>>;

  constructor(scope: Construct, id: string, props: CampaignEventsProps) {
    super(scope, id);
    const { naming, names, kmsKeyArn } = props;
    const functionName = naming.resource('campaign-events', 'lambda');
    this.deadLetterQueue = new FailureQueue(this, 'dead-letter', {
      queue: naming.queueIdentity(naming.resource('campaign-events-dlq', 'sqsQueue')),
      kmsKeyArn,
      source: `${functionName} (Batch job events for the campaign ledger)`,
      alarmTopicArn: props.alarmTopicArn,
    });
    this.statements = [
      // One UpdateItem per row and one per summary: nothing else, on the ledger alone.
      { Sid: 'MovesLedgerRows', Effect: 'Allow', Action: 'dynamodb:UpdateItem', Resource: names.ledgerTableArn },
      // The ledger is encrypted with the environment key.
      new EnvironmentKeyReference(kmsKeyArn).grantEncryptDecrypt('UsesLedgerKey'),
    ];
    this.function = new BundledFunction(this, 'function', {
      lambda: 'campaign-events',
      functionName,
      environment: CAMPAIGN_EVENTS_ENV.write({ table: names.ledgerTable }),
      statements: this.statements,
      logRetentionDays: props.logRetentionDays,
      kmsKeyArn,
      accountId: naming.identity.accountId,
      asyncFailureQueueArn: this.deadLetterQueue.queue.arn,
      timeoutSeconds: 30,
    });
    // The campaign queues' jobs only; other jobs on those queues are ignored by the handler.
    this.eventPattern = {
      source: [BATCH_EVENT.source],
      'detail-type': [BATCH_EVENT.detailType],
      detail: { status: [...BATCH_EVENT.statuses], jobQueue: names.batchArns(props.jobQueues, []) },
    };
    this.rule = this.function.addEventRule(functionName, this.eventPattern, `Batch job state changes of ${naming.venue}'s campaign queues, into the campaign ledger`);
  }
}
