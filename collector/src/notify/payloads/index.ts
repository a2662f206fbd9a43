export { genericPayload } from './generic.js';
export { slackPayload } from './slack.js';
export { teamsPayload } from './teams.js';
export { emailPayload, type EmailContent } from './email.js';
export { signWebhook, verifyWebhook } from './sign.js';
export type { RenderContext } from './format.js';
