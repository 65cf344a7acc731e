/**
 * A tag such as 8.5.1 or a digest makes a rollout reproducible; `latest` or
 * no tag lets a node restart pull a different version (a Rocket.Chat major
 * upgrade can require a newer MongoDB and run migrations nobody planned).
 */
import { imagePinningProblem } from "../lib/images";
import { containersOf, describeContainer } from "../lib/kubernetes";
import { violation } from "../lib/message";
import { ResourceValidationPolicy } from "../lib/policyTypes";
import { containerPath, validateWorkloads } from "../lib/workloads";

export const pinnedImages: ResourceValidationPolicy = {
    name: "pinned-images",
    description: "Every container image has an exact major.minor.patch tag (not 'latest', not a floating '8.0') or a sha256 digest, so what runs is what was reviewed.",
    validateResource: validateWorkloads((workload, report) => {
        for (const entry of containersOf(workload.template.spec)) {
            const problem = imagePinningProblem(entry.container.image);
            if (problem) {
                report(violation(
                    `${workload.title}, ${describeContainer(entry)} ${problem}.`,
                    `use an exact version tag in ${containerPath(workload, entry)}.image, such as registry.rocket.chat/rocketchat/rocket.chat:8.5.1 or mongo:8.0.29, or pin a digest (image@sha256:<64 hex>); the program's images come from rocketchat-ha:rocketchatImage, rocketchat-ha:mongodbImage and rocketchat-ha:monitoringExporterImage.`,
                ));
            }
        }
    }),
};
