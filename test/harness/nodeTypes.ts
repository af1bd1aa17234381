/**
 * Node-type and credential-type registries, as n8n's loader would fill them for this package.
 *
 *   new NodeTypeRegistry(extra?: Record<string, NodeTypeSource>)     implements n8n-workflow INodeTypes
 *     .register(type, source)   .has(type)   .getByName(type)   .getByNameAndVersion(type, version?)
 *   new CredentialTypeRegistry(extra?: ICredentialType[])            implements n8n-workflow ICredentialTypes
 *     .register(type)   .recognizes(name)   .getByName(name)   .getParentTypes(name)   .getSupportedNodes(name)
 *   resolveNodeType('socialMessaging' | 'socialMessagingTrigger' | 'socialMessagingPollTrigger' | fullType): string
 *
 * Always registered: our three nodes (loaded lazily from their TypeScript sources the first time they are
 * asked for, so the registry works before they exist), the test nodes of testNodes.ts, our
 * `socialMessagingApi` credential and the test credential types. Node types are keyed by their full
 * name, `<package>.<name>` for ours (`n8n-nodes-social-messaging.socialMessaging`), like n8n does.
 * Like n8n's loader, each loaded node gets `DirectoryLoader.applyDeclarativeNodeOptionParameters`.
 */
import path from 'node:path';

import { DirectoryLoader, UnrecognizedCredentialTypeError, UnrecognizedNodeTypeError } from 'n8n-core';
import {
	NodeHelpers,
	type ICredentialType,
	type ICredentialTypes,
	type IDataObject,
	type INodeType,
	type INodeTypes,
	type IVersionedNodeType,
} from 'n8n-workflow';

import { testCredentialTypes, testNodeTypes } from './testNodes';
import { OAuth2Api } from './oauth2';

export const PACKAGE_NAME = 'n8n-nodes-social-messaging';
export const SOCIAL_MESSAGING_TYPE = `${PACKAGE_NAME}.socialMessaging`;
export const SOCIAL_MESSAGING_TRIGGER_TYPE = `${PACKAGE_NAME}.socialMessagingTrigger`;
export const SOCIAL_MESSAGING_POLL_TRIGGER_TYPE = `${PACKAGE_NAME}.socialMessagingPollTrigger`;

const REPO_ROOT = path.resolve(__dirname, '..', '..');

type AnyNodeType = INodeType | IVersionedNodeType;
/** A node type, or a function producing one (called once, on first use). */
export type NodeTypeSource = AnyNodeType | (() => AnyNodeType);

/** Short aliases accepted wherever a node type name is taken. */
export function resolveNodeType(type: string): string {
	if (type === 'socialMessaging') return SOCIAL_MESSAGING_TYPE;
	if (type === 'socialMessagingTrigger') return SOCIAL_MESSAGING_TRIGGER_TYPE;
	if (type === 'socialMessagingPollTrigger') return SOCIAL_MESSAGING_POLL_TRIGGER_TYPE;
	return type;
}

function loadClassFromSource(relativeFile: string, className: string): () => AnyNodeType {
	return () => {
		const file = path.join(REPO_ROOT, relativeFile);
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require(file) as Record<string, new () => AnyNodeType>;
		const Class = mod[className];
		if (typeof Class !== 'function') {
			throw new Error(`${relativeFile} does not export a class named ${className}`);
		}
		return new Class();
	};
}

const prepared = new WeakSet<object>();

function prepareLikeLoader(nodeType: AnyNodeType): AnyNodeType {
	if (prepared.has(nodeType)) return nodeType;
	prepared.add(nodeType);
	if ('nodeVersions' in nodeType) {
		for (const version of Object.values(nodeType.nodeVersions)) {
			DirectoryLoader.applyDeclarativeNodeOptionParameters(version);
		}
	} else {
		DirectoryLoader.applyDeclarativeNodeOptionParameters(nodeType);
	}
	return nodeType;
}

export class NodeTypeRegistry implements INodeTypes {
	private readonly sources = new Map<string, NodeTypeSource>();

	private readonly loaded = new Map<string, AnyNodeType>();

	constructor(extra: Record<string, NodeTypeSource> = {}) {
		this.register(
			SOCIAL_MESSAGING_TYPE,
			loadClassFromSource('nodes/SocialMessaging/SocialMessaging.node.ts', 'SocialMessaging'),
		);
		this.register(
			SOCIAL_MESSAGING_TRIGGER_TYPE,
			loadClassFromSource('nodes/SocialMessagingTrigger/SocialMessagingTrigger.node.ts', 'SocialMessagingTrigger'),
		);
		this.register(
			SOCIAL_MESSAGING_POLL_TRIGGER_TYPE,
			loadClassFromSource('nodes/SocialMessagingPollTrigger/SocialMessagingPollTrigger.node.ts', 'SocialMessagingPollTrigger'),
		);
		for (const [type, nodeType] of Object.entries(testNodeTypes())) this.register(type, nodeType);
		for (const [type, source] of Object.entries(extra)) this.register(resolveNodeType(type), source);
	}

	register(type: string, source: NodeTypeSource): this {
		this.sources.set(type, source);
		this.loaded.delete(type);
		return this;
	}

	has(type: string): boolean {
		return this.sources.has(resolveNodeType(type));
	}

	getByName(type: string): AnyNodeType {
		const fullType = resolveNodeType(type);
		const cached = this.loaded.get(fullType);
		if (cached) return cached;
		const source = this.sources.get(fullType);
		if (source === undefined) {
			const dot = fullType.lastIndexOf('.');
			throw new UnrecognizedNodeTypeError(fullType.slice(0, Math.max(dot, 0)), fullType.slice(dot + 1));
		}
		const nodeType = prepareLikeLoader(typeof source === 'function' ? source() : source);
		this.loaded.set(fullType, nodeType);
		return nodeType;
	}

	getByNameAndVersion(type: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes(): IDataObject {
		const known: IDataObject = {};
		for (const type of this.sources.keys()) known[type] = { className: type, sourcePath: '' };
		return known;
	}
}

export class CredentialTypeRegistry implements ICredentialTypes {
	private readonly types = new Map<string, ICredentialType>();

	constructor(extra: ICredentialType[] = []) {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require(path.join(REPO_ROOT, 'credentials/SocialMessagingApi.credentials.ts')) as {
			SocialMessagingApi: new () => ICredentialType;
		};
		this.register(new mod.SocialMessagingApi());
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const oauth2 = require(path.join(REPO_ROOT, 'credentials/XOAuth2Api.credentials.ts')) as { XOAuth2Api: new () => ICredentialType };
		this.register(new OAuth2Api()).register(new oauth2.XOAuth2Api());
		for (const type of testCredentialTypes()) this.register(type);
		for (const type of extra) this.register(type);
	}

	register(type: ICredentialType): this {
		this.types.set(type.name, type);
		return this;
	}

	recognizes(name: string): boolean {
		return this.types.has(name);
	}

	getByName(name: string): ICredentialType {
		const type = this.types.get(name);
		if (!type) throw new UnrecognizedCredentialTypeError(name);
		return type;
	}

	/** Like n8n: all ancestors via `extends`, nearest first. */
	getParentTypes(name: string): string[] {
		const parents = this.types.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	getSupportedNodes(_name: string): string[] {
		return [];
	}
}
