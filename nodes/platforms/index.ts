/**
 * The provider table: (credential's Provider, node's Platform) -> Platform, and the provider's webhook side
 * for the trigger. The nodes ask this file, never a provider folder; a new provider is one line here.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { ayrshareProvider } from './ayrshare/provider';
import { InputError } from './core/inputError';
import { readCredentials } from './core/credentialType';
import type { RequestContext } from './core/transport';
import { instagramLoginProvider, metaGraphProvider } from './meta/provider';
import type { PlatformOptions, Provider } from './provider';
import { xProvider } from './x/provider';
import type { Platform, PlatformName, ProviderName } from './types';

export type { PlatformOptions } from './provider';

const PROVIDERS: Record<ProviderName, Provider> = {
	metaGraph: metaGraphProvider,
	instagramLogin: instagramLoginProvider,
	xApi: xProvider((capability) => platformsWith(capability).join(', ')),
	xOAuth2: xProvider((capability) => platformsWith(capability).join(', '), 'xOAuth2'),
	ayrshare: ayrshareProvider((capability) => platformsWith(capability).join(', ')),
};

const PLATFORM_LABELS: Record<PlatformName, string> = { messenger: 'Messenger', instagram: 'Instagram', x: 'X' };

export function platformLabel(platform: PlatformName): string {
	return PLATFORM_LABELS[platform] ?? platform;
}

/** The credential's provider; an unknown one is an input error that says where to fix it. */
export function providerOf(credentials: ICredentialDataDecryptedObject): Provider {
	const name = String(credentials.provider ?? 'metaGraph');
	const provider = (PROVIDERS as Record<string, Provider | undefined>)[name];
	if (!provider) throw new InputError(`Unknown provider "${name}" in the credential`, 'Open the credential and choose a Provider.');
	return provider;
}

/** Every value of the credential that must never show up in an error or output. */
export function credentialSecrets(credentials: ICredentialDataDecryptedObject): string[] {
	return providerOf(credentials).secrets(credentials);
}

/** The provider of this credential, refusing a platform it does not reach. */
export function providerFor(credentials: ICredentialDataDecryptedObject, platform: PlatformName): Provider {
	const provider = providerOf(credentials);
	if (!provider.platforms.includes(platform)) {
		throw new InputError(
			`${/^[AEIOU]/.test(provider.label) ? 'An' : 'A'} ${provider.label} credential cannot reach ${platformLabel(platform)}`,
			`${provider.label} only reaches ${provider.platforms.map(platformLabel).join(', ')}. Change the node's Platform, or use a credential with another provider.`,
		);
	}
	return provider;
}

/** Platforms whose provider has the capability, for errors that say where an operation exists. */
export function platformsWith(capability: keyof Provider['capabilities']): string[] {
	const names = Object.values(PROVIDERS)
		.filter((provider) => provider.capabilities[capability])
		.flatMap((provider) => provider.platforms);
	return [...new Set(names)].map(platformLabel);
}

export async function createPlatform(ctx: RequestContext, platformName: PlatformName, options: PlatformOptions = {}): Promise<Platform> {
	const credentials = await readCredentials(ctx);
	return providerFor(credentials, platformName).createPlatform(ctx, credentials, platformName, options);
}
