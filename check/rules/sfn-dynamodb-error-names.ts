import { violation, type RuleCheck } from '../rule';
import { shown } from '../stack-view';

/**
 * A Catch or Retry of a DynamoDB task names the errors the way its integration reports them. The
 * optimized integration (`arn:aws:states:::dynamodb:updateItem`) reports `DynamoDB.<Code>`; the
 * AWS SDK integration (`arn:aws:states:::aws-sdk:dynamodb:transactWriteItems`) reports
 * `DynamoDb.<Exception>` (what Step Functions answers, and what moto 5.2.1's interpreter, taken
 * from LocalStack's, copies). A name of the other spelling never matches: the ConditionalCheckFailed
 * a ledger transition expects, or a throttle it should retry, then fails the execution instead.
 */
export const sfnDynamodbErrorNames: RuleCheck = ({ stack }) =>
  stack.ofType('aws_sfn_state_machine').flatMap((machine) => {
    let definition: unknown;
    try {
      definition = JSON.parse(shown(machine.values.definition ?? ''));
    } catch {
      return [violation(machine, 'definition is not JSON; its DynamoDB error names could not be checked')];
    }
    const problems: string[] = [];
    const visit = (states: Record<string, Record<string, unknown>> | undefined) => {
      for (const [name, state] of Object.entries(states ?? {})) {
        const resource = shown(state.Resource ?? '');
        // In any partition: GovCloud's integrations are arn:aws-us-gov:states:::...
        const sdk = /^arn:aws[\w-]*:states:::aws-sdk:dynamodb:/.test(resource);
        const optimized = /^arn:aws[\w-]*:states:::dynamodb:/.test(resource);
        if (sdk || optimized) {
          const [right, wrong] = sdk ? ['DynamoDb.', 'DynamoDB.'] : ['DynamoDB.', 'DynamoDb.'];
          for (const handler of [...((state.Retry as { ErrorEquals?: string[] }[]) ?? []), ...((state.Catch as { ErrorEquals?: string[] }[]) ?? [])]) {
            const names = handler.ErrorEquals ?? [];
            for (const error of names.filter((e) => e.startsWith(wrong))) {
              const code = error.slice(wrong.length);
              // The SDK integration names the exception class (RequestLimitExceeded becomes ...Exception).
              const meant = sdk ? [right + (code.endsWith('Exception') ? code : `${code}Exception`)] : [right + code, right + code.replace(/Exception$/, '')];
              // Both spellings listed: harmless (a retry list shared by both kinds of task).
              if (!meant.some((m) => names.includes(m))) {
                problems.push(`state "${name}" (${sdk ? 'AWS SDK' : 'optimized'} integration) handles ${error}, which it never reports; it reports ${meant[0]}`);
              }
            }
          }
        }
        const processor = (state.ItemProcessor ?? state.Iterator) as { States?: Record<string, Record<string, unknown>> } | undefined;
        visit(processor?.States);
        for (const branch of (state.Branches as { States?: Record<string, Record<string, unknown>> }[]) ?? []) visit(branch.States);
      }
    };
    visit((definition as { States?: Record<string, Record<string, unknown>> }).States);
    return problems.map((p) => violation(machine, p));
  });
