/** Every operation of the Social Messaging node inside n8n: Messenger through the Meta Graph API (Page token). See lib/actions.ts. */
import { MESSENGER, defineActionSuite } from './lib/actions';

defineActionSuite(MESSENGER);
