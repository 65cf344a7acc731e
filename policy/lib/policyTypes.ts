/**
 * The @pulumi/policy types the policies are written against, imported as
 * types only: loading @pulumi/policy at run time pulls in its own copy of
 * @pulumi/pulumi and its gRPC server, which the offline runner never needs.
 */
export type {
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

/** Every policy of the pack is one of the two kinds @pulumi/policy knows. */
export type PackPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** Any Kubernetes object's properties, as Pulumi hands them to a policy. */
export type KubeObject = Record<string, any>;
