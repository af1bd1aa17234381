/** Every operation of the Social Messaging node inside n8n: Instagram through the Meta Graph API (Page token, linked Instagram account). See lib/actions.ts. */
import { INSTAGRAM_GRAPH, defineActionSuite } from './lib/actions';

defineActionSuite(INSTAGRAM_GRAPH);
