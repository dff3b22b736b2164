/**
 * The check report for people (a table) and for machines (JSON).
 */
import type { CheckReport } from './check-environments';
import type { Rule } from './rule';
import type { Finding } from './run-checks';

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

const byLevel = (a: Finding, b: Finding) => (a.level === b.level ? 0 : a.level === 'error' ? -1 : 1);

export function formatReport(report: CheckReport, rules: readonly Rule[]): string {
  const out: string[] = [`checked ${report.environments.join(', ')}: ${report.stacks.length} stacks, ${report.rules} rules`, ''];
  const active = report.findings.filter((f) => !f.suppressed).sort(byLevel);
  const suppressed = report.findings.filter((f) => f.suppressed);

  if (active.length > 0) {
    out.push(...table(['LEVEL', 'RULE', 'STACK', 'RESOURCE', 'PROBLEM'], active.map((f) => [f.level, f.rule, f.stack, f.address, f.problem])), '');
    out.push('Rules broken:');
    for (const rule of rules.filter((r) => active.some((f) => f.rule === r.id))) out.push(`  ${rule.id} ${rule.info}`, `    why: ${rule.explanation}`, `    fix: ${rule.fix}`);
    out.push('');
  }
  if (suppressed.length > 0) {
    out.push('Suppressed in config (checkSuppressions):');
    out.push(...table(['RULE', 'STACK', 'RESOURCE', 'REASON'], suppressed.map((f) => [f.rule, f.stack, f.address, f.suppressed!.reason])).map((l) => `  ${l}`), '');
  }
  if (report.suppressionProblems.length > 0) {
    out.push('Suppressions to fix:');
    for (const p of report.suppressionProblems) out.push(`  ${p.level}  environments/${p.environment}.yaml ${p.field}: ${p.problem}`);
    out.push('');
  }
  const verdict = report.errors > 0 ? 'FAILED' : 'passed';
  out.push(`${verdict}: ${report.errors} error(s), ${report.warnings} warning(s), ${suppressed.length} suppressed`);
  return `${out.join('\n')}\n`;
}

export function reportJson(report: CheckReport, rules: readonly Rule[]): string {
  const fired = new Set(report.findings.map((f) => f.rule));
  return `${JSON.stringify(
    {
      ...report,
      passed: report.errors === 0,
      rulesFired: rules.filter((r) => fired.has(r.id)).map(({ id, level, info, explanation, fix }) => ({ id, level, info, explanation, fix })),
    },
    null,
    2,
  )}\n`;
}
