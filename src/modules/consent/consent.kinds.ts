/** What a customer may consent to; each gates part of what c360 does with their data. */
export const ConsentPurpose = {
  ANALYTICS: 'analytics',
  PERSONALIZATION: 'personalization',
  MARKETING: 'marketing',
  AI: 'ai',
} as const;
export type ConsentPurpose = (typeof ConsentPurpose)[keyof typeof ConsentPurpose];
