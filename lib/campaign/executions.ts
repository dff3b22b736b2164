/**
 * What the campaign verbs need of Step Functions beyond single SDK calls: waiting for an
 * execution to end, and finding a state machine by name (in the emulator, whose account differs
 * from the config's). The client is @aws-sdk/client-sfn's, made like every other SDK client of
 * the kit (lib/deploy/aws-clients.ts for the commands, emulatorClientConfig for the emulator).
 */
import { DescribeExecutionCommand, ListStateMachinesCommand, type DescribeExecutionCommandOutput, type SFNClient } from '@aws-sdk/client-sfn';

export type ExecutionDescription = Pick<DescribeExecutionCommandOutput, 'executionArn' | 'status' | 'error' | 'cause' | 'output'>;

/** Polls DescribeExecution until the execution leaves RUNNING. */
export async function waitForExecution(sfn: SFNClient, executionArn: string, options: { intervalMs?: number; timeoutMs?: number } = {}): Promise<ExecutionDescription> {
  const timeoutMs = options.timeoutMs ?? 600000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') return described;
    if (Date.now() > deadline) throw new Error(`${executionArn} still RUNNING after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
  }
}

/** The ARN of the state machine of that name, or undefined. */
export async function findStateMachine(sfn: SFNClient, name: string): Promise<string | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListStateMachinesCommand({ nextToken }));
    const found = page.stateMachines?.find((m) => m.name === name);
    if (found) return found.stateMachineArn;
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}
