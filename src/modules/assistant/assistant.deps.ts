import type { AssistantService } from './assistant.service.js';

/** What the assistant's resolvers are built with. */
export interface AssistantDeps {
  service: AssistantService;
}
