/**
 * Label and annotation keys and values by the apiserver's own rules,
 * k8s.io/apimachinery/pkg/util/validation (validation.go):
 * - IsQualifiedName: `[prefix/]name`, at most one '/'; the prefix a non-empty
 *   DNS-1123 subdomain (IsDNS1123Subdomain: at most 253 characters, lowercase
 *   labels joined by '.'); the name 1 to 63 characters of [A-Za-z0-9-_.],
 *   alphanumeric at both ends (qualifiedNameFmt).
 * - IsValidLabelValue: empty, or at most 63 characters of the same shape.
 * Label keys are checked as given (apimachinery/pkg/apis/meta/v1/validation,
 * ValidateLabelName); annotation keys after lowercasing
 * (apimachinery/pkg/api/validation/objectmeta.go, ValidateAnnotations: "the
 * rule is QualifiedName except that case doesn't matter"), and the annotations
 * of one object may total at most 256 KiB (TotalAnnotationSizeLimitB).
 */

const nameShape = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const subdomainShape = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const totalAnnotationSizeLimitBytes = 256 * 1024;

/** The reason `key` is not a qualified name, in apimachinery's terms; undefined when it is one. */
export function qualifiedNameProblem(key: string): string | undefined {
    const parts = key.split("/");
    if (parts.length > 2) {
        return "at most one '/' (an optional DNS prefix, '/', then the name)";
    }
    const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
    if (prefix !== undefined) {
        if (prefix.length === 0) {
            return "a non-empty prefix before the '/'";
        }
        if (prefix.length > 253 || !subdomainShape.test(prefix)) {
            return "a prefix that is a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters)";
        }
    }
    if (name.length === 0 || name.length > 63) {
        return "a name part of 1 to 63 characters";
    }
    return nameShape.test(name) ? undefined : "a name part of letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
}

/** IsDNS1123Subdomain: names of Secrets and PriorityClasses. Undefined when `name` is one. */
export function dnsSubdomainProblem(name: string): string | undefined {
    return name.length > 0 && name.length <= 253 && subdomainShape.test(name)
        ? undefined
        : "a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)";
}

export function labelKeyProblem(key: string): string | undefined {
    return qualifiedNameProblem(key);
}

export function annotationKeyProblem(key: string): string | undefined {
    return qualifiedNameProblem(key.toLowerCase());
}

export function labelValueProblem(value: string): string | undefined {
    if (value.length > 63) {
        return "a value of at most 63 characters";
    }
    return value === "" || nameShape.test(value) ? undefined : "a value of letters, digits, '-', '_' and '.', starting and ending with a letter or digit (or empty)";
}
