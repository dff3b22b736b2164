/** Reading small JSON objects (signal files, CNM-R messages) from S3. */
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { BadInputError } from './errors';

/** Signal files and CNM messages are small; a bigger object is a mistake, not something to load. */
export const MAX_JSON_OBJECT_BYTES = 8 * 1024 * 1024;

export async function readObjectText(s3: S3Client, bucket: string, key: string): Promise<string> {
  let out;
  try {
    out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    // Gone since the event (or not yet visible): retried, then the DLQ keeps the event.
    if (error instanceof NoSuchKey) {
      throw new BadInputError(`s3://${bucket}/${key} does not exist (NoSuchKey)`, 'the object named by the event to exist (was it deleted or renamed after the event?)');
    }
    throw error;
  }
  if ((out.ContentLength ?? 0) > MAX_JSON_OBJECT_BYTES) {
    throw new BadInputError(`s3://${bucket}/${key} is ${out.ContentLength} bytes`, `a JSON object of at most ${MAX_JSON_OBJECT_BYTES} bytes`);
  }
  return (await out.Body?.transformToString('utf-8')) ?? '';
}

/** Parses an object's text as JSON, or says which object is not JSON. */
export function parseJsonObjectText(text: string, bucket: string, key: string, expected: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadInputError(`s3://${bucket}/${key} is not JSON (${error instanceof Error ? error.message : String(error)})`, expected);
  }
}
