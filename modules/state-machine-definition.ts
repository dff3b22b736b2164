/**
 * A state machine's definition as the state machine resource gets it: the JSON itself where the
 * AWS provider may check it while planning (real AWS), or the same JSON passed through a
 * `terraform_data` where it may not (an emulator without ValidateStateMachineDefinition; see
 * `supportsStateMachineValidation` in stacks/aws-target.ts). A `terraform_data`'s output is
 * unknown at plan time whenever its input is new or changed, so the provider skips its check, and
 * equal to the input after apply, so the deployed definition is the same in both.
 */
import { DataResource } from 'cdktf';
import { Construct } from 'constructs';

export function stateMachineDefinition(scope: Construct, id: string, definition: string, checkedAtPlan: boolean): string {
  if (checkedAtPlan) return definition;
  const carrier = new DataResource(scope, id, { input: { definition } });
  return carrier.getStringAttribute('output.definition');
}
