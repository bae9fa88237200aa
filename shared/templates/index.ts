/** Template engines behind one entry point, keyed by the device's engine setting. */
import { ProvError } from '../errors.js';
import type { Engine } from '../domain.js';
import { compileDefault, type CompiledTemplate } from './default-engine.js';
import { compileFreemarker } from './freemarker/index.js';

export { compileDefault, type CompiledTemplate } from './default-engine.js';
export { compileFreemarker, modelFromJson, type FreemarkerOptions } from './freemarker/index.js';
export * from './data-model.js';
export { chooseTemplate, SAMPLE_EXTENSION, type StoredTemplate, type TemplateChoice, type TemplateLookup, type TemplateSubject } from './select.js';

/**
 * Compiles `source` for `engine`. FreeMarker uses our own engine (shared/templates/freemarker/),
 * byte-compatible with Apache FreeMarker 2.3.31 on what it supports.
 */
export function compileTemplate(engine: Engine, source: string): CompiledTemplate {
  switch (engine) {
    case 'default':
      return compileDefault(source);
    case 'freemarker':
      return compileFreemarker(source);
    default:
      throw new ProvError('VALIDATION_FAILED', `unknown engine "${String(engine)}"`);
  }
}
export { EXAMPLE_MODEL } from './example.js';
