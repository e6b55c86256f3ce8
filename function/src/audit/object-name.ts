import { randomUUID } from "node:crypto";

/**
 * audit/YYYY/MM/DD/<time>_<eventId>_<random>.json, dated by when the record was written. The random part
 * keeps two records of one event (a redelivery, say) apart; the time sorts listings; colons are avoided so
 * that downloaded records are valid file names everywhere. The random part is a v4 UUID's last group (48
 * random bits): randomUUID draws from a cached pool, where randomBytes asks OpenSSL every time.
 */
export function auditObjectName(eventId: string, at: Date, random: string = randomUUID().slice(-12)): string {
  const iso = at.toISOString();
  const [y, m, d] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)];
  const id = eventId.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 64) || "no-event-id";
  return `audit/${y}/${m}/${d}/${iso.replace(/:/g, "-")}_${id}_${random}.json`;
}
