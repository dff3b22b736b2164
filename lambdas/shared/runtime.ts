/**
 * The production wiring the SQS-fed handlers share: their configuration, AWS clients configured by
 * the Lambda environment, the console logger, the clock. Tests pass their own instead.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { consoleLogger } from './log';

export function runtimeDeps<C extends { readonly idempotencyTable: string }>(config: C) {
  return { config, idempotencyTable: config.idempotencyTable, s3: new S3Client({}), dynamodb: new DynamoDBClient({}), logger: consoleLogger, now: Date.now };
}
