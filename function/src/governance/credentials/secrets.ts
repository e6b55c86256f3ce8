import { z } from "zod";

/** Vault secret of a Basic-auth connected system. */
export const basicSecret = z.object({
  // RFC 7617: the user-id of a Basic credential cannot contain a colon.
  username: z.string().min(1).refine((u) => !u.includes(":"), "must not contain a colon"),
  password: z.string().min(1),
});

/**
 * Vault secret of an OAuth client. The reference's identity-domain secrets say clientCode; ORDS and Entra
 * secrets usually say clientId; either is accepted.
 */
export const clientSecret = z.preprocess(
  (v) => (v !== null && typeof v === "object" && !("clientId" in v) && "clientCode" in v ? { ...v, clientId: v.clientCode } : v),
  z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1) }),
);
