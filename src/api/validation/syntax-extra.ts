// Syntax checks that syntax.ts does not carry, worded as k8s.io/apimachinery's
// util/validation and api/validation/path.

import { isDNS1123Label, isDNS1123Subdomain, isDNS1035Label, regexError, parseIP } from './syntax.js';

/** The rule with RelaxedEnvironmentVariableValidation on (default since 1.32). */
export function isRelaxedEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (value.length === 0) errs.push('environment variable name must be non-empty');
  for (const ch of value) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || c > 0x7e || ch === '=') {
      errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
      break;
    }
  }
  return errs;
}

const httpHeaderNameFmt = '[-A-Za-z0-9]+';
export function isHTTPHeaderName(value: string): string[] {
  return new RegExp(`^${httpHeaderNameFmt}$`).test(value)
    ? []
    : [regexError("a valid HTTP header must consist of alphanumeric characters or '-'", httpHeaderNameFmt, 'X-Header-Name')];
}

const percentFmt = '[0-9]+%';
export function isValidPercent(value: string): string[] {
  return new RegExp(`^${percentFmt}$`).test(value) ? [] : [regexError("a valid percent string must be a numeric string followed by an ending '%'", percentFmt, '1%', '93%')];
}

/** ValidatePathSegmentName: names that must survive as one URL path segment. */
export function isValidPathSegmentName(name: string, prefix: boolean): string[] {
  if (!prefix) for (const bad of ['.', '..']) if (name === bad) return [`may not be '${bad}'`];
  return ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

// A generateName prefix may end in '-': Kubernetes masks it before checking.
// (Go replaces the last two characters with 'a'; kept as is.)
const maskTrailingDash = (name: string): string => (name.length > 1 && name.endsWith('-') ? name.slice(0, -2) + 'a' : name);

export type NameRule = 'dns1123-subdomain' | 'dns1123-label' | 'dns1035-label' | 'path-segment';

export function validateName(rule: NameRule, name: string, prefix: boolean): string[] {
  const n = prefix ? maskTrailingDash(name) : name;
  switch (rule) {
    case 'dns1123-subdomain':
      return isDNS1123Subdomain(n);
    case 'dns1123-label':
      return isDNS1123Label(n);
    case 'dns1035-label':
      return isDNS1035Label(n);
    case 'path-segment':
      return isValidPathSegmentName(name, prefix);
  }
}

export function isValidIPv6Address(value: string): string[] {
  return parseIP(value)?.family === 'IPv6' ? [] : ['must be a valid IPv6 address'];
}

/** IsFullyQualifiedDomainName: at least two labels, lowercase subdomain syntax. */
export function isFullyQualifiedDomainName(value: string): string[] {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name.length === 0) return ['Required value'];
  const errs = isDNS1123Subdomain(name);
  if (errs.length) return errs;
  if (name.split('.').length < 2) return ['should be a domain with at least two segments separated by dots'];
  for (const label of name.split('.')) if (isDNS1123Label(label).length) return [`must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`];
  return [];
}

