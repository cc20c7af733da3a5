import type { WebhookLogStore } from './webhook-log.store.js';
import type { WebhookService } from './webhook.service.js';

/** What the activation module's resolvers are built with (see activation.module.ts). */
export interface ActivationDeps {
  webhooks: WebhookService;
  logs: WebhookLogStore;
}
