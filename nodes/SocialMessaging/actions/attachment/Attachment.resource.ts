/** The Attachment resource: upload media once, send it many times by ID. */
import type { INodeProperties } from 'n8n-workflow';

import { resourceFields } from '../resource';
import { upload } from './upload.operation';

export const operations = { upload };

export const description: INodeProperties[] = resourceFields(
	'attachment',
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'upload',
		options: [
			{ name: 'Upload', value: 'upload', description: 'Upload media and get a reusable attachment ID', action: 'Upload an attachment' },
		],
	},
	operations,
);
