/**
 * A bucket has exactly one notification configuration, so every notification on a bucket must
 * live in one resource; two would overwrite each other on every apply. Modules register their
 * topics here and the stack creates one resource per bucket at the end.
 */
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

export interface TopicNotification {
  readonly topicArn: string;
  /** @default every key */
  readonly prefix?: string;
  /** @default every key */
  readonly suffix?: string;
  /** The topic's policy must exist first, or S3 refuses the configuration. */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** A bucket by its plain name (the construct id) and its Terraform id (which orders the apply). */
export interface NotifiedBucket {
  readonly name: string;
  readonly id: string;
}

export class BucketNotifications extends Construct {
  private readonly byBucket = new Map<string, { bucket: NotifiedBucket; notifications: TopicNotification[] }>();

  /** Notifies `topicArn` of objects created in `bucket` (under prefix, with suffix). */
  add(bucket: NotifiedBucket, notification: TopicNotification): void {
    const entry = this.byBucket.get(bucket.name) ?? { bucket, notifications: [] };
    entry.notifications.push(notification);
    this.byBucket.set(bucket.name, entry);
  }

  /** Creates the one notification resource of each bucket; call once, after every add(). */
  create(): S3BucketNotification[] {
    return [...this.byBucket.values()].map(
      ({ bucket, notifications }) =>
        new S3BucketNotification(this, bucket.name, {
          bucket: bucket.id,
          topic: notifications.map((n, i) => ({
            id: `pcm-${i}`,
            topicArn: n.topicArn,
            events: ['s3:ObjectCreated:*'],
            filterPrefix: n.prefix,
            filterSuffix: n.suffix,
          })),
          dependsOn: notifications.flatMap((n) => n.dependsOn ?? []),
        }),
    );
  }
}
