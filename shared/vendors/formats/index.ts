/**
 * Format checkers, one per vendor file format: each parses a rendered file, returns the SIP
 * accounts and settings a phone would read from it, and throws ConfigFormatError for a file a
 * phone would reject or misread. Pure functions; the phone simulator uses them too.
 */
import type { FormatId } from '../types.js';
import { ciscoFlat, ciscoSepXml } from './cisco.js';
import type { FormatChecker, ParsedConfig } from './common.js';
import { fanvilXml } from './fanvil.js';
import { gigasetXml } from './gigaset.js';
import { mitelCfg } from './mitel.js';
import { grandstreamXml, htekXml } from './pcodes.js';
import { polyCfg, polyMaster } from './poly.js';
import { snomContainer, snomXml } from './snom.js';
import { yealinkBoot, yealinkCfg } from './yealink.js';

export { ConfigFormatError, type Account, type AccountField, type FormatChecker, type ParsedConfig } from './common.js';
export { XmlError, parseXml, type XmlDocument, type XmlElement, type XmlNode } from './xml.js';
export { YEALINK_HEADER } from './yealink.js';
export { parseProfileRule } from './cisco.js';
export type { FormatId } from '../types.js';

export const FORMATS: Readonly<Record<FormatId, FormatChecker>> = {
  'yealink-cfg': yealinkCfg,
  'yealink-boot': yealinkBoot,
  'poly-cfg': polyCfg,
  'poly-master': polyMaster,
  'grandstream-xml': grandstreamXml,
  'cisco-flat': ciscoFlat,
  'cisco-sep-xml': ciscoSepXml,
  'snom-xml': snomXml,
  'snom-container': snomContainer,
  'fanvil-xml': fanvilXml,
  'mitel-cfg': mitelCfg,
  'htek-xml': htekXml,
  'gigaset-xml': gigasetXml,
};

/** Parses `text` as `format`; throws ConfigFormatError when it is malformed. */
export function checkConfig(format: FormatId, text: string): ParsedConfig {
  return FORMATS[format].parse(text);
}
