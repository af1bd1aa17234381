/**
 * Parser for Graph's `fields` parameter with field expansion:
 * `id,participants,messages.limit(5){id,message,from}` or `messages{id}.limit(5)`.
 * A syntax error answers code 2500 like Graph does.
 */
import { GraphError, nonexistingField } from './errors';

export interface FieldSelection {
	name: string;
	limit?: number;
	after?: string;
	before?: string;
	/** Nested selection from `{...}`; undefined when none was given. */
	sub?: FieldSelection[];
}

export function parseFields(input: string): FieldSelection[] {
	const parser = new Parser(input);
	const list = parser.list();
	if (!parser.done()) throw parser.syntaxError('end of string');
	return list;
}

/** Back to text, for the `fields` parameter of paging links. */
export function fieldsToString(fields: FieldSelection[]): string {
	return fields
		.map((f) => {
			let out = f.name;
			if (f.limit !== undefined) out += `.limit(${f.limit})`;
			if (f.sub) out += `{${fieldsToString(f.sub)}}`;
			return out;
		})
		.join(',');
}

/** Resolve requested fields (or defaults) and reject unknown ones the way Graph does. */
export function selectFields(
	requested: FieldSelection[] | undefined,
	defaults: string[],
	known: readonly string[],
	nodeType: string,
): FieldSelection[] {
	const fields = requested && requested.length > 0 ? requested : defaults.map((name) => ({ name }));
	for (const f of fields) if (!known.includes(f.name)) throw nonexistingField(f.name, nodeType);
	// Graph always answers the id, even when it was not asked for.
	if (known.includes('id') && !fields.some((f) => f.name === 'id')) return [...fields, { name: 'id' }];
	return fields;
}

class Parser {
	private pos = 0;
	constructor(private readonly text: string) {}

	done(): boolean {
		this.skipSpace();
		return this.pos >= this.text.length;
	}

	list(): FieldSelection[] {
		const out: FieldSelection[] = [];
		for (;;) {
			this.skipSpace();
			const ch = this.text[this.pos];
			if (ch === ',') {
				this.pos++; // tolerate empty items such as "id,,name"
				continue;
			}
			if (ch === undefined || ch === '}') return out;
			out.push(this.item());
			this.skipSpace();
			if (this.text[this.pos] === ',') this.pos++;
			else return out;
		}
	}

	private item(): FieldSelection {
		const field: FieldSelection = { name: this.ident() };
		for (;;) {
			this.skipSpace();
			const ch = this.text[this.pos];
			if (ch === '.') {
				this.pos++;
				this.modifier(field);
			} else if (ch === '{') {
				if (field.sub) throw this.syntaxError('","');
				this.pos++;
				field.sub = this.list();
				this.skipSpace();
				if (this.text[this.pos] !== '}') throw this.syntaxError('"}"');
				this.pos++;
			} else return field;
		}
	}

	private modifier(field: FieldSelection): void {
		const name = this.ident();
		if (this.text[this.pos] !== '(') throw this.syntaxError('"("');
		const close = this.text.indexOf(')', this.pos);
		if (close < 0) throw this.syntaxError('")"');
		const arg = this.text.slice(this.pos + 1, close).trim();
		this.pos = close + 1;
		if (name === 'limit') {
			const n = Number(arg);
			if (!Number.isInteger(n) || n < 0) throw this.syntaxError('an integer');
			field.limit = n;
		} else if (name === 'after') field.after = arg;
		else if (name === 'before') field.before = arg;
		// Other modifiers (order, summary, filter...) are accepted and ignored.
	}

	private ident(): string {
		this.skipSpace();
		const match = /^[A-Za-z0-9_]+/.exec(this.text.slice(this.pos));
		if (!match) throw this.syntaxError('a field name');
		this.pos += match[0].length;
		return match[0];
	}

	private skipSpace(): void {
		while (this.text[this.pos] === ' ') this.pos++;
	}

	syntaxError(expected: string): GraphError {
		const found = this.text[this.pos] ?? 'end of string';
		return new GraphError(400, {
			message: `Syntax error "Expected ${expected} instead of "${found}"." at character ${this.pos}: ${this.text}`,
			type: 'OAuthException',
			code: 2500,
		});
	}
}
