// JUnit XML, the test report CI systems read (Jenkins, GitLab, GitHub Actions reporters): one
// <testsuite> with a <testcase> per test; a failed test carries <failure>, an errored one <error>,
// each with the test's message. Times are in seconds.

import type { TestResult } from './runSuite';

const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function junitXml(suiteName: string, results: readonly TestResult[]): string {
  const failures = results.filter((r) => r.status === 'failed').length;
  const errors = results.filter((r) => r.status === 'errored').length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = results.reduce((sum, r) => sum + r.durationMs, 0);
  const cases = results.map((r) => {
    const open = `    <testcase classname="${escapeXml(`${suiteName}.${r.kind}`)}" name="${escapeXml(r.name)}" time="${seconds(r.durationMs)}"`;
    if (r.status === 'passed') return `${open} />`;
    const tag = r.status === 'failed' ? 'failure' : 'error';
    return `${open}>\n      <${tag} message="${escapeXml(r.message.split('\n')[0])}">${escapeXml(r.message)}</${tag}>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${results.length}" failures="${failures}" errors="${errors}" time="${seconds(total)}">`,
    `  <testsuite name="${escapeXml(suiteName)}" tests="${results.length}" failures="${failures}" errors="${errors}" time="${seconds(total)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
