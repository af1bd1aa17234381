/** Every operation of the Social Messaging node inside n8n: Instagram through Instagram Login (Instagram user token, /me). See lib/actions.ts. */
import { INSTAGRAM_LOGIN, defineActionSuite } from './lib/actions';

defineActionSuite(INSTAGRAM_LOGIN);
