import { z } from 'zod';

/**
 * One watched service. 'unknown' (with a reason) covers a service that does not exist and a service
 * manager that cannot be asked: neither is evidence that the service is down.
 */
export const ServiceStatusSchema = z.object({
  /** As configured in the watch list; also the `service` label of service.up. */
  name: z.string(),
  state: z.enum(['up', 'down', 'unknown']),
  /** The service manager's own words, e.g. "active/running", "Stopped", "pid 312". */
  detail: z.string().optional(),
  reason: z.string().optional(),
});
export type ServiceStatus = z.infer<typeof ServiceStatusSchema>;

/** The `services` section of a frame. */
export const ServicesSectionSchema = z.object({
  manager: z.enum(['systemd', 'windows', 'launchd']),
  services: z.array(ServiceStatusSchema),
});
export type ServicesSection = z.infer<typeof ServicesSectionSchema>;
