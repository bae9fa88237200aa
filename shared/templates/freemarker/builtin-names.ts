/** Built-in names known at parse time (snake_case; camelCase spellings are normalised first). */

/** Refused by the sandbox. */
export const REFUSED_BUILTINS = new Set(['new', 'api', 'eval', 'interpret', 'eval_json']);

/** Exist in FreeMarker 2.3.31 but are not supported here (dates and XML nodes). */
export const UNSUPPORTED_BUILTINS = new Set([
  'date', 'time', 'datetime', 'date_if_unknown', 'time_if_unknown', 'datetime_if_unknown', 'iso', 'iso_utc', 'iso_local',
  'iso_h', 'iso_m', 'iso_ms', 'iso_nz', 'iso_utc_h', 'iso_utc_m', 'iso_utc_ms', 'iso_utc_nz', 'iso_local_h', 'iso_local_m',
  'iso_local_ms', 'iso_local_nz', 'iso_h_nz', 'iso_m_nz', 'iso_ms_nz', 'iso_utc_h_nz', 'iso_utc_m_nz', 'iso_utc_ms_nz',
  'iso_local_h_nz', 'iso_local_m_nz', 'iso_local_ms_nz', 'iso_utc_fz', 'iso_local_fz', 'number_to_date',
  'number_to_time', 'number_to_datetime', 'ancestors', 'children', 'next_sibling', 'previous_sibling', 'node_name',
  'node_namespace', 'node_type', 'parent', 'root', 'with_args', 'with_args_last',
]);

/** Built-ins that take arguments (their `(...)` is parsed as the built-in's argument list). */
export const BUILTIN_ARGS = new Set([
  'string', 'replace', 'split', 'contains', 'starts_with', 'ends_with', 'index_of', 'last_index_of', 'left_pad',
  'right_pad', 'keep_before', 'keep_after', 'keep_before_last', 'keep_after_last', 'remove_beginning', 'remove_ending',
  'ensure_starts_with', 'ensure_ends_with', 'substring', 'matches', 'truncate', 'truncate_w', 'truncate_c',
  'truncate_m', 'truncate_w_m', 'truncate_c_m', 'join', 'seq_contains', 'seq_index_of', 'seq_last_index_of',
  'sort_by', 'chunk', 'filter', 'map', 'take_while', 'drop_while', 'then', 'switch', 'item_cycle', 'default',
  'absolute_template_name',
]);

export const SUPPORTED_BUILTINS = [
  // strings
  'upper_case', 'lower_case', 'cap_first', 'uncap_first', 'capitalize', 'trim',
  'length', 'replace', 'split', 'contains', 'starts_with', 'ends_with', 'index_of', 'last_index_of', 'left_pad',
  'right_pad', 'keep_before', 'keep_after', 'keep_before_last', 'keep_after_last', 'remove_beginning', 'remove_ending',
  'ensure_starts_with', 'ensure_ends_with', 'substring', 'html', 'xml', 'xhtml', 'rtf', 'url', 'url_path', 'j_string',
  'js_string', 'json_string', 'web_safe', 'number', 'boolean', 'matches', 'groups', 'truncate', 'truncate_w',
  'truncate_c', 'truncate_m', 'truncate_w_m', 'truncate_c_m', 'word_list', 'chop_linebreak', 'no_esc', 'esc',
  'markup_string', 'absolute_template_name',
  // numbers
  'c', 'string', 'round', 'floor', 'ceiling', 'int', 'abs', 'is_infinite', 'is_nan', 'lower_abc', 'upper_abc', 'long',
  'short', 'byte', 'double', 'float',
  // booleans
  'then',
  // sequences and hashes
  'size', 'first', 'last', 'join', 'seq_contains', 'seq_index_of', 'seq_last_index_of', 'sort', 'sort_by', 'reverse',
  'chunk', 'filter', 'map', 'take_while', 'drop_while', 'min', 'max', 'keys', 'values',
  // anything
  'has_content', 'switch', 'default', 'if_exists', 'exists', 'is_string', 'is_number', 'is_boolean', 'is_sequence',
  'is_hash', 'is_hash_ex', 'is_collection', 'is_collection_ex', 'is_enumerable', 'is_indexable', 'is_macro',
  'is_directive', 'is_method', 'is_transform', 'is_node', 'is_date', 'is_date_like', 'is_date_only', 'is_time',
  'is_datetime', 'is_unknown_date_like', 'is_markup_output', 'namespace', 'has_api',
  // loop variables
  'index', 'counter', 'has_next', 'is_first', 'is_last', 'item_parity', 'item_parity_cap', 'item_cycle',
  'is_odd_item', 'is_even_item',
];

export const BUILTIN_NAMES = new Set(SUPPORTED_BUILTINS);
