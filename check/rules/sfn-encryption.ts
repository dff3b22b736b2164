import { asList } from '../stack-view';
import { violation, type RuleCheck } from '../rule';

/** State machines encrypt their definitions and execution data (inventory rows) with a customer key. */
export const sfnEncryption: RuleCheck = ({ stack }) =>
  stack.ofType('aws_sfn_state_machine').flatMap((machine) => {
    const encryption = asList(machine.values.encryption_configuration)[0] as { type?: string; kms_key_id?: string } | undefined;
    return encryption?.type === 'CUSTOMER_MANAGED_KMS_KEY' && encryption.kms_key_id ? [] : [violation(machine, 'execution data not encrypted with a customer-managed KMS key')];
  });
