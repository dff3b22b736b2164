import { bundleUrl, parseBundleUrl } from '../../modules/compute/cluster-config';
import { Naming } from '../../modules/naming';
import { violation, type RuleCheck } from '../rule';
import { userDataOf, workerTemplates } from './hysds-user-data';

/**
 * The verdi bootstrap reads `grep BUNDLE_URL | cut -d= -f 2` of the user data: every worker's
 * launch template has exactly one such line, naming the bundle `sds ship` writes for its queue.
 */
export const hysdsBootstrap: RuleCheck = ({ stack, config }) => {
  const naming = Naming.of(config);
  const templates = workerTemplates(stack.resources);
  return stack.ofType('aws_launch_template').flatMap((template) => {
    const group = templates.get(template.address);
    if (group === undefined) return [];
    const userData = userDataOf(template);
    if (userData === undefined) return [violation(template, `has no user data, so its workers never learn their bundle (${group})`)];
    if ('unreadable' in userData) return [violation(template, `user data cannot be read: ${userData.unreadable}`)];
    const parsed = parseBundleUrl(userData.text);
    if ('problem' in parsed) return [violation(template, parsed.problem)];
    const queue = naming.queueOfWorkerGroup(group);
    const expected = queue === undefined ? undefined : bundleUrl(naming.bucket('code'), queue, naming.venue);
    return parsed.url === expected ? [] : [violation(template, `names the bundle ${parsed.url}; sds ship writes ${expected ?? `none for group ${group}`}`)];
  });
};
