/**
 * The DynamoDB table in which the Lambdas record each message they act on, so that a message
 * delivered twice (SQS, SNS and the DAACs all deliver at least once) submits one job.
 * Records expire on their own (TTL); the table is encrypted with the environment key.
 */
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from 'constructs';
import type { PolicyStatement } from '../iam/policy';
import type { Naming } from '../naming';

export interface IdempotencyTableProps {
  readonly tableName: string;
  readonly kmsKeyArn: string;
  /** Point-in-time recovery and deletion protection. */
  readonly protectData: boolean;
}

/** The attribute names the Lambdas use (lambdas/shared/idempotency.ts). */
export const IDEMPOTENCY_KEY = 'id';
export const IDEMPOTENCY_TTL = 'expiresAt';

/** Item actions a handler needs to record a message, look it up, and forget it when the job fails. */
const ITEM_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

/**
 * The idempotency table known by its ARN, as `<env>-compute`'s Lambdas know `<env>-data`'s table
 * (through the naming module): the statement a handler needs to use it.
 */
export class IdempotencyTableReference {
  static of(naming: Naming): IdempotencyTableReference {
    return new IdempotencyTableReference(naming.idempotencyTableArn());
  }

  constructor(readonly arn: string) {}

  /** Single-item reads and writes: no scans, no queries, nothing on the table itself. */
  grantItems(sid: string): PolicyStatement {
    return { Sid: sid, Effect: 'Allow', Action: ITEM_ACTIONS, Resource: this.arn };
  }
}

export class IdempotencyTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: IdempotencyTableProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, 'table', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: IDEMPOTENCY_KEY,
      attribute: [{ name: IDEMPOTENCY_KEY, type: 'S' }],
      ttl: { attributeName: IDEMPOTENCY_TTL, enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.kmsKeyArn },
      pointInTimeRecovery: { enabled: props.protectData },
      deletionProtectionEnabled: props.protectData,
    });
  }
}
