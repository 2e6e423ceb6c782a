/**
 * `sf eca convert`, the pure part: a Connected App in, an External Client App and a field-by-field
 * report out. The mapping table is ./mapping.ts.
 */
export {
  convertConnectedApp,
  satelliteSuffix,
  targetName,
  type ConnectedAppSource,
  type ConversionOptions,
  type ConversionResult,
  type ConversionStatus,
  type FilledValue,
  type Notice,
  type Outcome,
  type ReportEntry,
  type SatelliteNaming,
} from './convert.js';
export {
  MAPPING,
  NOT_CARRIED,
  PART_SOURCE,
  PLATFORM_DEFAULTS,
  type ConvertedPart,
  type MappingRow,
  type NoticeCode,
  type Rule,
  type SatellitePart,
  type SourcePath,
  type Target,
  type TranslateContext,
  type Translation,
} from './mapping.js';
export { checkConnectedAppSource, type SourceCheckOptions } from './source.js';
export { renderMarkdownReport, type ReportApp } from './markdown.js';
