/** The external kind's params: which provider to check. */
import { z } from 'zod';

const NEEDS_DEPENDENCY = 'external probe needs params.dependency (openai, github or an external.others name)';

export const externalParams = z.object({
  /** `openai`, `github`, or the name of an entry in `external.others` */
  dependency: z.string({ required_error: NEEDS_DEPENDENCY, invalid_type_error: NEEDS_DEPENDENCY }).min(1, NEEDS_DEPENDENCY),
});

export type ExternalProbeParams = z.infer<typeof externalParams>;
