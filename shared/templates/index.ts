/** Template engines behind one entry point, keyed by the device's engine setting. */
import { ProvError, TemplateError } from '../errors.js';
import type { Engine } from '../domain.js';
import { compileDefault, type CompiledTemplate } from './default-engine.js';

export { compileDefault, type CompiledTemplate } from './default-engine.js';
export * from './data-model.js';

/**
 * Compiles `source` for `engine`. FreeMarker is refused with ENGINE_UNAVAILABLE until our own
 * engine lands (issue [2/7]); it is never silently rendered by the Default engine.
 */
export function compileTemplate(engine: Engine, source: string): CompiledTemplate {
  switch (engine) {
    case 'default':
      return compileDefault(source);
    case 'freemarker':
      throw new TemplateError('ENGINE_UNAVAILABLE', 'the FreeMarker engine is not available in this build yet', { line: 1, column: 1 });
    default:
      throw new ProvError('VALIDATION_FAILED', `unknown engine "${String(engine)}"`);
  }
}
export { EXAMPLE_MODEL } from './example.js';
