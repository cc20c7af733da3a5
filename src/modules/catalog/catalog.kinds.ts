/** What a content item is. Stored lower-case (`article`), like event types. */
export const ContentKind = {
  ARTICLE: 'article',
  VIDEO: 'video',
  PAGE: 'page',
  EMAIL: 'email',
  PODCAST: 'podcast',
  GUIDE: 'guide',
  OTHER: 'other',
} as const;
export type ContentKind = (typeof ContentKind)[keyof typeof ContentKind];

/** Where a campaign reaches people. Stored lower-case. */
export const CampaignChannel = {
  EMAIL: 'email',
  SMS: 'sms',
  PUSH: 'push',
  WEB: 'web',
  ADS: 'ads',
  SOCIAL: 'social',
  DIRECT_MAIL: 'direct_mail',
} as const;
export type CampaignChannel = (typeof CampaignChannel)[keyof typeof CampaignChannel];

/** Where a campaign is in its life. Stored lower-case. */
export const CampaignStatus = {
  DRAFT: 'draft',
  ACTIVE: 'active',
  PAUSED: 'paused',
  ENDED: 'ended',
} as const;
export type CampaignStatus = (typeof CampaignStatus)[keyof typeof CampaignStatus];
