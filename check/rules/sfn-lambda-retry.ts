/**
 * A state machine's Lambda tasks retry Lambda's transient errors. Step Functions surfaces
 * Lambda.ServiceException, Lambda.AWSLambdaException and Lambda.SdkClientException on short
 * service hiccups, and Lambda.TooManyRequestsException when the function's concurrency (reserved
 * concurrency, or the account's) is used up; AWS's Step Functions best practices tell to retry them
 * proactively. Without a retrier each one fails the task, and a campaign marks a whole chunk
 * failed because Lambda was briefly busy. moto runs no Lambda task, so only the definition shows it.
 */
import { violation, type RuleCheck } from '../rule';

export const LAMBDA_TRANSIENT_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'] as const;

type State = { readonly Type?: string; readonly Resource?: unknown; readonly Retry?: readonly { readonly ErrorEquals?: readonly string[] }[]; readonly [key: string]: unknown };

/** Every state of a definition, nested ones (Map processors, Parallel branches) included, with its path. */
function* statesOf(states: unknown, path: string): Generator<[string, State]> {
  if (!states || typeof states !== 'object') return;
  for (const [name, state] of Object.entries(states as Record<string, State>)) {
    const here = path ? `${path}/${name}` : name;
    yield [here, state];
    const processor = (state.ItemProcessor ?? state.Iterator) as { States?: unknown } | undefined;
    if (processor) yield* statesOf(processor.States, here);
    for (const branch of (state.Branches as { States?: unknown }[] | undefined) ?? []) yield* statesOf(branch.States, here);
  }
}

const invokesLambda = (resource: unknown): boolean => typeof resource === 'string' && /^arn:aws[\w-]*:(states:::lambda:invoke|lambda:)/.test(resource);

export const sfnLambdaRetry: RuleCheck = ({ stack }) =>
  stack.ofType('aws_sfn_state_machine').flatMap((machine) => {
    let definition: { States?: unknown };
    try {
      definition = JSON.parse(String(machine.values.definition)) as { States?: unknown };
    } catch {
      // Never a silent pass: a definition the rule cannot read is reported.
      return [violation(machine, 'definition is not JSON the check can read, so its Lambda tasks could not be checked')];
    }
    return [...statesOf(definition.States, '')].flatMap(([path, state]) => {
      if (state.Type !== 'Task' || !invokesLambda(state.Resource)) return [];
      const retried = new Set((state.Retry ?? []).flatMap((r) => r.ErrorEquals ?? []));
      if (retried.has('States.ALL')) return [];
      const missing = LAMBDA_TRANSIENT_ERRORS.filter((e) => !retried.has(e));
      return missing.length ? [violation(machine, `Lambda task "${path}" does not retry ${missing.join(', ')}`)] : [];
    });
  });
