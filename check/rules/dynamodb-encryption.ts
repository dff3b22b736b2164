import { asList } from '../stack-view';
import { violation, type RuleCheck } from '../rule';

/** DynamoDB tables (the campaign ledger, the idempotency records) encrypt with the environment key. */
export const dynamodbEncryption: RuleCheck = ({ stack }) =>
  stack.ofType('aws_dynamodb_table').flatMap((table) => {
    const sse = asList(table.values.server_side_encryption)[0] as { enabled?: boolean; kms_key_arn?: string } | undefined;
    return sse?.enabled === true && sse.kms_key_arn ? [] : [violation(table, 'not encrypted with a customer-managed KMS key (AWS-owned key)')];
  });
