/** The shapes of wording, for every module of i18n/ and the elements: a leaf that imports nothing. */

/** Placeholder values for `{name}` in a catalogue string. */
export type MessageParams = Record<string, string | number>;

/**
 * A message that depends on a number, the `count` param: one wording per `Intl.PluralRules`
 * category of the language it is written in. Only `other` is required; a category a language uses
 * but the message lacks falls back to `other`.
 *
 * @example { one: 'Hidden again in {count} second.', other: 'Hidden again in {count} seconds.' }
 */
export type PluralMessage = { readonly other: string } & {
  readonly [category in Exclude<Intl.LDMLPluralRule, 'other'>]?: string;
};

/** What a catalogue or an override holds for a key: a string, or a plural message for counts. */
export type Message = string | PluralMessage;
