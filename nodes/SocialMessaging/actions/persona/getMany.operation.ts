/** Persona > Get Many: the Page's personas, newest first. */
import type { INodeProperties } from 'n8n-workflow';

import { collectPages } from '../../../platforms/core/paging';
import { accountTools } from '../account';
import { includeRawOption, optionsCollection, readIncludeRaw, readLimit, returnAllFields } from '../common.fields';
import type { Operation } from '../operation';
import { toOutput } from '../output';

const description: INodeProperties[] = [...returnAllFields(), optionsCollection([includeRawOption])];

export const getMany: Operation = {
	description,
	kind: 'read',
	async execute({ ctx, platform, itemIndex }) {
		const limit = readLimit(ctx, itemIndex);
		const tools = accountTools(platform);
		const pageSize = Math.min(limit, platform.limits.maxPageSize);
		const personas = await collectPages((cursor) => tools.listPersonas({ pageSize, cursor }), limit);
		const includeRaw = readIncludeRaw(ctx, itemIndex);
		return personas.map((persona) => toOutput({ platform: platform.name, ...persona }, includeRaw));
	},
};
