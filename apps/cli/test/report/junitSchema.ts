import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * A structural check of JUnit XML against the common JUnit schema that CI systems read (the junit-10.xsd
 * of Jenkins' xunit plugin, which GitLab, Azure DevOps and the GitHub test-report actions accept too):
 * which elements may hold which, which attributes exist and which are required, the time format, and
 * that the counts on each suite match its test cases. It runs anywhere (no libxml, no network) and
 * returns the violations found; an empty list means valid.
 */
const SUREFIRE_TIME = /^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$/;
const TEXT_ONLY = new Set(['system-out', 'system-err']);
const RESULT = new Set(['skipped', 'error', 'failure']);
const RERUN = new Set(['rerunFailure', 'rerunError', 'flakyFailure', 'flakyError']);

interface ElementRule {
  children: ReadonlySet<string>;
  required: readonly string[];
  optional: readonly string[];
  text: boolean;
  time?: boolean;
}

const RULES: Record<string, ElementRule> = {
  testsuites: {
    children: new Set(['testsuite']),
    required: [],
    optional: ['name', 'time', 'tests', 'failures', 'errors'],
    text: false,
    time: true,
  },
  testsuite: {
    children: new Set(['testsuite', 'properties', 'testcase', 'system-out', 'system-err']),
    required: ['name', 'tests', 'failures', 'errors'],
    optional: ['group', 'time', 'skipped', 'timestamp', 'hostname', 'id', 'package', 'file', 'log', 'url'],
    text: false,
    time: true,
  },
  properties: { children: new Set(['property']), required: [], optional: [], text: false },
  property: { children: new Set(), required: ['name', 'value'], optional: [], text: false },
  testcase: {
    children: new Set([...RESULT, ...RERUN, 'system-out', 'system-err']),
    required: ['name'],
    optional: ['time', 'classname', 'group'],
    text: false,
  },
  ...Object.fromEntries(
    [...RESULT].map((n) => [
      n,
      { children: new Set<string>(), required: [], optional: ['type', 'message'], text: true },
    ]),
  ),
  ...Object.fromEntries(
    [...RERUN].map((n) => [
      n,
      {
        children: new Set(['stackTrace', 'system-out', 'system-err']),
        required: ['type'],
        optional: ['message'],
        text: true,
      },
    ]),
  ),
  ...Object.fromEntries(
    [...TEXT_ONLY, 'stackTrace'].map((n) => [
      n,
      { children: new Set<string>(), required: [], optional: [], text: true },
    ]),
  ),
};

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

const nameOf = (node: Node) => Object.keys(node).find((k) => k !== ':@') as string;

export function validateJunit(xml: string): string[] {
  const wellFormed = XMLValidator.validate(xml);
  if (wellFormed !== true)
    return [`not well-formed XML: ${wellFormed.err.msg} at line ${wellFormed.err.line}`];
  const tree = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
  }).parse(xml) as Node[];
  const errors: string[] = [];
  const roots = tree.filter((n) => nameOf(n) !== '?xml' && nameOf(n) !== '#text');
  if (roots.length !== 1 || !['testsuites', 'testsuite'].includes(nameOf(roots[0] as Node))) {
    errors.push(
      `the document element must be testsuites or testsuite, found ${roots.map(nameOf).join(', ')}`,
    );
  }
  const walk = (node: Node, path: string) => {
    const name = nameOf(node);
    const rule = RULES[name];
    if (!rule) return void errors.push(`${path}: unknown element <${name}>`);
    const attrs = node[':@'] ?? {};
    for (const required of rule.required)
      if (!(required in attrs)) errors.push(`${path}: <${name}> lacks required attribute ${required}`);
    for (const attr of Object.keys(attrs)) {
      if (!rule.required.includes(attr) && !rule.optional.includes(attr))
        errors.push(`${path}: <${name}> has attribute ${attr}, not in the schema`);
    }
    if (rule.time && attrs.time !== undefined && !SUREFIRE_TIME.test(attrs.time))
      errors.push(`${path}: time "${attrs.time}" is not a SUREFIRE_TIME`);
    const children = (node[name] as Node[]) ?? [];
    let testcases = 0;
    let failures = 0;
    let errorsCount = 0;
    let skipped = 0;
    for (const [i, child] of children.entries()) {
      const childName = nameOf(child);
      if (childName === '#text') {
        if (!rule.text && String(child['#text']).trim() !== '')
          errors.push(`${path}: <${name}> may not hold text`);
        continue;
      }
      if (!rule.children.has(childName)) errors.push(`${path}: <${name}> may not hold <${childName}>`);
      if (childName === 'testcase') {
        testcases += 1;
        const results = ((child.testcase as Node[]) ?? []).map(nameOf);
        if (results.includes('failure')) failures += 1;
        if (results.includes('error')) errorsCount += 1;
        if (results.includes('skipped')) skipped += 1;
      }
      walk(child, `${path}/${childName}[${i}]`);
    }
    if (name === 'testsuite') {
      const expect = { tests: testcases, failures, errors: errorsCount, skipped };
      for (const [attr, count] of Object.entries(expect)) {
        if (attrs[attr] !== undefined && Number(attrs[attr]) !== count)
          errors.push(`${path}: ${attr}="${attrs[attr]}" but the suite has ${count}`);
      }
    }
  };
  for (const root of roots) walk(root, `/${nameOf(root)}`);
  return errors;
}
