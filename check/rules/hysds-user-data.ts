/**
 * User data as the instance sees it: instances carry it as text, launch templates as base64
 * (literal, or Terraform's base64encode("...") of a literal).
 */
import type { TerraformResource } from '../stack-view';

export type UserData = { readonly text: string } | { readonly unreadable: string } | undefined;

const BASE64ENCODE = /^\$\{base64encode\((".*")\)\}$/s;

export function userDataOf(resource: TerraformResource): UserData {
  const value = resource.values.user_data;
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return { unreadable: 'not a string' };
  if (resource.type === 'aws_instance') return value.includes('${') ? { unreadable: 'a Terraform expression' } : { text: value };
  const wrapped = BASE64ENCODE.exec(value);
  if (wrapped) {
    try {
      const text = JSON.parse(wrapped[1]) as string;
      return text.includes('${') ? { unreadable: 'a Terraform expression inside base64encode()' } : { text };
    } catch {
      return { unreadable: 'base64encode() of something other than a literal' };
    }
  }
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length % 4 === 0) return { text: Buffer.from(value, 'base64').toString('utf8') };
  return { unreadable: 'neither base64 nor base64encode() of a literal' };
}

/** Launch templates that worker groups launch from, by address, with the group's name. */
export function workerTemplates(resources: readonly TerraformResource[]): Map<string, string> {
  const templates = new Map<string, string>();
  for (const group of resources.filter((r) => r.type === 'aws_autoscaling_group')) {
    const text = JSON.stringify(group.values.mixed_instances_policy ?? group.values.launch_template ?? '');
    const match = /\$\{(aws_launch_template\.[A-Za-z0-9_-]+)\./.exec(text);
    if (match && typeof group.values.name === 'string') templates.set(match[1], group.values.name);
  }
  return templates;
}
