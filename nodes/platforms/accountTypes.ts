/**
 * The unified model of what an account does besides messages: personas, the profiles of the people it
 * talks to, its Messenger Profile (Get Started, greeting, menu, ice breakers, domains) and thread control
 * (handover between apps). Operations speak these shapes; only adapters know Graph's.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Button, ListOptions, Page, PlatformName } from './types';

export interface Persona {
	id: string;
	name?: string;
	profilePictureUrl?: string;
	raw?: IDataObject;
}

/** A person's public profile as the account may see it. Messenger and Instagram fill different fields. */
export interface UserProfile {
	id: string;
	platform: PlatformName;
	name?: string;
	firstName?: string;
	lastName?: string;
	username?: string;
	profilePictureUrl?: string;
	locale?: string;
	/** Hours from UTC (Messenger). */
	timezone?: number;
	gender?: string;
	followerCount?: number;
	isVerifiedUser?: boolean;
	/** The person follows the account (Instagram). */
	followsAccount?: boolean;
	/** The account follows the person (Instagram). */
	followedByAccount?: boolean;
	raw?: IDataObject;
}

/** One entry of a persistent menu: a postback button or a link. */
export type MenuItem = Extract<Button, { type: 'postback' } | { type: 'web_url' }>;

export interface PersistentMenu {
	/** `default` or a locale such as `de_DE`. */
	locale: string;
	composerInputDisabled?: boolean;
	items: MenuItem[];
}

export interface LocalizedText {
	locale: string;
	text: string;
}

export interface IceBreaker {
	question: string;
	payload: string;
}

export interface IceBreakerSet {
	locale: string;
	questions: IceBreaker[];
}

/** The properties of a Messenger Profile; absent ones are left as they are. */
export interface MessengerProfile {
	getStartedPayload?: string;
	greetings?: LocalizedText[];
	persistentMenus?: PersistentMenu[];
	iceBreakers?: IceBreakerSet[];
	whitelistedDomains?: string[];
}

export type MessengerProfileField = 'get_started' | 'greeting' | 'persistent_menu' | 'ice_breakers' | 'whitelisted_domains';

export interface ThreadOwner {
	/** The app that controls the conversation now. */
	appId?: string;
	raw?: IDataObject;
}

export interface ThreadControlRequest {
	userId: string;
	/** Pass Thread Control: the app that receives control. */
	targetAppId?: string;
	/** Passed along to the other app in its handover webhook. */
	metadata?: string;
}

export interface PersonaTools {
	createPersona(persona: { name: string; profilePictureUrl: string }): Promise<Persona>;
	getPersona(personaId: string): Promise<Persona>;
	listPersonas(options: ListOptions): Promise<Page<Persona>>;
	deletePersona(personaId: string): Promise<IDataObject>;
}

export interface UserProfileTools {
	/** `fields` are the platform's own names (first_name, username, …); unknown ones fail before any request. */
	getUserProfile(userId: string, fields: string[]): Promise<UserProfile>;
}

/** Handover between apps (e.g. the bot and the Page inbox where people answer). */
export interface ThreadControlTools {
	passThreadControl(request: ThreadControlRequest): Promise<IDataObject>;
	takeThreadControl(request: ThreadControlRequest): Promise<IDataObject>;
	requestThreadControl(request: ThreadControlRequest): Promise<IDataObject>;
	getThreadOwner(userId: string): Promise<ThreadOwner>;
}

/** The account's Messenger Profile; Meta's limits are checked before any request. */
export interface MessengerProfileTools {
	/** Sets the properties given (the others stay as they are). */
	setMessengerProfile(profile: MessengerProfile): Promise<IDataObject>;
	/** The properties that are set (absent: not set), with Meta's answer as `raw`. */
	getMessengerProfile(fields: MessengerProfileField[]): Promise<MessengerProfile & { raw?: IDataObject }>;
	deleteMessengerProfile(fields: MessengerProfileField[]): Promise<IDataObject>;
}

/**
 * The account tools a platform offers. A platform without one of them throws an InputError that says so
 * before any request (operations reached through an expression on the wrong platform end up there).
 */
export type AccountTools = PersonaTools & UserProfileTools & ThreadControlTools & MessengerProfileTools;
