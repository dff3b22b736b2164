/**
 * The DynamoDB table in which the Lambdas record each message they act on, so that a message
 * delivered twice (SQS, SNS and the DAACs all deliver at least once) submits one job.
 * Records expire on their own (TTL); the table is encrypted with the environment key.
 */
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from 'constructs';

export interface IdempotencyTableProps {
  readonly tableName: string;
  readonly kmsKeyArn: string;
  /** Point-in-time recovery and deletion protection. */
  readonly protectData: boolean;
}

/** The attribute names the Lambdas use (lambdas/shared/idempotency.ts). */
export const IDEMPOTENCY_KEY = 'id';
export const IDEMPOTENCY_TTL = 'expiresAt';

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
