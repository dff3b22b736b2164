/**
 * A minimal Step Functions client (the AWS JSON 1.0 protocol, SigV4-signed): the kit has no
 * @aws-sdk/client-sfn dependency, and the campaign command needs five calls. Replace it with
 * the SDK client when that package is added.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentity, SourceData } from '@smithy/types';

const bytes = (data: SourceData): string | Uint8Array => (typeof data === 'string' ? data : data instanceof Uint8Array ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data));

/** The SHA-256 the signer asks for, from node:crypto. */
class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

export class StepFunctionsError extends Error {
  override name = 'StepFunctionsError';
  constructor(readonly type: string, message: string, readonly status: number) {
    super(`${type}: ${message}`);
  }
}

export interface StepFunctionsOptions {
  readonly region: string;
  /** @default https://states.<region>.amazonaws.com */
  readonly endpoint?: string;
  /** @default the SDK's default credential chain */
  readonly credentials?: AwsCredentialIdentity;
}

export interface ExecutionDescription {
  readonly executionArn: string;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';
  readonly error?: string;
  readonly cause?: string;
  readonly output?: string;
}

export class StepFunctions {
  private readonly url: URL;
  private readonly signer: SignatureV4;

  constructor(options: StepFunctionsOptions) {
    this.url = new URL(options.endpoint ?? `https://states.${options.region}.amazonaws.com/`);
    this.signer = new SignatureV4({ service: 'states', region: options.region, sha256: Sha256, credentials: options.credentials ?? defaultProvider() });
  }

  async call<T>(action: string, body: object): Promise<T> {
    const text = JSON.stringify(body);
    const request = await this.signer.sign({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: this.url.port ? Number(this.url.port) : undefined,
      path: '/',
      headers: { host: this.url.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` },
      body: text,
    });
    const response = await fetch(this.url, { method: 'POST', headers: request.headers as Record<string, string>, body: text });
    const answer = await response.text();
    if (!response.ok) {
      let type = `HTTP ${response.status}`;
      let message = answer.slice(0, 300);
      try {
        const parsed = JSON.parse(answer) as { __type?: string; message?: string; Message?: string };
        type = parsed.__type?.split('#').pop() ?? type;
        message = parsed.message ?? parsed.Message ?? message;
      } catch {
        // not JSON: keep the raw text
      }
      throw new StepFunctionsError(type, `${action} failed: ${message}`, response.status);
    }
    return (answer ? JSON.parse(answer) : {}) as T;
  }

  startExecution(stateMachineArn: string, name: string, input: object): Promise<{ executionArn: string }> {
    return this.call('StartExecution', { stateMachineArn, name, input: JSON.stringify(input) });
  }

  describeExecution(executionArn: string): Promise<ExecutionDescription> {
    return this.call('DescribeExecution', { executionArn });
  }

  stopExecution(executionArn: string, cause: string): Promise<unknown> {
    return this.call('StopExecution', { executionArn, error: 'Campaign.Cancelled', cause });
  }

  createStateMachine(name: string, definition: object, roleArn: string): Promise<{ stateMachineArn: string }> {
    return this.call('CreateStateMachine', { name, definition: JSON.stringify(definition), roleArn, type: 'STANDARD' });
  }

  /** Polls until the execution leaves RUNNING. */
  async waitFor(executionArn: string, options: { intervalMs?: number; timeoutMs?: number } = {}): Promise<ExecutionDescription> {
    const deadline = Date.now() + (options.timeoutMs ?? 600000);
    for (;;) {
      const described = await this.describeExecution(executionArn);
      if (described.status !== 'RUNNING') return described;
      if (Date.now() > deadline) throw new Error(`${executionArn} still RUNNING after ${options.timeoutMs ?? 600000} ms`);
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
    }
  }
}
