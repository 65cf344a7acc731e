/**
 * Every violation says what is wrong and how to fix it, in that order, so a
 * reader of `pulumi preview` output never has to open the policy source.
 */
export function violation(problem: string, fix: string): string {
    return `${problem} Fix: ${fix}`;
}

/** "Deployment rocketchat-prod/rocketchat" style name for messages. */
export function describeObject(kind: string, props: Record<string, any>): string {
    const name = props?.metadata?.name ?? "(unnamed)";
    const namespace = props?.metadata?.namespace;
    return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}
