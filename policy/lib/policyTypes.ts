/**
 * The @pulumi/policy types the policies are written against. Policies call
 * @pulumi/policy's validateResourceOfType at run time; only index.ts
 * constructs a PolicyPack (which starts the gRPC server).
 */
export type {
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

/** Every policy of the pack is one of the two kinds @pulumi/policy knows. */
export type PackPolicy = ResourceValidationPolicy | StackValidationPolicy;
