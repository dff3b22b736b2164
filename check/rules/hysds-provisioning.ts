import { Naming } from '../../modules/naming';
import { violation, type RuleCheck } from '../rule';
import { asList, referencedAddress } from '../stack-view';

/**
 * Nothing else starts HySDS on a stock image: a State Manager association must run the
 * provisioning document on mozart (moto has no associations; this holds the real-AWS form).
 */
export const hysdsProvisioning: RuleCheck = ({ stack, config }) => {
  const mozartName = Naming.of(config).resource('mozart');
  const mozart = stack.ofType('aws_instance').find((i) => (i.values.tags as Record<string, string> | undefined)?.Name === mozartName);
  if (!mozart) return [];
  const targeted = stack.ofType('aws_ssm_association').some((association) =>
    asList(association.values.targets).some((t) => t.key === 'InstanceIds' && ([] as unknown[]).concat(t.values).some((v) => referencedAddress(v) === mozart.address)),
  );
  return targeted ? [] : [violation(mozart, 'no State Manager association provisions HySDS on mozart: nothing runs sds update, start, ship or pkg import')];
};
