import { z } from "zod";

/** Vault secret of a Basic-auth connected system. */
export const basicSecret = z.object({ username: z.string().min(1), password: z.string().min(1) });

/**
 * Vault secret of an OAuth client. The reference's identity-domain secrets say clientCode; ORDS and Entra
 * secrets usually say clientId; either is accepted.
 */
export const clientSecret = z
  .object({ clientId: z.string().min(1).optional(), clientCode: z.string().min(1).optional(), clientSecret: z.string().min(1) })
  .refine((s) => s.clientId !== undefined || s.clientCode !== undefined, { message: "needs clientId (or clientCode)", path: ["clientId"] })
  .transform((s) => ({ clientId: (s.clientId ?? s.clientCode) as string, clientSecret: s.clientSecret }));
