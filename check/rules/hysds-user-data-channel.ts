import { violation, type RuleCheck } from '../rule';
import { userDataOf } from './hysds-user-data';

/** EC2's limit on user data, in bytes (before base64). */
export const USER_DATA_LIMIT = 16 * 1024;
/** What only the cluster config holds. */
const CLUSTER_CONFIG_MARKERS = [/^QUEUES:/m, /^MOZART_PVT_IP:/m, /PCM_SDS_CONFIG/, /_PASSWORD:/];

/**
 * User data is not a config channel: cloud-init runs it at first boot only, a change stops and
 * starts the instance, and EC2 refuses more than 16 KB. The cluster config and credentials go
 * through provisioning instead.
 */
export const hysdsUserDataChannel: RuleCheck = ({ stack }) =>
  [...stack.ofType('aws_instance'), ...stack.ofType('aws_launch_template')].flatMap((resource) => {
    const userData = userDataOf(resource);
    if (userData === undefined) return [];
    if ('unreadable' in userData) return [violation(resource, `user data cannot be read: ${userData.unreadable}`)];
    const bytes = Buffer.byteLength(userData.text, 'utf8');
    const problems = [
      ...(bytes > USER_DATA_LIMIT ? [`user data is ${bytes} bytes; EC2 allows ${USER_DATA_LIMIT}`] : []),
      ...(CLUSTER_CONFIG_MARKERS.some((m) => m.test(userData.text)) ? ['user data carries the cluster config or its credentials; provisioning delivers them'] : []),
    ];
    return problems.map((problem) => violation(resource, problem));
  });
